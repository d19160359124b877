//! Numbers as each language writes them: `1,234.5` (en), `1 234,5` (hy, ru), `1.234,5` (az).
//! Reads a number token into its parts by the conventions of its language and writes parts
//! back in another's, so an adapted translation keeps the target language's separators.

use crate::model::lang::Lang;

/// How a language separates decimals and groups thousands (CLDR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberStyle {
    pub decimal: char,
    /// The group separator written by default.
    pub group: char,
    /// Group separators accepted when reading.
    pub groups: &'static [char],
}

/// The number conventions of `lang` (its [`LanguageProfile`](super::LanguageProfile)).
pub fn style(lang: &Lang) -> NumberStyle {
    super::profile(lang).numbers
}

/// One part of a number token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A quantity: integer digits (no leading zeros kept for comparison), fraction digits,
    /// and whether it was written with group separators.
    Value {
        int: String,
        frac: Option<String>,
        grouped: bool,
    },
    /// A separator between quantities: the `-` of a range, the `:` of a time, the `.` of a
    /// date.
    Sep(char),
}

/// Parses one quantity written with `style`'s separators; `None` when it does not fit.
fn parse_value(piece: &str, style: &NumberStyle) -> Option<Part> {
    let (int_part, frac) = match piece.split_once(style.decimal) {
        Some((i, f)) if !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()) => {
            (i, Some(f.to_string()))
        }
        Some(_) => return None,
        None => (piece, None),
    };
    let groups: Vec<&str> = int_part.split(|c| style.groups.contains(&c)).collect();
    let grouped = groups.len() > 1;
    let well_formed = !groups[0].is_empty()
        && groups[0].len() <= if grouped { 3 } else { usize::MAX }
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    well_formed.then(|| Part::Value {
        int: groups.concat(),
        frac,
        grouped,
    })
}

fn split_digits(piece: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut digits = String::new();
    for c in piece.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                parts.push(Part::Value {
                    int: std::mem::take(&mut digits),
                    frac: None,
                    grouped: false,
                });
            }
            parts.push(Part::Sep(c));
        }
    }
    if !digits.is_empty() {
        parts.push(Part::Value {
            int: digits,
            frac: None,
            grouped: false,
        });
    }
    parts
}

/// Reads a number token (`25-26`, `1 234,5`, `14:30`) by `style`.
pub fn parse(raw: &str, style: &NumberStyle) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut piece = String::new();
    let flush = |piece: &mut String, parts: &mut Vec<Part>| {
        if piece.is_empty() {
            return;
        }
        match parse_value(piece, style) {
            Some(value) => parts.push(value),
            None => parts.extend(split_digits(piece)),
        }
        piece.clear();
    };
    for c in raw.chars() {
        match c {
            '-' | '–' | '—' | ':' | '/' => {
                flush(&mut piece, &mut parts);
                parts.push(Part::Sep(if c == ':' || c == '/' { c } else { '-' }));
            }
            c => piece.push(c),
        }
    }
    flush(&mut piece, &mut parts);
    parts
}

/// The ways a number token can be read: by its language's conventions first, then by the
/// other common ones (Azerbaijani news often writes `20.4` with a decimal point), each with
/// the style that read it.
pub fn readings(raw: &str, own: &NumberStyle) -> Vec<(NumberStyle, Vec<Part>)> {
    const POINT: NumberStyle = NumberStyle {
        decimal: '.',
        group: ',',
        groups: &[','],
    };
    const COMMA: NumberStyle = NumberStyle {
        decimal: ',',
        group: '.',
        groups: &['.', ' ', '\u{00A0}', '\u{202F}'],
    };
    let mut out: Vec<(NumberStyle, Vec<Part>)> = Vec::with_capacity(3);
    for style in [*own, POINT, COMMA] {
        let parts = parse(raw, &style);
        if !out.iter().any(|(_, p)| *p == parts) {
            out.push((style, parts));
        }
    }
    // Last, the bare digit runs: `2-0` and `2:0` (a score), `4.40` and `4:40` (a time).
    let digits = split_digits(raw);
    if !out.iter().any(|(_, p)| *p == digits) {
        out.push((*own, digits));
    }
    out
}

/// Separators that languages swap for one another between the same numbers: the `-` and
/// `:` of a score, the `.` and `:` of a time.
fn is_structural(c: char) -> bool {
    matches!(c, '-' | ':' | '.')
}

/// Whether two parsed numbers are the same quantities with the same structure, whatever
/// separators wrote them.
pub fn same_value(a: &[Part], b: &[Part]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (
                Part::Value {
                    int: ia, frac: fa, ..
                },
                Part::Value {
                    int: ib, frac: fb, ..
                },
            ) => {
                ia.trim_start_matches('0') == ib.trim_start_matches('0')
                    && fa.as_deref().unwrap_or("").trim_end_matches('0')
                        == fb.as_deref().unwrap_or("").trim_end_matches('0')
            }
            (Part::Sep(x), Part::Sep(y)) => x == y || is_structural(*x) && is_structural(*y),
            _ => false,
        })
}

/// Writes `value` (parsed from the query) in `style`, following `template` (the number as
/// the target text wrote it) in grouping and separators where their shapes agree.
pub fn format_like(
    value: &[Part],
    template: &[Part],
    style: &NumberStyle,
    template_raw: &str,
) -> String {
    let group = template_raw
        .chars()
        .find(|c| style.groups.contains(c) && *c != style.decimal)
        .unwrap_or(style.group);
    let shapes_agree = value.len() == template.len();
    let mut out = String::new();
    for (k, part) in value.iter().enumerate() {
        let like = shapes_agree.then(|| &template[k]);
        match part {
            Part::Sep(c) => match like {
                Some(Part::Sep(t)) => out.push(*t),
                _ => out.push(*c),
            },
            Part::Value { int, frac, grouped } => {
                let wants_groups = match like {
                    Some(Part::Value { grouped: g, .. }) => *g,
                    _ => *grouped,
                } && int.len() > 3;
                // Zero padding (`09:05` or `9:05`) as the template wrote it.
                let int = match like {
                    Some(Part::Value { int: t, .. })
                        if t.starts_with('0') && int.len() < t.len() =>
                    {
                        format!("{int:0>width$}", width = t.len())
                    }
                    Some(Part::Value { int: t, .. })
                        if !t.starts_with('0') && int.len() > t.len() =>
                    {
                        let mut trimmed = int.as_str();
                        while trimmed.len() > t.len() && trimmed.starts_with('0') {
                            trimmed = &trimmed[1..];
                        }
                        trimmed.to_string()
                    }
                    _ => int.clone(),
                };
                if wants_groups {
                    let digits: Vec<char> = int.chars().collect();
                    for (i, d) in digits.iter().enumerate() {
                        if i > 0 && (digits.len() - i) % 3 == 0 {
                            out.push(group);
                        }
                        out.push(*d);
                    }
                } else {
                    out.push_str(&int);
                }
                if let Some(frac) = frac {
                    out.push(style.decimal);
                    out.push_str(frac);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(tag: &str) -> NumberStyle {
        style(&Lang::parse(tag).unwrap())
    }

    #[test]
    fn each_language_reads_its_own_separators() {
        let en = parse("1,234.5", &st("en"));
        let ru = parse("1\u{a0}234,5", &st("ru"));
        let hy = parse("1 234,5", &st("hy"));
        let az = parse("1.234,5", &st("az"));
        assert!(same_value(&en, &ru) && same_value(&ru, &hy) && same_value(&hy, &az));
        // The same characters mean different numbers in en and az.
        assert!(!same_value(
            &parse("1.234", &st("en")),
            &parse("1.234", &st("az"))
        ));
    }

    #[test]
    fn writes_in_the_target_style() {
        let query = parse("12,345.75", &st("en"));
        assert_eq!(
            format_like(
                &query,
                &parse("1\u{a0}234,5", &st("ru")),
                &st("ru"),
                "1\u{a0}234,5"
            ),
            "12\u{a0}345,75"
        );
        assert_eq!(
            format_like(&query, &parse("1.234,5", &st("az")), &st("az"), "1.234,5"),
            "12.345,75"
        );
        assert_eq!(
            format_like(
                &parse("1993", &st("en")),
                &parse("1992", &st("hy")),
                &st("hy"),
                "1992"
            ),
            "1993"
        );
    }

    #[test]
    fn ranges_times_and_dates_keep_their_shape() {
        let range = parse("27-28", &st("en"));
        assert_eq!(
            format_like(&range, &parse("25–26", &st("ru")), &st("ru"), "25–26"),
            "27-28"
        );
        assert!(same_value(
            &parse("25-26", &st("en")),
            &parse("25–26", &st("ru"))
        ));
        assert_eq!(
            format_like(
                &parse("9:05", &st("en")),
                &parse("08:30", &st("hy")),
                &st("hy"),
                "08:30"
            ),
            "09:05"
        );
        assert_eq!(
            format_like(
                &parse("07:56", &st("az")),
                &parse("7:55", &st("hy")),
                &st("hy"),
                "7:55"
            ),
            "7:56"
        );
        let date = parse("01.05.2024", &st("ru"));
        assert_eq!(date.len(), 5);
        assert!(same_value(&date, &parse("01.05.2024", &st("az"))));
    }
}
