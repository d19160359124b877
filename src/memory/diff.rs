//! The word diff of a match: how the stored sentence becomes the query, run by run, from
//! the alignment rescoring found.

use serde::Serialize;

use super::adapt::slice;
use super::score::Step;
use crate::text::Token;

/// What a word-level edit does, from the stored sentence to the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    Equal,
    Insert,
    Delete,
    Replace,
}

/// One run of the diff: the stored words and the query words it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DiffOp {
    pub op: DiffKind,
    pub stored: String,
    pub query: String,
}

/// Turns alignment steps into runs: equal runs, and between them one change each (a
/// replace when both sides have words, else an insert or a delete), with the text they cover.
pub(super) fn diff(
    stored_text: &str,
    stored: &[Token],
    query_text: &str,
    query: &[Token],
    steps: &[Step],
) -> Vec<DiffOp> {
    let span =
        |text: &str, tokens: &[Token], indices: &[usize]| match (indices.first(), indices.last()) {
            (Some(&a), Some(&b)) => slice(text, tokens[a].start, tokens[b].end),
            _ => String::new(),
        };
    let mut ops = Vec::new();
    let mut k = 0;
    while k < steps.len() {
        let equal = matches!(steps[k], Step::Equal(..));
        let (mut mine, mut theirs) = (Vec::new(), Vec::new());
        while k < steps.len() && matches!(steps[k], Step::Equal(..)) == equal {
            match steps[k] {
                Step::Equal(i, j) | Step::Replace(i, j) => {
                    mine.push(i);
                    theirs.push(j);
                }
                Step::Delete(i) => mine.push(i),
                Step::Insert(j) => theirs.push(j),
            }
            k += 1;
        }
        let op = match (equal, mine.is_empty(), theirs.is_empty()) {
            (true, _, _) => DiffKind::Equal,
            (false, false, false) => DiffKind::Replace,
            (false, true, _) => DiffKind::Insert,
            (false, false, true) => DiffKind::Delete,
        };
        ops.push(DiffOp {
            op,
            stored: span(stored_text, stored, &mine),
            query: span(query_text, query, &theirs),
        });
    }
    ops
}
