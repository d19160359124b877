#!/usr/bin/env bash
# An import waited for against the same import as a task (Prefer: respond-async, polled
# every 100 ms until it succeeds): 100k en-ru units of TSV into a fresh data directory each
# time, alternated, three rounds. Needs `cargo build --release` first.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/tetraglot
FILE=${TMPDIR:-/tmp}/tetraglot-bench100k.tsv
python3 - "$FILE" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("en\tru\n")
    for i in range(100000):
        f.write(f"Line number {i} of the benchmark file, about the harbour {i%97}.\tСтрока номер {i} файла о гавани {i%89}.\n")
PY
run() {
  mode=$1
  dir=$(mktemp -d)
  $BIN --data-dir "$dir" serve --listen 127.0.0.1:18191 --no-seed > "$dir.log" 2>&1 &
  pid=$!
  for i in $(seq 50); do curl -sf localhost:18191/health >/dev/null && break; sleep 0.1; done
  start=$(date +%s.%N)
  if [ "$mode" = sync ]; then
    curl -sf -XPOST localhost:18191/v1/import -H 'Content-Type: text/tab-separated-values' --data-binary "@$FILE" > /dev/null
  else
    id=$(curl -sf -XPOST localhost:18191/v1/import -H 'Prefer: respond-async' -H 'Content-Type: text/tab-separated-values' --data-binary "@$FILE" | python3 -c 'import json,sys;print(json.load(sys.stdin)["task"]["id"])')
    # One curl and a grep per poll, every 100 ms: the poll itself costs little CPU.
    until curl -sf localhost:18191/v1/tasks/$id | grep -q '"status":"\(succeeded\|failed\)"'; do
      sleep 0.1
    done
  fi
  end=$(date +%s.%N)
  units=$(curl -sf localhost:18191/health | python3 -c 'import json,sys;print(json.load(sys.stdin)["units"])')
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir" "$dir.log"
  echo "$mode $(python3 -c "print(round($end-$start,2))") s units=$units"
}
for round in 1 2 3; do run sync; run async; done
