#!/usr/bin/env bash
# Loopback load and soak benchmark of the tetraglot server.
#
#   bench/soak.sh [ntrex|200k|all] [load|stress|all]        (default: all all)
#
# For each memory and scenario: a fresh server on 127.0.0.1 (free port, fresh data dir under
# /tmp, memory imported with the CLI first), then DURATION seconds of wrk: CLIENTS keep-alive
# clients, 80 % POST /v1/match, 15 % GET /tmserver/…, 5 % POST /v1/units with unique ids.
# Then every acknowledged write is read back. "stress" adds, during the same load, SLOW clients
# that trickle an import body and one large import (BIG_UNITS generated units).
# Memories: ntrex = the 1,007 units of /work/shared/data/ntrex-dev.tmx; 200k = SCALE_UNITS
# units from /work/shared/bench/gen_scale.py, generated into /tmp.
#
# Time: DURATION (60 s) per run plus setup; "all all" takes about 10 minutes (generating and
# importing the 200k memory takes most of the setup; the stress runs wait BODY_TIMEOUT more
# for the slow clients' answers and for the large import to finish).
# Needs: wrk (apt-get install -y wrk), python3, curl, a built target/release/tetraglot.
# Everything it starts is killed and its /tmp directory removed when it exits.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
memories=${1:-all}
scenarios=${2:-all}
[[ $memories == all ]] && memories="ntrex 200k"
[[ $scenarios == all ]] && scenarios="load stress"

DURATION=${DURATION:-60}
CLIENTS=${CLIENTS:-200}
THREADS=${THREADS:-2}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}      # wrk's default of 2 s would call a slow answer an error
SLOW=${SLOW:-20}
SLOW_RATE=${SLOW_RATE:-4}            # bytes per second per slow client
BODY_TIMEOUT=${BODY_TIMEOUT:-10}     # the server's --body-timeout-secs (30 by default)
MAX_UPLOADS=${MAX_UPLOADS:-8}        # the server's --max-uploads (its default)
BIG_UNITS=${BIG_UNITS:-50000}
SCALE_UNITS=${SCALE_UNITS:-200000}
BIN=${BIN:-$repo/target/release/tetraglot}

tmp=$(mktemp -d /tmp/tetraglot-soak.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 1
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
val() { sed -n "s/^$1=//p" "$2"; }
# CPU seconds (USER_HZ is 100) of the whole machine and of some processes: the cores are
# shared with whatever else runs, and a run is only comparable with the share it got.
machine_cpu() { awk '/^cpu / {printf "%.1f", ($2 + $3 + $4 + $7 + $8 + $9) / 100}' /proc/stat; }
procs_cpu() { local p; for p; do cat "/proc/$p/stat" 2> /dev/null || true; done | awk '{t += $14 + $15} END {printf "%.1f", t / 100}'; }

# The scale units s0… are the 200k memory; the large import is the units after them, so that
# it adds new units to either memory instead of merging into stored ones.
gen_scale() {
    local all=$tmp/scale-all
    log "generating $((SCALE_UNITS + BIG_UNITS)) scale units"
    python3 /work/shared/bench/gen_scale.py $((SCALE_UNITS + BIG_UNITS)) "$all.tmx" "$tmp/scale.tsv"
    local foot='</body></tmx>'
    { head -n $((2 + SCALE_UNITS)) "$all.tmx"; echo "$foot"; } > "$tmp/scale.tmx"
    { head -n 2 "$all.tmx"; sed -n "$((3 + SCALE_UNITS)),$((2 + SCALE_UNITS + BIG_UNITS))p" "$all.tmx"; echo "$foot"; } > "$tmp/big.tmx"
    rm "$all.tmx"
}

run() {
    local memory=$1 scenario=$2 dir=$tmp/$1-$2 tmx tsv rows
    mkdir -p "$dir"
    case $memory in
        ntrex) tmx=/work/shared/data/ntrex-dev.tmx tsv=/work/shared/data/ntrex-dev.tsv rows=1007 ;;
        200k)  tmx=$tmp/scale.tmx tsv=$tmp/scale.tsv rows=$SCALE_UNITS ;;
        *) echo "unknown memory $memory" >&2; exit 2 ;;
    esac

    log "$memory/$scenario: importing $tmx"
    local t0=$SECONDS
    "$BIN" import --data-dir "$dir/data" "$tmx" > "$dir/setup.log" 2>&1
    local setup="$((SECONDS - t0)) s ($(tail -n 1 "$dir/setup.log"))"

    # --locales-dir: a binary whose locales are not built in looks for ./locales.
    "$BIN" serve --data-dir "$dir/data" --listen 127.0.0.1:0 --no-seed --locales-dir "$repo/locales" \
        --body-timeout-secs "$BODY_TIMEOUT" --max-uploads "$MAX_UPLOADS" > "$dir/server.out" 2> "$dir/server.log" &
    local srv=$!
    pids+=("$srv")
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/server.out")
        [[ -n $port ]] && curl -sf "http://127.0.0.1:$port/health" > /dev/null && break
        kill -0 "$srv" 2> /dev/null || { cat "$dir/server.log" >&2; exit 1; }
        sleep 0.3
    done
    local url=http://127.0.0.1:$port
    log "$memory/$scenario: server on $url: $(curl -s "$url/health")"

    python3 "$here/soak.py" requests "$tsv" "$rows" "$dir/requests"
    local first=${#pids[@]}
    SOAK_REQUESTS=$dir/requests SOAK_OUT=$dir/wrk SOAK_TAG="$memory-$scenario-$$" \
        wrk -t"$THREADS" -c"$CLIENTS" -d"${DURATION}s" --timeout "$WRK_TIMEOUT" --latency \
        -s "$here/soak.lua" "$url/" > "$dir/wrk.txt" 2>&1 &
    local wrk=$!
    pids+=("$wrk")
    if [[ $scenario == stress ]]; then
        python3 "$here/soak.py" slow "$port" "$SLOW" "$SLOW_RATE" "$DURATION" $((BODY_TIMEOUT + 15)) > "$dir/slow.txt" 2>&1 &
        pids+=("$!")
        # Started after the slow clients have connected, as an editor's upload would arrive.
        (sleep 5; exec python3 "$here/soak.py" import "$port" "$tmp/big.tmx" $((DURATION + BODY_TIMEOUT + 60))) > "$dir/big.txt" 2>&1 &
        pids+=("$!")
    fi
    log "$memory/$scenario: load for $DURATION s"
    local clients=("${pids[@]:first}")
    local m0 s0 c0 m1 s1 c1
    m0=$(machine_cpu) s0=$(procs_cpu "$srv") c0=$(procs_cpu "${clients[@]}")
    sleep $((DURATION - 1))
    m1=$(machine_cpu) s1=$(procs_cpu "$srv") c1=$(procs_cpu "${clients[@]}")
    local cpu; cpu=$(awk -v m="$m1-$m0" -v s="$s1-$s0" -v c="$c1-$c0" -v d=$((DURATION - 1)) -v n="$(nproc)" 'BEGIN {
        split(m, a, "-"); split(s, b, "-"); split(c, e, "-"); m = a[1] - a[2]; s = b[1] - b[2]; c = e[1] - e[2]
        printf "CPU during the load (cores of %d): machine %.2f = server %.2f + wrk and helpers %.2f + other processes %.2f", n, m / d, s / d, c / d, (m - s - c) / d }')
    wait "$wrk" || true
    if [[ $scenario == stress ]]; then
        log "$memory/$scenario: waiting for the slow clients and the large import"
        wait "${pids[@]: -2}" || true
    fi
    python3 "$here/soak.py" readback "$port" "$dir/requests" "$dir/wrk.acked" "$dir/wrk.pending" > "$dir/readback.txt" 2>&1 || true
    python3 "$here/soak.py" serverlog "$dir/server.log" > "$dir/serverlog.txt"
    local after; after=$(curl -s -m 10 "$url/health" || echo "no answer")
    local rss; rss=$(awk '/VmHWM/ {printf "%d MiB", $2 / 1024}' "/proc/$srv/status")
    kill "$srv"
    for _ in $(seq 50); do kill -0 "$srv" 2> /dev/null || break; sleep 0.2; done
    kill -0 "$srv" 2> /dev/null && { log "server did not stop in 10 s after SIGTERM"; kill -9 "$srv"; }
    wait "$srv" 2> /dev/null || true

    local s=$dir/wrk.stats
    {
        echo "=== $memory / $scenario"
        echo "setup import: $setup"
        echo "requests/s $(val rps "$s")  p50 $(val p50_ms "$s") ms  p90 $(val p90_ms "$s") ms  p99 $(val p99_ms "$s") ms  max $(val max_ms "$s") ms  ($(val requests "$s") requests in $(val seconds "$s") s)"
        echo "errors: non-2xx $(val non2xx "$s"), socket connect $(val connect "$s") read $(val read "$s") write $(val write "$s") timeout $(val timeout "$s")"
        echo "statuses: $(val statuses "$s")"
        sed -n 's/^sample[0-9]*=/  error body: /p' "$s"
        echo "writes sent $(val writes_sent "$s"); $(head -n 1 "$dir/readback.txt")"
        tail -n +2 "$dir/readback.txt"
        if [[ $scenario == stress ]]; then
            cat "$dir/big.txt" "$dir/slow.txt"
        fi
        cat "$dir/serverlog.txt"
        echo "$cpu"
        echo "server: peak RSS $rss, /health after: $after"
        echo
    } | tee -a "$tmp/report"
    printf '| %s | %s | %s | %s | %s | %s | %s/%s | %s | %s |\n' "$memory" "$scenario" "$(val rps "$s")" \
        "$(val p50_ms "$s") ms" "$(val p99_ms "$s") ms" \
        "$(( $(val non2xx "$s") + $(val connect "$s") + $(val read "$s") + $(val write "$s") + $(val timeout "$s") ))" \
        "$(val writes_acked "$s")" "$(sed -n 's/.*read_back=//p' "$dir/readback.txt")" \
        "$( [[ $scenario == stress ]] && sed -n '1s/^import=//p' "$dir/big.txt" || echo -)" \
        "$( [[ $scenario == stress ]] && sed -n '1s/^slow=//p' "$dir/slow.txt" || echo -)" >> "$tmp/table"
}

command -v wrk > /dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
log "binary $BIN, built $(date -r "$BIN" '+%F %T'); $(nproc) cores shared by wrk, the helpers and the server"
if [[ $memories == *200k* || $scenarios == *stress* ]]; then gen_scale; fi
for m in $memories; do
    for sc in $scenarios; do run "$m" "$sc"; done
done
echo "| memory | scenario | requests/s | p50 | p99 | errors | writes acked/read back | large import | slow clients |"
echo "|---|---|---|---|---|---|---|---|---|"
cat "$tmp/table"
