//! The word alignment of a stored sentence to the query: a weighted Levenshtein distance
//! over tokens, banded for very long texts, with the steps that explain it.

use super::{replace_cost, weight, QueryProfile, LEAST_CHANGE};
use crate::text::Token;

/// One step of the alignment from the stored sentence to the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Equal(usize, usize),
    Replace(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// The alignment of stored tokens to query tokens and its cost.
pub struct Alignment {
    pub cost: f32,
    pub weight: f32,
    pub steps: Vec<Step>,
    /// How many cells of the alignment table were filled (at most about
    /// [`MAX_ALIGNMENT_CELLS`], or three per stored token for very unequal lengths).
    pub cells: usize,
}

/// The most cells one alignment fills before it narrows to a band around the diagonal.
/// Sentences and paragraphs (up to ~1,000 tokens each) align exactly; beyond that one
/// comparison must not cost more than a few megabytes and milliseconds, whatever was stored
/// or asked (a table of 10,000 × 10,000 tokens would take 400 MB and seconds). Outside the
/// band a cell costs infinity, so a banded cost is never below the exact one: a long text
/// scores at worst a little lower, never higher.
pub const MAX_ALIGNMENT_CELLS: usize = 1 << 20;

/// The cells of the alignment table that are filled: row `i` (stored tokens `0..i`) covers
/// query positions `lo[i]..=hi[i]`, stored from `start[i]` in one flat vector.
struct Band {
    lo: Vec<usize>,
    hi: Vec<usize>,
    start: Vec<usize>,
    cells: usize,
}

impl Band {
    fn new(n: usize, m: usize) -> Band {
        let full = (n + 1).saturating_mul(m + 1) <= MAX_ALIGNMENT_CELLS;
        // Half-width: as wide as the budget allows, and never so narrow that consecutive
        // rows stop overlapping (which would leave the last cell unreachable).
        let half = if full || n == 0 {
            m
        } else {
            (MAX_ALIGNMENT_CELLS / (2 * (n + 1))).max(m.div_ceil(n))
        };
        let (mut lo, mut hi, mut start) = (
            Vec::with_capacity(n + 1),
            Vec::with_capacity(n + 1),
            Vec::with_capacity(n + 1),
        );
        let mut cells = 0;
        for i in 0..=n {
            let centre = (i * m + n / 2).checked_div(n).unwrap_or(0);
            let (l, h) = (centre.saturating_sub(half), (centre + half).min(m));
            lo.push(l);
            hi.push(h);
            start.push(cells);
            cells += h - l + 1;
        }
        Band {
            lo,
            hi,
            start,
            cells,
        }
    }

    /// Where cell (`i`, `j`) sits in the flat table, if it is in the band.
    fn at(&self, i: usize, j: usize) -> Option<usize> {
        (self.lo[i] <= j && j <= self.hi[i]).then(|| self.start[i] + j - self.lo[i])
    }
}

/// Aligns `stored` to `query` at the least cost (weighted Levenshtein over tokens).
pub fn align(stored: &[Token], query: &[Token]) -> Alignment {
    align_profiled(stored, &QueryProfile::new(query))
}

/// [`align`] with the query prepared once for many stored sentences.
pub fn align_profiled(stored: &[Token], query: &QueryProfile<'_>) -> Alignment {
    match align_within(stored, query, f32::INFINITY) {
        Some(alignment) => alignment,
        None => unreachable!("an alignment without a cost limit is never cut short"),
    }
}

/// [`align_profiled`], given up (`None`) as soon as every path through a row of the table
/// costs more than `max_cost`: costs only grow along a path, so the whole alignment would.
pub(super) fn align_within(
    stored: &[Token],
    query: &QueryProfile<'_>,
    max_cost: f32,
) -> Option<Alignment> {
    let lens: Vec<usize> = stored.iter().map(|t| t.norm.chars().count()).collect();
    // The query token each stored token equals (the first of its form), if any.
    let same: Vec<Option<usize>> = stored
        .iter()
        .map(|t| query.forms.get(t.norm.as_str()).copied())
        .collect();
    let (n, m) = (stored.len(), query.tokens.len());
    let band = Band::new(n, m);
    let mut cost = vec![f32::INFINITY; band.cells];
    let get = |cost: &[f32], i: usize, j: usize| band.at(i, j).map_or(f32::INFINITY, |k| cost[k]);
    let replace_step = |i: usize, j: usize| replace_cost(&stored[i - 1], lens[i - 1], query, j - 1);
    cost[0] = 0.0;
    for j in 1..=band.hi[0] {
        cost[j] = cost[j - 1] + query.weights[j - 1];
    }
    // The cells of the previous row that cost at most `max_cost` lie in `live` (Ukkonen's
    // cut-off): a cell left of them has only dearer predecessors, and one right of them past
    // the next is reached only by inserting from its left neighbour, so both are left
    // infinite unless that insertion is cheap enough. Every cell on a path of at most
    // `max_cost` is still filled exactly, so the alignment and its steps are unchanged.
    let live_in = |cost: &[f32], i: usize| -> Option<(usize, usize)> {
        let mut row = (band.lo[i]..=band.hi[i]).filter(|&j| get(cost, i, j) <= max_cost);
        let first = row.next()?;
        Some((first, row.next_back().unwrap_or(first)))
    };
    let mut live = live_in(&cost, 0);
    for i in 1..=n {
        let (first, last) = live?;
        let deleted = weight(&stored[i - 1]);
        let same_form = same[i - 1];
        let (lo, hi, start) = (band.lo[i], band.hi[i], band.start[i]);
        let (up_lo, up_hi, up_start) = (band.lo[i - 1], band.hi[i - 1], band.start[i - 1]);
        // A cell of the row above; infinite outside the band.
        let up = |cost: &[f32], j: usize| {
            if up_lo <= j && j <= up_hi {
                cost[up_start + j - up_lo]
            } else {
                f32::INFINITY
            }
        };
        let from = lo.max(first);
        // The row is filled from `from` on, so the cell left of it stays infinite; each
        // cell's diagonal is the cell above its left neighbour.
        let mut left = f32::INFINITY;
        let mut diagonal = match from {
            0 => f32::INFINITY,
            _ => up(&cost, from - 1),
        };
        let (mut row_first, mut row_last) = (None, 0);
        for j in from..=hi {
            let above = up(&cost, j);
            let delete = above + deleted;
            let insert = if j > lo {
                left + query.weights[j - 1]
            } else {
                f32::INFINITY
            };
            let other = delete.min(insert);
            if j > last + 1 && other > max_cost {
                break;
            }
            // Two different tokens cost at least LEAST_CHANGE to replace: when even that
            // cannot beat deleting or inserting, the word distance is not computed (most
            // cells of two sentences that differ in many words).
            let replace = if !diagonal.is_finite() {
                f32::INFINITY
            } else if same_form == Some(query.form_of[j - 1]) {
                diagonal
            } else if diagonal + LEAST_CHANGE >= other {
                f32::INFINITY
            } else {
                diagonal + replace_step(i, j)
            };
            let value = replace.min(other);
            cost[start + j - lo] = value;
            if value <= max_cost {
                row_first.get_or_insert(j);
                row_last = j;
            }
            left = value;
            diagonal = above;
        }
        live = row_first.map(|first| (first, row_last));
    }
    // Past `max_cost`, the last cell's cost may be above the exact one.
    if get(&cost, n, m) > max_cost {
        return None;
    }
    // Back from the last cell, each time to the predecessor that gave the cell its cost
    // (the cheapest one; ties prefer replace, then delete, as the table was filled).
    let mut steps = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let mut best = (f32::INFINITY, Step::Insert(0));
        if i > 0 && j > 0 {
            let diagonal = get(&cost, i - 1, j - 1);
            if diagonal.is_finite() {
                let step = replace_step(i, j);
                let kind = if step == 0.0 {
                    Step::Equal(i - 1, j - 1)
                } else {
                    Step::Replace(i - 1, j - 1)
                };
                best = (diagonal + step, kind);
            }
        }
        if i > 0 {
            let delete = get(&cost, i - 1, j) + weight(&stored[i - 1]);
            if delete < best.0 - 1e-4 {
                best = (delete, Step::Delete(i - 1));
            }
        }
        if j > 0 {
            let insert = get(&cost, i, j - 1) + query.weights[j - 1];
            if insert < best.0 - 1e-4 {
                best = (insert, Step::Insert(j - 1));
            }
        }
        match best.1 {
            Step::Equal(..) | Step::Replace(..) => {
                i -= 1;
                j -= 1;
            }
            Step::Delete(_) => i -= 1,
            Step::Insert(_) => j -= 1,
        }
        steps.push(best.1);
    }
    steps.reverse();
    let stored_weight: f32 = stored.iter().map(weight).sum();
    Some(Alignment {
        cost: get(&cost, n, m),
        weight: stored_weight.max(query.weight),
        steps,
        cells: band.cells,
    })
}

impl Alignment {
    /// The placeholder replacements (stored token, query token) when they are the only
    /// difference of the two sentences; `None` when anything else differs too.
    pub fn placeholder_changes(
        &self,
        stored: &[Token],
        query: &[Token],
    ) -> Option<Vec<(usize, usize)>> {
        let mut changes = Vec::new();
        for step in &self.steps {
            match *step {
                Step::Equal(..) => {}
                Step::Replace(i, j)
                    if stored[i].kind == query[j].kind && stored[i].kind.is_placeholder() =>
                {
                    changes.push((i, j))
                }
                _ => return None,
            }
        }
        (!changes.is_empty()).then_some(changes)
    }
}
