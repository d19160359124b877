//! How much of an article the memory covers (a leverage report, as CAT tools make them):
//! each source sentence's best match that has the target, in the bands translators are paid
//! by, with repetitions apart.
//!
//! The score is the one [`Memory::find_matches`] gives (with the article's neighbouring
//! sentences as context, so 101 is reachable); the article's own units are not candidates.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::memory::{Match, MatchContext, MatchQuery, Memory, MemoryError};
use crate::model::lang::Lang;
use crate::model::text::fold_whitespace;
use crate::text::words::count_words;

use super::sentences::VersionSentence;

/// The bands, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub enum Band {
    #[serde(rename = "context")]
    Context,
    #[serde(rename = "100")]
    Exact,
    #[serde(rename = "95-99")]
    From95,
    #[serde(rename = "85-94")]
    From85,
    #[serde(rename = "75-84")]
    From75,
    #[serde(rename = "50-74")]
    From50,
    #[serde(rename = "no_match")]
    NoMatch,
    #[serde(rename = "repetitions")]
    Repetition,
}

impl Band {
    pub const ALL: [Band; 8] = [
        Band::Context,
        Band::Exact,
        Band::From95,
        Band::From85,
        Band::From75,
        Band::From50,
        Band::NoMatch,
        Band::Repetition,
    ];

    /// The band of a score (0–101).
    pub fn of(score: Option<u32>) -> Band {
        match score {
            Some(101..) => Band::Context,
            Some(100) => Band::Exact,
            Some(95..=99) => Band::From95,
            Some(85..=94) => Band::From85,
            Some(75..=84) => Band::From75,
            Some(50..=74) => Band::From50,
            _ => Band::NoMatch,
        }
    }

    /// The band's name in reports (`95-99`, `no_match`).
    pub fn name(self) -> &'static str {
        match self {
            Band::Context => "context",
            Band::Exact => "100",
            Band::From95 => "95-99",
            Band::From85 => "85-94",
            Band::From75 => "75-84",
            Band::From50 => "50-74",
            Band::NoMatch => "no_match",
            Band::Repetition => "repetitions",
        }
    }
}

/// Segments, words and characters of some sentences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub segments: usize,
    pub words: usize,
    /// Characters without white space.
    pub chars: usize,
    pub chars_with_spaces: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.segments += other.segments;
        self.words += other.words;
        self.chars += other.chars;
        self.chars_with_spaces += other.chars_with_spaces;
    }

    fn of(lang: &Lang, text: &str) -> Counts {
        Counts {
            segments: 1,
            words: count_words(lang, text),
            chars: text.chars().filter(|c| !c.is_whitespace()).count(),
            chars_with_spaces: text.chars().count(),
        }
    }
}

/// One band of a target's report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BandRow {
    pub band: Band,
    #[serde(flatten)]
    pub counts: Counts,
    /// Of the source's words.
    pub percent_words: f64,
}

/// How one sentence fared for one target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SentenceDetail {
    pub text: String,
    pub band: Band,
    /// The best match's score, if any reached 50.
    pub score: Option<u32>,
    pub unit_id: Option<String>,
    pub words: usize,
}

/// One target language's report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetReport {
    pub bands: Vec<BandRow>,
    pub total: Counts,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<SentenceDetail>,
}

/// The report of one text (or of several together).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    pub source: String,
    pub sentences: usize,
    pub words: usize,
    /// By target language tag.
    pub targets: BTreeMap<String, TargetReport>,
}

/// One text to analyse: its sentences in reading order, and the document whose units are
/// not candidates (a stored article's own).
pub struct Text<'a> {
    pub id: Option<String>,
    pub sentences: &'a [VersionSentence],
}

/// Lookups per batch (the batch limit of the memory).
const CHUNK: usize = MatchQuery::MAX_BATCH;

/// The lookup of sentence `i` of `text` into `targets`, with its neighbours as context and
/// the text's own document excluded: the one lookup of analysis and pre-translation.
pub(super) fn query(
    text: &Text<'_>,
    i: usize,
    source: &Lang,
    targets: Vec<Lang>,
    limit: usize,
) -> MatchQuery {
    let sentences = text.sentences;
    let neighbour = |k: Option<usize>| {
        Some(
            k.and_then(|k| sentences.get(k))
                .map_or(String::new(), |n| n.text.clone()),
        )
    };
    MatchQuery {
        text: sentences[i].text.clone(),
        source: source.clone(),
        targets,
        min_score: MatchQuery::DEFAULT_MIN_SCORE,
        limit,
        context: Some(MatchContext {
            prev: neighbour(i.checked_sub(1)),
            next: neighbour(Some(i + 1)),
            document: None,
        }),
        exclude_document: text.id.clone(),
        only: Default::default(),
    }
}

fn run(
    memory: &Memory,
    queries: &[MatchQuery],
    threads: usize,
) -> Result<Vec<Option<Match>>, MemoryError> {
    let mut out = Vec::with_capacity(queries.len());
    for chunk in queries.chunks(CHUNK) {
        for matches in memory.find_matches_batch(chunk, threads)? {
            out.push(matches.into_iter().next());
        }
    }
    Ok(out)
}

/// Each sentence's best match that has each target (`[sentence][target]`). One lookup asks
/// for all targets at once: when its best unit has every target, it is also the best of the
/// units that have any one of them, so per-target lookups are needed only for the targets it
/// lacks. Repetitions are not looked up (they are counted apart).
fn best_matches(
    memory: &Memory,
    source: &Lang,
    targets: &[Lang],
    text: &Text<'_>,
    repeated: &[bool],
    threads: usize,
) -> Result<Vec<Vec<Option<Match>>>, MemoryError> {
    let asked: Vec<usize> = (0..text.sentences.len())
        .filter(|&i| !repeated[i])
        .collect();
    let queries: Vec<MatchQuery> = asked
        .iter()
        .map(|&i| query(text, i, source, targets.to_vec(), 1))
        .collect();
    let first = run(memory, &queries, threads)?;
    let mut best: Vec<Vec<Option<Match>>> = vec![vec![None; targets.len()]; text.sentences.len()];
    let mut again: Vec<(usize, usize)> = Vec::new();
    for (&i, found) in asked.iter().zip(first) {
        let Some(found) = found else { continue };
        for (t, target) in targets.iter().enumerate() {
            if found.unit.variants.contains_key(target.key()) {
                best[i][t] = Some(found.clone());
            } else {
                again.push((i, t));
            }
        }
    }
    let queries: Vec<MatchQuery> = again
        .iter()
        .map(|&(i, t)| query(text, i, source, vec![targets[t].clone()], 1))
        .collect();
    for ((i, t), found) in again.into_iter().zip(run(memory, &queries, threads)?) {
        best[i][t] = found;
    }
    Ok(best)
}

/// Analyses each text and, when there are several, their total (repetitions counted once
/// across all of them). `detail` keeps each sentence's band, score and unit.
pub fn analyse(
    memory: &Memory,
    source: &Lang,
    targets: &[Lang],
    texts: &[Text<'_>],
    detail: bool,
    threads: usize,
) -> Result<(Vec<Report>, Option<Report>), MemoryError> {
    // Repetitions across the texts: a sentence seen before (anywhere earlier) repeats.
    let mut seen = HashSet::new();
    let mut reports = Vec::new();
    let mut total: Option<Report> = (texts.len() > 1).then(|| empty(None, source, targets));
    for text in texts {
        let mut report = empty(text.id.clone(), source, targets);
        let sentences = text.sentences;
        let counts: Vec<Counts> = sentences
            .iter()
            .map(|s| Counts::of(source, &s.text))
            .collect();
        let repeated: Vec<bool> = sentences
            .iter()
            .map(|s| !seen.insert(fold_whitespace(&s.text)))
            .collect();
        report.sentences = sentences.len();
        report.words = counts.iter().map(|c| c.words).sum();
        let best = best_matches(memory, source, targets, text, &repeated, threads)?;
        for (t, target) in targets.iter().enumerate() {
            let best: Vec<Option<&Match>> = best.iter().map(|b| b[t].as_ref()).collect();
            let mut rows: BTreeMap<Band, Counts> = BTreeMap::new();
            let mut details = Vec::new();
            for (k, sentence) in sentences.iter().enumerate() {
                let found = best[k];
                let score = found.map(|m| m.score);
                let band = if repeated[k] {
                    Band::Repetition
                } else {
                    Band::of(score)
                };
                rows.entry(band).or_default().add(&counts[k]);
                if detail {
                    details.push(SentenceDetail {
                        text: sentence.text.clone(),
                        band,
                        score,
                        unit_id: found.map(|m| m.unit.id.to_string()),
                        words: counts[k].words,
                    });
                }
            }
            let entry = report
                .targets
                .get_mut(target.tag())
                .expect("every target has a report");
            fill(entry, &rows);
            entry.sentences = details;
            if let Some(total) = &mut total {
                let sum = total
                    .targets
                    .get_mut(target.tag())
                    .expect("every target has a total");
                let mut merged: BTreeMap<Band, Counts> =
                    sum.bands.iter().map(|r| (r.band, r.counts)).collect();
                for (band, counts) in &rows {
                    merged.entry(*band).or_default().add(counts);
                }
                fill(sum, &merged);
            }
        }
        if let Some(total) = &mut total {
            total.sentences += report.sentences;
            total.words += report.words;
        }
        reports.push(report);
    }
    Ok((reports, total))
}

fn empty(article: Option<String>, source: &Lang, targets: &[Lang]) -> Report {
    Report {
        article,
        source: source.tag().to_string(),
        sentences: 0,
        words: 0,
        targets: targets
            .iter()
            .map(|t| {
                (
                    t.tag().to_string(),
                    TargetReport {
                        bands: Vec::new(),
                        total: Counts::default(),
                        sentences: Vec::new(),
                    },
                )
            })
            .collect(),
    }
}

/// Writes the bands (every band, in order, zeros included) and the total.
fn fill(report: &mut TargetReport, rows: &BTreeMap<Band, Counts>) {
    let mut total = Counts::default();
    for counts in rows.values() {
        total.add(counts);
    }
    report.bands = Band::ALL
        .iter()
        .map(|band| {
            let counts = rows.get(band).copied().unwrap_or_default();
            let percent = if total.words == 0 {
                0.0
            } else {
                (counts.words as f64 * 1000.0 / total.words as f64).round() / 10.0
            };
            BandRow {
                band: *band,
                counts,
                percent_words: percent,
            }
        })
        .collect();
    report.total = total;
}

/// The report as CSV: one row per text (or `total`) × target × band.
pub fn to_csv(reports: &[Report], total: Option<&Report>) -> String {
    let mut out = String::from(
        "article,source,target,band,segments,words,chars,chars_with_spaces,percent_words\n",
    );
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    for report in reports.iter().chain(total) {
        let name = match (
            &report.article,
            total.is_some_and(|t| std::ptr::eq(t, report)),
        ) {
            (_, true) => "total".to_string(),
            (Some(id), _) => id.clone(),
            (None, _) => String::new(),
        };
        for (target, target_report) in &report.targets {
            for row in &target_report.bands {
                let c = row.counts;
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{}\n",
                    quote(&name),
                    report.source,
                    target,
                    row.band.name(),
                    c.segments,
                    c.words,
                    c.chars,
                    c.chars_with_spaces,
                    row.percent_words
                ));
            }
        }
    }
    out
}
