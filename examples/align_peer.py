#!/usr/bin/env python3
"""Peer baseline: score the PyPI `galechurch` aligner (Gale-Church, length-based)
on a dump of prepared article pairs.

Usage:  pip install galechurch && python3 examples/align_peer.py /tmp/aldump

Dump layout: DUMP/SRC-TGT/KIND/DOC.{src,tgt} hold one sentence per line;
DOC.{src,tgt}.lines hold, per sentence, the space-separated ids of the document
lines that sentence holds (the first id "names" the line).

Scoring, summed over documents:
  predicted: for a bead (I, J), every (a, first_id(tgt j)) for i in I, j in J,
             a in ids(src i)  -- a set per document;
  gold:      for each id a of any source sentence, (a, first_id(tgt j)) for every
             target sentence j whose ids contain a;
  P = right/predicted, R = right/gold, F1 = 2PR/(P+R).
"""

import sys
import time
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

import galechurch


def read_lines(path):
    """Lines of a UTF-8 file split on '\\n' only (not str.splitlines, which would
    also break on U+2028 etc. and desync from the .lines files)."""
    text = path.read_text(encoding="utf-8")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n") if text else []


def read_ids(path):
    return [line.split() for line in read_lines(path)]


def score_doc(src_ids, tgt_ids, beads):
    """Return (predicted pair set, gold pair set) for one document."""
    pred = set()
    for b in beads:
        for i in range(b.source_start, b.source_end):
            for j in range(b.target_start, b.target_end):
                key_t = tgt_ids[j][0]
                pred.update((a, key_t) for a in src_ids[i])
    # Index: document line id -> first ids of the target sentences that hold it.
    holders = defaultdict(set)
    for ids in tgt_ids:
        for a in ids:
            holders[a].add(ids[0])
    gold = {(a, k) for ids in src_ids for a in ids for k in holders.get(a, ())}
    return pred, gold


def main():
    dump = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/aldump")
    t0 = time.perf_counter()
    # (direction, kind) -> [right, predicted, gold, docs]
    totals = defaultdict(lambda: [0, 0, 0, 0])
    for src_path in sorted(dump.glob("*-*/*/*.src")):
        direction, kind = src_path.parent.parent.name, src_path.parent.name
        stem = str(src_path)[: -len(".src")]  # DOC names contain dots: no with_suffix
        src = read_lines(src_path)
        tgt = read_lines(Path(f"{stem}.tgt"))
        src_ids = read_ids(Path(f"{stem}.src.lines"))
        tgt_ids = read_ids(Path(f"{stem}.tgt.lines"))
        assert len(src) == len(src_ids) and len(tgt) == len(tgt_ids), stem
        # Whole document = one block (one "paragraph"); package defaults for
        # bead costs, mean_xy and variance_xy.
        result = galechurch.align(src, tgt)
        pred, gold = score_doc(src_ids, tgt_ids, result.beads)
        t = totals[(direction, kind)]
        t[0] += len(pred & gold)
        t[1] += len(pred)
        t[2] += len(gold)
        t[3] += 1
    elapsed = time.perf_counter() - t0

    kinds = ["faithful", "drop", "merge", "split", "move"]
    order = {k: n for n, k in enumerate(kinds)}
    print("| direction | version | galechurch P / R / F1 |")
    print("|---|---|---|")
    for (direction, kind) in sorted(totals, key=lambda dk: (dk[0], order.get(dk[1], 99), dk[1])):
        right, predicted, gold, _ = totals[(direction, kind)]
        p = right / predicted if predicted else 0.0
        r = right / gold if gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"| {direction} | {kind} | {p:.3f} / {r:.3f} / {f1:.3f} |")
    ndocs = sum(t[3] for t in totals.values())
    d = galechurch.defaults
    print()
    print(
        f"galechurch {version('galechurch')}: galechurch.align(src_sentences, tgt_sentences) per document "
        f"(whole document as one block), defaults: bead_costs={d.DEFAULT_BEAD_COSTS}, "
        f"mean_xy={d.DEFAULT_MEAN_XY}, variance_xy={d.DEFAULT_VARIANCE_XY}; "
        f"{ndocs} documents in {elapsed:.2f} s"
    )


if __name__ == "__main__":
    main()
