//! Paragraphs an editor moved: target blocks read back in the source's order when their
//! anchors and lengths say where they belong, and runs left unpaired on both sides
//! aligned with each other.

use super::anchors::agreement;
use super::reading::{Anchors, Prepared};
use super::{dynamic_program, in_source_order, Bead, Scorer};

/// What reading a target block somewhere else than where it stands costs.
pub(super) const MOVE_COST: f32 = 4.0;

/// How well a target block must agree with a source block, and by how much better than
/// with any other, to be taken as that block (moved, if it stands elsewhere).
const MOVE_MIN_SIMILARITY: f32 = 0.2;
const MOVE_MIN_MARGIN: f32 = 0.02;

/// The sentence ranges of each block, in order.
fn block_ranges(blocks: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, &b) in blocks.iter().enumerate() {
        match ranges.last_mut() {
            Some(r) if blocks[r.start] == b => r.end = i + 1,
            _ => ranges.push(i..i + 1),
        }
    }
    ranges
}

/// When whole target blocks stand in another order than their source blocks (a paragraph
/// moved), the order of target sentences that puts them back: each block is matched to the
/// source block it agrees with best (anchors first, then length), the longest run of
/// blocks already in order stays, and each other confidently matched block moves to where
/// its source block is; with how many blocks moved. `None` when nothing moved.
pub(super) fn restore_block_order(
    src: &Prepared,
    tgt: &Prepared,
    ratio: f32,
) -> Option<(Vec<usize>, usize)> {
    let (s_blocks, t_blocks) = (block_ranges(&src.blocks), block_ranges(&tgt.blocks));
    if s_blocks.len() < 3 || t_blocks.len() < 3 {
        return None;
    }
    let block_anchors = |p: &Prepared, r: &std::ops::Range<usize>| p.span_anchors(r.start, r.len());
    let s_anchors: Vec<Anchors> = s_blocks.iter().map(|r| block_anchors(src, r)).collect();
    let similarity = |si: usize, t: &std::ops::Range<usize>, t_anchors: &Anchors| -> f32 {
        let s = &s_blocks[si];
        let (ls, lt) = (
            src.span_chars(s.start, s.len()),
            tgt.span_chars(t.start, t.len()),
        );
        let delta = (lt - ls * ratio) / (ls.max(1.0) * 4.0).sqrt();
        let length = (-delta * delta / 8.0).exp();
        match agreement(&s_anchors[si], t_anchors) {
            Some(share) => 0.7 * share + 0.3 * length,
            None => 0.3 * length,
        }
    };
    // Each target block's best source block, when it is clearly the best.
    let matched: Vec<Option<usize>> = t_blocks
        .iter()
        .map(|t| {
            let t_anchors = block_anchors(tgt, t);
            let mut scores: Vec<(f32, usize)> = (0..s_blocks.len())
                .map(|si| (similarity(si, t, &t_anchors), si))
                .collect();
            scores.sort_by(|a, b| b.0.total_cmp(&a.0));
            let (best, si) = scores[0];
            let second = scores.get(1).map_or(0.0, |s| s.0);
            (best >= MOVE_MIN_SIMILARITY && best - second >= MOVE_MIN_MARGIN).then_some(si)
        })
        .collect();
    // The longest run of matched blocks whose source blocks increase stays put.
    let points: Vec<(usize, usize)> = matched
        .iter()
        .enumerate()
        .filter_map(|(ti, m)| m.map(|si| (ti, si)))
        .collect();
    let mut best_len = vec![1usize; points.len()];
    let mut prev = vec![usize::MAX; points.len()];
    for k in 0..points.len() {
        for l in 0..k {
            if points[l].1 < points[k].1 && best_len[l] + 1 > best_len[k] {
                best_len[k] = best_len[l] + 1;
                prev[k] = l;
            }
        }
    }
    let mut in_order = vec![false; t_blocks.len()];
    if let Some(mut k) = (0..points.len()).max_by_key(|&k| best_len[k]) {
        loop {
            in_order[points[k].0] = true;
            if prev[k] == usize::MAX {
                break;
            }
            k = prev[k];
        }
    }
    let moved: Vec<usize> = (0..t_blocks.len())
        .filter(|&ti| !in_order[ti] && matched[ti].is_some())
        .collect();
    if moved.is_empty() {
        return None;
    }
    // Kept blocks in their order; each moved block just before the first kept block whose
    // source block comes after its own.
    let position = |ti: usize| -> (usize, usize) {
        let si = matched[ti].expect("moved blocks are matched");
        let before = (0..t_blocks.len())
            .filter(|&k| in_order[k] && matched[k].is_some_and(|s| s > si))
            .min()
            .unwrap_or(t_blocks.len());
        (before, 0)
    };
    let mut keyed: Vec<((usize, usize), usize)> = (0..t_blocks.len())
        .map(|ti| {
            if moved.contains(&ti) {
                (position(ti), ti)
            } else {
                ((ti, 1), ti)
            }
        })
        .collect();
    keyed.sort();
    let order = keyed
        .into_iter()
        .flat_map(|(_, ti)| t_blocks[ti].clone())
        .collect();
    Some((order, moved.len()))
}

/// The runs of consecutive beads that have a source but no target (or the reverse).
fn unpaired_runs(beads: &[Bead], source_side: bool) -> Vec<std::ops::Range<usize>> {
    let lonely = |b: &Bead| {
        if source_side {
            !b.source.is_empty() && b.target.is_empty()
        } else {
            b.source.is_empty() && !b.target.is_empty()
        }
    };
    let mut runs = Vec::new();
    let mut k = 0;
    while k < beads.len() {
        if lonely(&beads[k]) {
            let start = k;
            while k < beads.len() && lonely(&beads[k]) {
                k += 1;
            }
            runs.push(start..k);
        } else {
            k += 1;
        }
    }
    runs
}

/// A moved paragraph leaves its source sentences unpaired in one place and its target
/// sentences unpaired in another. Each such pair of runs that aligns well (mostly 1-1 beads
/// with anchors or lengths agreeing) becomes those beads.
pub(super) fn pair_unpaired_runs(scorer: &Scorer<'_>, mut beads: Vec<Bead>) -> Vec<Bead> {
    let sources = unpaired_runs(&beads, true);
    let targets = unpaired_runs(&beads, false);
    let mut replaced: Vec<(std::ops::Range<usize>, std::ops::Range<usize>, Vec<Bead>)> = Vec::new();
    let mut used_targets = vec![false; targets.len()];
    for s_run in &sources {
        let s_first = beads[s_run.start].source[0];
        let s_last = *beads[s_run.end - 1].source.last().expect("source run");
        let mut best: Option<(f32, usize, Vec<Bead>)> = None;
        for (k, t_run) in targets.iter().enumerate() {
            if used_targets[k] {
                continue;
            }
            let t_first = beads[t_run.start].target[0];
            let t_last = *beads[t_run.end - 1].target.last().expect("target run");
            let (run, _) = dynamic_program(scorer, (s_first, s_last + 1), (t_first, t_last + 1));
            let paired: Vec<&Bead> = run
                .iter()
                .filter(|b| !b.source.is_empty() && !b.target.is_empty())
                .collect();
            if paired.is_empty() {
                continue;
            }
            let mean = paired.iter().map(|b| b.confidence).sum::<f32>() / paired.len() as f32;
            let covered = paired.iter().map(|b| b.source.len()).sum::<usize>() as f32
                / (s_last + 1 - s_first) as f32;
            let quality = mean * covered;
            if quality >= 0.55 && best.as_ref().is_none_or(|(q, ..)| quality > *q) {
                best = Some((quality, k, run));
            }
        }
        if let Some((_, k, run)) = best {
            used_targets[k] = true;
            replaced.push((s_run.clone(), targets[k].clone(), run));
        }
    }
    if replaced.is_empty() {
        return beads;
    }
    let mut drop = vec![false; beads.len()];
    let mut added = Vec::new();
    for (s_run, t_run, run) in replaced {
        for k in s_run.chain(t_run) {
            drop[k] = true;
        }
        added.extend(run);
    }
    let mut kept: Vec<Bead> = beads
        .drain(..)
        .zip(drop)
        .filter_map(|(b, d)| (!d).then_some(b))
        .collect();
    kept.extend(added);
    in_source_order(kept)
}
