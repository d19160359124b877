#!/usr/bin/env bash
# Per-request cost of API-key authentication + Prometheus metrics on POST /v1/match.
#
#   BEFORE_BIN=/tmp/tetraglot-before HEAD_BIN=/tmp/tetraglot-head bench/auth_cost.sh
#
# Configurations, run in one sitting in the order "A B C C2", ROUNDS (2) times:
#   A   BEFORE_BIN (a build of 6d2cbd2f, before keys, roles, rate limits and metrics)
#   B   HEAD_BIN without a master key (no key checks; metrics recorded)
#   C   HEAD_BIN with TETRAGLOT_MASTER_KEY and --rate-limit 0; requests carry a read key
#   C2  as C, with --rate-limit 1000000 --rate-burst 1000000 (the bucket is used, never refuses)
# One data dir per configuration, each made by importing NTREX with that binary's CLI.
# Each run: a fresh server on 127.0.0.1, checks with curl (200 with matches; C/C2 also 401
# without the key), WARMUP s of wrk, then DURATION s of wrk --latency (THREADS threads,
# CONNECTIONS connections) cycling through 50 English NTREX sentences with one word dropped.
# Needs wrk (apt-get install -y wrk), python3, curl. Kills what it starts on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BEFORE_BIN=${BEFORE_BIN:-/tmp/tetraglot-before}
HEAD_BIN=${HEAD_BIN:-/tmp/tetraglot-head}
NTREX=${NTREX:-/work/shared/data/ntrex-dev.tmx}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
ROUNDS=${ROUNDS:-2}
ORDER=${ORDER:-A B C C2}
MASTER=${MASTER:-bench-master-$(date +%s)-$$}

tmp=$(mktemp -d /tmp/tetraglot-authcost.XXXXXX)
srv=""
cleanup() {
    if [[ -n $srv ]]; then
        kill "$srv" 2> /dev/null || true
        for _ in $(seq 50); do kill -0 "$srv" 2> /dev/null || break; sleep 0.2; done
        kill -9 "$srv" 2> /dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%T)] $*" >&2; }

for b in "$BEFORE_BIN" "$HEAD_BIN"; do [[ -x $b ]] || { echo "missing binary $b" >&2; exit 1; }; done
[[ -r $NTREX ]] || { echo "missing $NTREX" >&2; exit 1; }
command -v wrk > /dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 1; }

echo "date: $(date -u '+%F %T UTC')"
echo "nproc: $(nproc)"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p')"
echo "load before: $(uptime)"
echo "before: $BEFORE_BIN ($(stat -c %y "$BEFORE_BIN" | cut -d. -f1)), head: $HEAD_BIN ($(stat -c %y "$HEAD_BIN" | cut -d. -f1))"
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (after ${WARMUP}s warm-up), rounds $ROUNDS, order $ORDER"

# 50 English segments of 6+ words, evenly spread, each with its middle word dropped.
python3 - "$NTREX" > "$tmp/bodies" <<'PY'
import json, sys, xml.etree.ElementTree as ET
XML = "{http://www.w3.org/XML/1998/namespace}lang"
segs = []
for tu in ET.parse(sys.argv[1]).getroot().iter("tu"):
    for tuv in tu.iter("tuv"):
        if tuv.get(XML) == "en":
            words = "".join(tuv.find("seg").itertext()).split()
            if 6 <= len(words) <= 40:
                segs.append(words)
step = max(1, len(segs) // 50)
for words in segs[::step][:50]:
    del words[len(words) // 2]
    print(json.dumps({"source": "en", "text": " ".join(words), "targets": ["hy"]}, ensure_ascii=False))
PY
log "$(wc -l < "$tmp/bodies") bodies"

bin_of() { [[ $1 == A ]] && echo "$BEFORE_BIN" || echo "$HEAD_BIN"; }

# One data dir per configuration, made the same way.
for c in $ORDER; do
    log "$c: importing $NTREX"
    "$(bin_of "$c")" --data-dir "$tmp/data-$c" import "$NTREX" > "$tmp/import-$c.log" 2>&1 \
        || { cat "$tmp/import-$c.log" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_server() {  # config -> sets srv, url
    local c=$1 bin; bin=$(bin_of "$c")
    local -a args=(--data-dir "$tmp/data-$c" serve --no-seed --listen 127.0.0.1:0)
    case $c in
        C) args+=(--rate-limit 0) ;;
        C2) args+=(--rate-limit 1000000 --rate-burst 1000000) ;;
    esac
    : > "$tmp/server.out"
    if [[ $c == C* ]]; then
        TETRAGLOT_MASTER_KEY=$MASTER "$bin" "${args[@]}" > "$tmp/server.out" 2> "$tmp/server-$c.log" &
    else
        env -u TETRAGLOT_MASTER_KEY "$bin" "${args[@]}" > "$tmp/server.out" 2> "$tmp/server-$c.log" &
    fi
    srv=$!
    local port=""
    for _ in $(seq 150); do
        port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/server.out" "$tmp/server-$c.log" | head -1)
        [[ -n $port ]] && curl -s -o /dev/null "http://127.0.0.1:$port/health" && break
        kill -0 "$srv" 2> /dev/null || { echo "server $c did not start:" >&2; cat "$tmp/server-$c.log" >&2; exit 1; }
        sleep 0.2
    done
    [[ -n $port ]] || { echo "server $c: no port" >&2; cat "$tmp/server-$c.log" >&2; exit 1; }
    url=http://127.0.0.1:$port
}

stop_server() {
    kill "$srv"
    for _ in $(seq 50); do kill -0 "$srv" 2> /dev/null || break; sleep 0.2; done
    kill -0 "$srv" 2> /dev/null && { log "server did not stop in 10 s"; kill -9 "$srv"; }
    wait "$srv" 2> /dev/null || true
    srv=""
}

check() {  # config key -> fails unless one lookup answers 200 with matches (and 401 without key)
    local c=$1 key=$2 body code
    body=$(head -1 "$tmp/bodies")
    local -a auth=()
    [[ -n $key ]] && auth=(-H "Authorization: Bearer $key")
    code=$(curl -s -o "$tmp/check.json" -w '%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' -d "$body" "$url/v1/match")
    local n; n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["matches"]))' "$tmp/check.json" 2> /dev/null || echo "?")
    [[ $code == 200 && $n != "?" && $n -gt 0 ]] || { echo "$c: check failed: $code $(head -c 300 "$tmp/check.json")" >&2; exit 1; }
    local msg="$c: check 200 with $n matches"
    if [[ -n $key ]]; then
        code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "$url/v1/match")
        [[ $code == 401 ]] || { echo "$c: without a key: $code, not 401" >&2; exit 1; }
        msg+=", 401 without the key"
    fi
    log "$msg"
}

printf '| config | round | req/s | p50 | p99 | non-2xx | socket errors | server CPU µs/req |\n|---|---|---|---|---|---|---|---|\n' > "$tmp/table"
for round in $(seq "$ROUNDS"); do
    for c in $ORDER; do
        start_server "$c"
        key=""
        if [[ $c == C* ]]; then
            key=$(curl -s -H "Authorization: Bearer $MASTER" -H 'Content-Type: application/json' \
                -d '{"name":"bench","role":"read"}' "$url/v1/keys" \
                | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
        fi
        check "$c" "$key"
        AUTH_COST_BODIES=$tmp/bodies AUTH_COST_KEY=$key \
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$here/auth_cost.lua" "$url" > /dev/null
        t0=$(cpu_ticks "$srv")
        AUTH_COST_BODIES=$tmp/bodies AUTH_COST_KEY=$key \
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$here/auth_cost.lua" "$url" > "$tmp/wrk.txt"
        t1=$(cpu_ticks "$srv")
        metrics=""
        if [[ $c != A ]]; then
            metrics=$(curl -s ${key:+-H "Authorization: Bearer $MASTER"} "$url/metrics" | grep '^tetraglot_lookups_total' || echo "no tetraglot_lookups_total")
        fi
        stop_server
        echo "--- $c round $round"; cat "$tmp/wrk.txt"
        [[ -n $metrics ]] && echo "/metrics afterwards: $metrics"
        rps=$(sed -n 's/^Requests\/sec: *//p' "$tmp/wrk.txt")
        total=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$tmp/wrk.txt")
        p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk.txt")
        p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
        non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$tmp/wrk.txt"); non2xx=${non2xx:-0}
        sockerr=$(sed -n 's/^ *Socket errors: *//p' "$tmp/wrk.txt"); sockerr=${sockerr:-none}
        cpu=$(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$total" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
        echo "| $c | $round | $rps | $p50 | $p99 | $non2xx | $sockerr | $cpu |" >> "$tmp/table"
    done
done
echo "load after: $(uptime)"
echo; cat "$tmp/table"
