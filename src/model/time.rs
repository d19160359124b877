//! Times as units store them: RFC 3339 in UTC, to the second (`2026-05-01T10:00:00Z`).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A time as units store it: RFC 3339 in UTC, to the second. Made only by parsing (or as
/// now), so a `Timestamp` is always in that one form, and its text order is its time order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// Any RFC 3339 time, in UTC; `None` when `value` is not RFC 3339.
    pub fn parse(value: &str) -> Option<Timestamp> {
        canonical(value).map(Timestamp)
    }

    /// A time read back from storage, which only ever holds the canonical form: its shape
    /// is checked (cheaply: every stored unit read in a lookup passes here) and anything
    /// else is parsed as any RFC 3339 time.
    pub fn from_stored(value: String) -> Option<Timestamp> {
        const SHAPE: &[u8; 20] = b"0000-00-00T00:00:00Z";
        let canonical = value.len() == SHAPE.len()
            && value.bytes().zip(SHAPE).all(|(b, s)| match s {
                b'0' => b.is_ascii_digit(),
                _ => b == *s,
            });
        if canonical {
            Some(Timestamp(value))
        } else {
            Timestamp::parse(&value)
        }
    }

    pub fn now() -> Timestamp {
        Timestamp(now())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

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
        // Month 13 and day 32 are not times (a hand-written parser once let them through).
        assert!(super::Timestamp::parse("2026-13-01T00:00:00Z").is_none());
        assert!(super::Timestamp::parse("2026-01-32T00:00:00Z").is_none());
        let (a, b) = (
            super::Timestamp::parse("2026-05-01T23:00:00-02:00").unwrap(),
            super::Timestamp::parse("2026-05-02T00:30:00Z").unwrap(),
        );
        assert_eq!(a.as_str(), "2026-05-02T01:00:00Z");
        assert!(b < a, "text order is time order");
        assert_eq!(
            super::Timestamp::from_stored("2026-05-02T01:00:00Z".into()),
            Some(a)
        );
        assert_eq!(
            super::Timestamp::from_stored("2026-05-02T03:00:00+02:00".into())
                .map(|t| t.into_string())
                .as_deref(),
            Some("2026-05-02T01:00:00Z")
        );
        assert_eq!(super::Timestamp::from_stored("yesterday".into()), None);
    }
}
