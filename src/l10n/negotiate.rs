//! Which served locale a request gets: Accept-Language with its q-weights, then a fallback
//! chain that ends in the default locale.
//!
//! fluent-langneg's own Accept-Language parser drops the q-weights (`ru;q=0.5, hy;q=0.9`
//! would pick ru), so the header is parsed here and only the matching is left to it. The
//! served locales are matched in their maximised form (`az` → `az-Latn-AZ`), because
//! fluent-langneg treats a bare `az` as a range that any `az-*` fits, and `az-Cyrl` would be
//! served Latin-script Azerbaijani without a word.

use std::str::FromStr;

use fluent_langneg::negotiate::{filter_matches, NegotiationStrategy};
use unic_langid::LanguageIdentifier;

/// The most language ranges read from one header; the rest are ignored.
pub const MAX_RANGES: usize = 32;

/// One language range a client asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Requested {
    /// As the client wrote it (trimmed), for reporting.
    pub tag: String,
    /// `None` when the tag is not BCP 47 or is the `*` wildcard.
    pub langid: Option<LanguageIdentifier>,
    pub q: f32,
}

/// Parses an Accept-Language value (or a `?locale=` list) into ranges, best first.
///
/// Ranges with `q=0` are dropped (the client refuses them); ranges that are not language
/// tags, or whose weight does not parse, are kept with `langid: None` so they can be reported.
/// Equal weights keep the client's order.
pub fn parse_accept_language(header: &str) -> Vec<Requested> {
    let mut ranges: Vec<Requested> = Vec::new();
    for item in header.split(',').take(MAX_RANGES) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        if tag.is_empty() {
            continue;
        }
        let mut q = Some(1.0_f32);
        for param in parts {
            let Some((name, value)) = param.split_once('=') else {
                continue;
            };
            if name.trim().eq_ignore_ascii_case("q") {
                q = value
                    .trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q));
            }
        }
        let langid = if tag == "*" { None } else { parse_tag(tag) };
        match q {
            Some(q) if q <= 0.0 => continue,
            Some(q) => ranges.push(Requested {
                tag: tag.to_string(),
                langid,
                q,
            }),
            None => ranges.push(Requested {
                tag: tag.to_string(),
                langid: None,
                q: 0.0,
            }),
        }
    }
    // A stable sort keeps the client's order among equal weights.
    ranges.sort_by(|a, b| b.q.total_cmp(&a.q));
    ranges
}

/// A language tag in BCP 47 or POSIX-like (`hy_AM`) spelling; `None` when it is neither.
pub fn parse_tag(tag: &str) -> Option<LanguageIdentifier> {
    let tag = tag.trim();
    if tag.is_empty() || tag.len() > 64 {
        return None;
    }
    let langid = LanguageIdentifier::from_str(&tag.replace('_', "-")).ok()?;
    (!langid.language.is_empty()).then_some(langid)
}

/// The outcome of negotiation for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// Served locales to try in order; never empty, always ends with the default.
    pub chain: Vec<String>,
    /// What the client asked for, best first (as written).
    pub requested: Vec<String>,
    /// Asked-for ranges that no served locale matches, and tags that did not parse: a client
    /// asking for `az-Cyrl` learns here that it got another locale.
    pub unmatched: Vec<String>,
}

impl Negotiated {
    /// The locale the answer is in, unless a message is missing there.
    pub fn locale(&self) -> &str {
        &self.chain[0]
    }
}

/// The served locales, in the form the matcher needs.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Served tags (`hy`), in catalog order.
    tags: Vec<String>,
    /// The same, maximised (`hy-Armn-AM`), at the same positions.
    maximised: Vec<LanguageIdentifier>,
    default: String,
}

impl Matcher {
    /// `served` are the locale tags of the catalog; `default` is one of them.
    pub fn new(served: &[(String, LanguageIdentifier)], default: &str) -> Matcher {
        let maximised = served
            .iter()
            .map(|(_, id)| {
                let mut id = id.clone();
                id.maximize();
                id
            })
            .collect();
        Matcher {
            tags: served.iter().map(|(tag, _)| tag.clone()).collect(),
            maximised,
            default: default.to_string(),
        }
    }

    /// The served locales that match one range, best first.
    pub fn matches(&self, requested: &LanguageIdentifier) -> Vec<&str> {
        filter_matches(
            &[requested],
            &self.maximised,
            NegotiationStrategy::Filtering,
        )
        .into_iter()
        .filter_map(|found| {
            self.maximised
                .iter()
                .position(|m| std::ptr::eq(m, found))
                .map(|i| self.tags[i].as_str())
        })
        .collect()
    }

    /// The chain for ranges already sorted best first.
    pub fn negotiate(&self, requested: &[Requested]) -> Negotiated {
        let mut chain: Vec<String> = Vec::new();
        let mut unmatched = Vec::new();
        for range in requested {
            let found = range
                .langid
                .as_ref()
                .map(|id| self.matches(id))
                .unwrap_or_default();
            if found.is_empty() && range.tag != "*" {
                unmatched.push(range.tag.clone());
            }
            for tag in found {
                if !chain.iter().any(|t| t == tag) {
                    chain.push(tag.to_string());
                }
            }
        }
        if !chain.contains(&self.default) {
            chain.push(self.default.clone());
        }
        Negotiated {
            chain,
            requested: requested.iter().map(|r| r.tag.clone()).collect(),
            unmatched,
        }
    }

    /// Negotiates an Accept-Language value or `?locale=` list.
    pub fn negotiate_header(&self, header: &str) -> Negotiated {
        self.negotiate(&parse_accept_language(header))
    }

    /// The served locale for one tag (`hy-AM` → `hy`), if any.
    pub fn resolve(&self, tag: &str) -> Option<&str> {
        if let Some(exact) = self.tags.iter().find(|t| t.eq_ignore_ascii_case(tag)) {
            return Some(exact);
        }
        parse_tag(tag).and_then(|id| self.matches(&id).into_iter().next())
    }

    pub fn default_locale(&self) -> &str {
        &self.default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        let served: Vec<(String, LanguageIdentifier)> = ["en", "hy", "az", "ru"]
            .iter()
            .map(|t| (t.to_string(), t.parse().unwrap()))
            .collect();
        Matcher::new(&served, "en")
    }

    #[test]
    fn q_weights_order_the_ranges() {
        let n = matcher().negotiate_header("ru;q=0.5, hy;q=0.9");
        assert_eq!(n.chain, ["hy", "ru", "en"]);
        let n = matcher().negotiate_header("az;q=0.1,ru,en;q=0.8");
        assert_eq!(n.chain, ["ru", "en", "az"]);
    }

    #[test]
    fn zero_weight_refuses_a_language() {
        let n = matcher().negotiate_header("hy;q=0, ru;q=0.2");
        assert_eq!(n.chain, ["ru", "en"]);
    }

    #[test]
    fn regions_match_their_language() {
        assert_eq!(matcher().negotiate_header("hy-AM").chain, ["hy", "en"]);
        assert_eq!(matcher().negotiate_header("ru_UA").chain, ["ru", "en"]);
        assert_eq!(matcher().negotiate_header("en-GB").chain, ["en"]);
        assert_eq!(matcher().resolve("az-Latn-AZ"), Some("az"));
    }

    #[test]
    fn another_script_is_not_served_silently() {
        let n = matcher().negotiate_header("az-Cyrl");
        assert_eq!(n.chain, ["en"]);
        assert_eq!(n.unmatched, ["az-Cyrl"]);
        let n = matcher().negotiate_header("az-Cyrl, ru;q=0.7");
        assert_eq!(n.chain, ["ru", "en"]);
        assert_eq!(matcher().resolve("az-Cyrl"), None);
        assert_eq!(matcher().negotiate_header("az-Latn").chain, ["az", "en"]);
    }

    #[test]
    fn garbage_falls_back_to_the_default() {
        for header in [
            "",
            "*",
            ";;;",
            ",,,",
            "!!!",
            "hy;q=abc",
            "hy;q=2",
            "12345",
            "x-klingon",
            "\u{0}\u{1}",
            "en;q=",
            &"zz,".repeat(10_000),
        ] {
            let n = matcher().negotiate_header(header);
            assert_eq!(n.chain, ["en"], "{header:?}");
        }
        assert_eq!(
            matcher().negotiate_header("!!!, ru;q=0.3").chain,
            ["ru", "en"]
        );
        assert_eq!(
            matcher().negotiate_header("*, hy;q=0.5").chain,
            ["hy", "en"]
        );
    }
}
