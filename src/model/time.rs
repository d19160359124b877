//! Times as units store them: RFC 3339 in UTC, to the second (`2026-05-01T10:00:00Z`).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `2024-05-01T14:00:00+04:00` → `2024-05-01T10:00:00Z`; `None` when it is not RFC 3339.
pub fn canonical(value: &str) -> Option<String> {
    OffsetDateTime::parse(value.trim(), &Rfc3339)
        .ok()
        .map(format_utc)
}

/// Now, as stored times are written.
pub fn now() -> String {
    format_utc(OffsetDateTime::now_utc())
}

fn format_utc(time: OffsetDateTime) -> String {
    let t = time.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_stored_in_utc() {
        assert_eq!(
            super::canonical("2024-05-01T14:00:00+04:00").as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(super::canonical("1 May 2024"), None);
    }
}
