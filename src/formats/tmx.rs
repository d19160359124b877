//! TMX 1.4b, read as a stream of units (quick-xml, constant memory per unit: `read`) and
//! written as a stream (`write`). Inline codes (`<ph> <bpt> <ept> <it> <ut> <hi> <sub>`) are
//! kept verbatim as the variant's markup; the plain text drops the codes and keeps `<hi>`
//! text.

mod read;
mod write;

pub use read::TmxReader;
pub use write::TmxWriter;

/// The prop types that carry [`Meta::document`] and [`Meta::outlet`].
///
/// [`Meta::document`]: crate::model::unit::Meta::document
/// [`Meta::outlet`]: crate::model::unit::Meta::outlet
pub const PROP_DOCUMENT: &str = "x-document";
pub const PROP_OUTLET: &str = "x-outlet";
/// The prop types that carry [`Meta::prev`] and [`Meta::next`].
///
/// [`Meta::prev`]: crate::model::unit::Meta::prev
/// [`Meta::next`]: crate::model::unit::Meta::next
pub const PROP_PREV: &str = "x-context-prev";
pub const PROP_NEXT: &str = "x-context-next";

/// `20240501T120000Z` → `2024-05-01T12:00:00Z`; `None` when it is not that shape.
pub fn tmx_date_to_rfc3339(value: &str) -> Option<String> {
    // TMX's one date form, ISO 8601 basic, always UTC; a real calendar date and time (month
    // 13 or 31 February is kept as a plain attribute, not read as a date).
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let parsed = time::PrimitiveDateTime::parse(value, &format).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        parsed.year(),
        u8::from(parsed.month()),
        parsed.day(),
        parsed.hour(),
        parsed.minute(),
        parsed.second()
    ))
}

/// `2024-05-01T12:00:00Z` → `20240501T120000Z` (stored dates are always UTC in this form).
pub fn rfc3339_to_tmx_date(value: &str) -> String {
    value.chars().filter(|c| *c != '-' && *c != ':').collect()
}

#[cfg(test)]
mod tests;
