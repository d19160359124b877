//! NUMBER and DATETIME for Fluent, formatted by CLDR through ICU4X.
//!
//! fluent-bundle writes every number the English way (`1234567.5` in Russian too) and has no
//! DATETIME at all. Each bundle therefore gets a number hook that formats every numeric
//! placeable with ICU4X for the bundle's locale (`1 234 567,5` in ru, `1.234.567,5` in az),
//! a NUMBER that keeps its options for that hook, and a DATETIME bound to the locale.

use std::cell::RefCell;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use fixed_decimal::{Decimal, FloatPrecision, SignedRoundingMode, UnsignedRoundingMode};
use fluent_bundle::memoizer::MemoizerKind;
use fluent_bundle::types::{FluentNumber, FluentNumberStyle};
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use icu_datetime::fieldsets::builder::{DateFields, FieldSetBuilder};
use icu_datetime::fieldsets::enums::CompositeDateTimeFieldSet;
use icu_datetime::input::{Date, DateTime, Time};
use icu_datetime::options::{Length, TimePrecision};
use icu_datetime::DateTimeFormatter;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use time::format_description::well_known::Rfc3339;
use unic_langid::LanguageIdentifier;

/// The bundle type every locale is loaded into: shared across worker threads.
pub type Bundle = fluent_bundle::concurrent::FluentBundle<Arc<FluentResource>>;

/// Gives `bundle` the locale-aware NUMBER, DATETIME and number hook.
pub fn install(bundle: &mut Bundle, langid: &LanguageIdentifier) -> Result<(), FluentError> {
    bundle.set_formatter(Some(format_number_value));
    bundle.add_function("NUMBER", number)?;
    let dates = Arc::new(DateFormats::new(icu_locale(langid)));
    bundle.add_function("DATETIME", move |positional, named| {
        dates.datetime(positional, named)
    })?;
    Ok(())
}

/// unic-langid and ICU4X have different locale types; the string form is their common ground.
pub fn icu_locale(langid: &LanguageIdentifier) -> Locale {
    Locale::from_str(&langid.to_string()).unwrap_or(Locale::UNKNOWN)
}

thread_local! {
    /// What NUMBER and DATETIME could not format during the current `format` call. Fluent
    /// functions cannot report errors themselves (an `Error` value just prints `{DATETIME()}`),
    /// and formatting runs start to end on one thread, so they leave them here.
    static FUNCTION_ERRORS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn report(error: String) {
    FUNCTION_ERRORS.with(|errors| errors.borrow_mut().push(error));
}

/// Takes the errors the functions reported since the last call, on this thread.
pub fn take_function_errors() -> Vec<String> {
    FUNCTION_ERRORS.with(|errors| std::mem::take(&mut *errors.borrow_mut()))
}

/// `NUMBER($n, minimumFractionDigits: 2)`: a number with options, formatted when written.
///
/// Unlike fluent-bundle's builtin it also takes a numeric string (`"5"`), because JSON
/// clients send both.
#[allow(non_snake_case)]
fn number<'a>(positional: &[FluentValue<'a>], named: &FluentArgs) -> FluentValue<'a> {
    let mut n = match positional.first() {
        Some(FluentValue::Number(n)) => n.clone(),
        Some(FluentValue::String(s)) => match FluentNumber::from_str(s.trim()) {
            Ok(n) => n,
            Err(_) => {
                report(format!("NUMBER(): \"{s}\" is not a number"));
                return FluentValue::Error;
            }
        },
        // A missing variable was already reported by the resolver.
        Some(FluentValue::Error) => return FluentValue::Error,
        _ => {
            report("NUMBER() needs a number as its first argument".into());
            return FluentValue::Error;
        }
    };
    n.options.merge(named);
    FluentValue::Number(n)
}

/// The number hook: every numeric value a bundle writes goes through here.
fn format_number_value<M: MemoizerKind>(value: &FluentValue, intls: &M) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    intls
        .with_try_get_threadsafe::<NumberFormats, _, _>((), |formats| formats.format(n))
        .ok()
        .flatten()
}

/// ICU4X's decimal formatters for one locale, with and without grouping.
pub struct NumberFormats {
    grouped: DecimalFormatter,
    plain: DecimalFormatter,
    percent: PercentPattern,
}

impl intl_memoizer::Memoizable for NumberFormats {
    type Args = ();
    type Error = icu_provider::DataError;

    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, Self::Error> {
        NumberFormats::new(&lang)
    }
}

/// How a percentage is written. ICU4X 2 keeps percent formatting in its experimental crate,
/// so the CLDR `percentFormats` patterns of the languages served are copied here.
#[derive(Debug, Clone, Copy)]
enum PercentPattern {
    /// `#,##0%` (en, hy, az and most others)
    Suffix,
    /// `#,##0 %` with a no-break space (ru, and e.g. fr, de)
    SpacedSuffix,
}

impl NumberFormats {
    pub fn new(lang: &LanguageIdentifier) -> Result<NumberFormats, icu_provider::DataError> {
        let locale = icu_locale(lang);
        let mut plain = DecimalFormatterOptions::default();
        plain.grouping_strategy = Some(GroupingStrategy::Never);
        let percent = match lang.language.as_str() {
            "ru" | "uk" | "be" | "fr" | "de" | "sv" | "nb" | "fi" | "cs" | "sk" | "bg" => {
                PercentPattern::SpacedSuffix
            }
            _ => PercentPattern::Suffix,
        };
        Ok(NumberFormats {
            grouped: DecimalFormatter::try_new(locale.clone().into(), Default::default())?,
            plain: DecimalFormatter::try_new(locale.into(), plain)?,
            percent,
        })
    }

    /// Formats `n` with its NUMBER options; `None` leaves it to fluent-bundle (NaN, ∞).
    pub fn format(&self, n: &FluentNumber) -> Option<String> {
        let options = &n.options;
        let percent = options.style == FluentNumberStyle::Percent;
        let value = if percent { n.value * 100.0 } else { n.value };
        let mut decimal = Decimal::try_from_f64(value, FloatPrecision::RoundTrip).ok()?;
        // Intl.NumberFormat's defaults, which Fluent follows: at most 3 fraction digits for
        // decimals, none for percentages, 2 for currencies.
        let default_max = match options.style {
            FluentNumberStyle::Decimal => 3,
            FluentNumberStyle::Percent => 0,
            FluentNumberStyle::Currency => 2,
        };
        let half_expand = SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand);
        if let Some(max_sig) = options.maximum_significant_digits.filter(|&m| m > 0) {
            let top = decimal.absolute.nonzero_magnitude_start();
            decimal.round_with_mode(top - max_sig as i16 + 1, half_expand);
        } else {
            let min_fraction = options.minimum_fraction_digits.unwrap_or(
                if options.style == FluentNumberStyle::Currency {
                    2
                } else {
                    0
                },
            );
            let max_fraction = options
                .maximum_fraction_digits
                .unwrap_or(default_max)
                .max(min_fraction);
            decimal.round_with_mode(-(max_fraction.min(100) as i16), half_expand);
            decimal.absolute.pad_end(-(min_fraction.min(100) as i16));
        }
        if let Some(min_sig) = options.minimum_significant_digits.filter(|&m| m > 0) {
            let top = decimal.absolute.nonzero_magnitude_start().max(0);
            decimal.absolute.pad_end(top - min_sig.min(100) as i16 + 1);
        }
        if let Some(min_int) = options.minimum_integer_digits.filter(|&m| m > 0) {
            decimal.absolute.pad_start(min_int.min(100) as i16);
        }
        let formatter = if options.use_grouping {
            &self.grouped
        } else {
            &self.plain
        };
        let digits = formatter.format(&decimal).to_string();
        Some(match options.style {
            FluentNumberStyle::Decimal => digits,
            FluentNumberStyle::Percent => match self.percent {
                PercentPattern::Suffix => format!("{digits}%"),
                PercentPattern::SpacedSuffix => format!("{digits}\u{a0}%"),
            },
            // ICU4X 2 has no stable currency formatter: the ISO code after the amount is
            // unambiguous in every locale, if not what CLDR would print.
            FluentNumberStyle::Currency => match &options.currency {
                Some(code) => format!("{digits}\u{a0}{code}"),
                None => digits,
            },
        })
    }
}

/// `dateStyle` / `timeStyle` of DATETIME, as in `Intl.DateTimeFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Full,
    Long,
    Medium,
    Short,
}

impl Style {
    fn parse(value: &str) -> Option<Style> {
        match value {
            "full" => Some(Style::Full),
            "long" => Some(Style::Long),
            "medium" => Some(Style::Medium),
            "short" => Some(Style::Short),
            _ => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn length(self) -> Length {
        match self {
            Style::Full | Style::Long => Length::Long,
            Style::Medium => Length::Medium,
            Style::Short => Length::Short,
        }
    }
}

/// ICU4X date formatters for one locale, one per (dateStyle, timeStyle), built on first use.
struct DateFormats {
    locale: Locale,
    /// Index: date style (4 + none) × time style (short, medium or none).
    slots: [OnceLock<Option<DateTimeFormatter<CompositeDateTimeFieldSet>>>; 15],
}

impl DateFormats {
    fn new(locale: Locale) -> DateFormats {
        DateFormats {
            locale,
            slots: Default::default(),
        }
    }

    /// `DATETIME($date, dateStyle: "long", timeStyle: "short")`.
    fn datetime<'a>(&self, positional: &[FluentValue<'a>], named: &FluentArgs) -> FluentValue<'a> {
        let input = match positional.first() {
            Some(FluentValue::Error) => return FluentValue::Error,
            Some(value) => value,
            None => {
                report("DATETIME() needs a date as its first argument".into());
                return FluentValue::Error;
            }
        };
        let Some(moment) = parse_moment(input) else {
            report(format!(
                "DATETIME(): {} is not a date; send e.g. \"2026-02-26\", \"2026-02-26T14:30:00+04:00\" or milliseconds since 1970",
                describe(input)
            ));
            return FluentValue::Error;
        };
        let mut date_style = None;
        let mut time_style = None;
        for (name, value) in named.iter() {
            let FluentValue::String(value) = value else {
                continue;
            };
            let slot = match name {
                "dateStyle" => &mut date_style,
                "timeStyle" => &mut time_style,
                // Other Intl options (timeZone, hour12, …) are not supported; say so.
                other => {
                    report(format!("DATETIME(): the option {other} is not supported"));
                    continue;
                }
            };
            match Style::parse(value) {
                Some(style) => *slot = Some(style),
                None => report(format!(
                    "DATETIME(): {name} \"{value}\" is not one of full, long, medium, short"
                )),
            }
        }
        if date_style.is_none() && time_style.is_none() {
            date_style = Some(Style::Medium);
        }
        match self.formatter(date_style, time_style) {
            Some(formatter) => FluentValue::String(formatter.format(&moment).to_string().into()),
            None => {
                report(format!(
                    "DATETIME(): no date format for {} in this locale",
                    self.locale
                ));
                FluentValue::Error
            }
        }
    }

    fn formatter(
        &self,
        date: Option<Style>,
        time: Option<Style>,
    ) -> Option<&DateTimeFormatter<CompositeDateTimeFieldSet>> {
        // CLDR has no time lengths beyond "with seconds" and "without"; long and full would
        // add a time zone, which a bare date-time does not carry.
        let precision = time.map(|t| match t {
            Style::Short => TimePrecision::Minute,
            _ => TimePrecision::Second,
        });
        let date_index = date.map_or(4, Style::index);
        let time_index = match precision {
            None => 0,
            Some(TimePrecision::Minute) => 1,
            Some(_) => 2,
        };
        let slot = &self.slots[date_index * 3 + time_index];
        slot.get_or_init(|| {
            let mut builder = FieldSetBuilder::new();
            builder.length = Some(date.or(time).map_or(Length::Medium, Style::length));
            builder.date_fields = date.map(|d| match d {
                Style::Full => DateFields::YMDE,
                _ => DateFields::YMD,
            });
            builder.time_precision = precision;
            let field_set = builder.build_composite_datetime().ok()?;
            DateTimeFormatter::try_new(self.locale.clone().into(), field_set).ok()
        })
        .as_ref()
    }
}

fn describe(value: &FluentValue) -> String {
    match value {
        FluentValue::String(s) => format!("\"{s}\""),
        FluentValue::Number(n) => n.value.to_string(),
        _ => "this value".into(),
    }
}

/// A date and wall-clock time from an ISO 8601 / RFC 3339 string or Unix milliseconds.
///
/// The time is shown as written, in the offset it carries: "14:30+04:00" prints 14:30, since
/// the newsroom writes its times in the local zone of the edition.
fn parse_moment(value: &FluentValue) -> Option<DateTime<icu_calendar::Iso>> {
    let (date, clock) = match value {
        FluentValue::String(s) => {
            let s = s.trim();
            if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
                (t.date(), t.time())
            } else if let Ok(t) = time::PrimitiveDateTime::parse(s, DATE_TIME) {
                (t.date(), t.time())
            } else if let Ok(t) = time::PrimitiveDateTime::parse(s, DATE_TIME_MINUTES) {
                (t.date(), t.time())
            } else {
                (time::Date::parse(s, DATE).ok()?, time::Time::MIDNIGHT)
            }
        }
        FluentValue::Number(n) if n.value.is_finite() => {
            let nanos = (n.value * 1_000_000.0) as i128;
            let t = time::OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()?;
            (t.date(), t.time())
        }
        _ => return None,
    };
    Some(DateTime {
        date: Date::try_new_iso(date.year(), u8::from(date.month()), date.day()).ok()?,
        time: Time::try_new(clock.hour(), clock.minute(), clock.second(), 0).ok()?,
    })
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");
const DATE_TIME: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
const DATE_TIME_MINUTES: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::types::FluentNumberOptions;

    fn formats(tag: &str) -> NumberFormats {
        NumberFormats::new(&tag.parse().unwrap()).unwrap()
    }

    fn num(value: f64, tweak: impl FnOnce(&mut FluentNumberOptions)) -> FluentNumber {
        let mut options = FluentNumberOptions::default();
        tweak(&mut options);
        FluentNumber::new(value, options)
    }

    #[test]
    fn numbers_follow_cldr_per_locale() {
        let n = num(1234567.5, |_| {});
        assert_eq!(formats("en").format(&n).unwrap(), "1,234,567.5");
        assert_eq!(formats("hy").format(&n).unwrap(), "1\u{a0}234\u{a0}567,5");
        assert_eq!(formats("az").format(&n).unwrap(), "1.234.567,5");
        assert_eq!(formats("ru").format(&n).unwrap(), "1\u{a0}234\u{a0}567,5");
    }

    #[test]
    fn number_options_round_and_pad() {
        let ru = formats("ru");
        let two = num(3.14659, |o| {
            o.minimum_fraction_digits = Some(2);
            o.maximum_fraction_digits = Some(2);
        });
        assert_eq!(ru.format(&two).unwrap(), "3,15");
        assert_eq!(
            ru.format(&num(2.0, |o| o.minimum_fraction_digits = Some(1)))
                .unwrap(),
            "2,0"
        );
        assert_eq!(ru.format(&num(2.0005, |_| {})).unwrap(), "2,001");
        assert_eq!(
            ru.format(&num(1234.0, |o| o.use_grouping = false)).unwrap(),
            "1234"
        );
        let pct = num(0.875, |o| o.style = FluentNumberStyle::Percent);
        assert_eq!(ru.format(&pct).unwrap(), "88\u{a0}%");
        assert_eq!(formats("hy").format(&pct).unwrap(), "88%");
        assert_eq!(ru.format(&num(-1.5, |_| {})).unwrap(), "-1,5");
    }

    #[test]
    fn moments_parse_from_strings_and_milliseconds() {
        let s = |v: &str| parse_moment(&FluentValue::from(v.to_string()));
        let at = s("2026-02-26T14:30:00+04:00").unwrap();
        assert_eq!((at.time.hour.number(), at.time.minute.number()), (14, 30));
        assert!(s("2026-02-26").is_some());
        assert!(s("2026-02-26T09:05").is_some());
        assert!(s("26/02/2026").is_none());
        assert!(s("2026-02-30").is_none());
        let ms = parse_moment(&FluentValue::from(1_772_116_200_000.0_f64)).unwrap();
        assert_eq!(ms.date.day_of_month().0, 26);
    }
}
