#!/usr/bin/env bash
# Smoke test of the built plugin inside OmegaT 3.6's own classes, headless, against a running
# tetraglot server (or anything speaking POST /v1/match).
#
#   plugins/omegat/smoke.sh BASE_URL SRC TGT TEXT EXPECTED
#   plugins/omegat/smoke.sh http://127.0.0.1:8080 en hy "The train leaves at noon." "<tetraglot [100%]"
#
# Exit 0 only if OmegaT's Machine Translation pane (default, or with tetraglot.decorate=true)
# contains EXPECTED, Ctrl+M inserts the bare translation (nothing on an error), ticking fetches
# and omegat.prefs has every key. EXPECTED "@none": only if nothing is shown or inserted.
# The API key, if the server wants one, comes from the environment: TETRAGLOT_APIKEY=...
# Builds the plugin first (without the self-test) if it has not been built.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OMEGAT_JAR="${OMEGAT_JAR:-/usr/share/omegat/OmegaT.jar}"
# Where build.sh put the plugin (it honours the same variable).
build="${TETRAGLOT_PLUGIN_BUILD_DIR:-$here/build}"

if [ "$#" -ne 5 ]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

if [ ! -f "$build/tetraglot-omegat.jar" ] || [ ! -f "$build/smoke-classes/PluginSmoke.class" ]; then
    SKIP_TESTS=1 "$here/build.sh" >&2
fi

java_opts=(-Djava.awt.headless=true "-Dsmoke.pluginJar=$build/tetraglot-omegat.jar")
if [ -n "${TETRAGLOT_APIKEY:-}" ]; then
    java_opts+=("-Dtetraglot.apikey=$TETRAGLOT_APIKEY")
fi

# OmegaT logs its plugin loading to stderr; keep it out of the way unless asked for.
if [ "${SMOKE_VERBOSE:-0}" = "1" ]; then
    exec java "${java_opts[@]}" -cp "$OMEGAT_JAR:$build/smoke-classes" PluginSmoke "$@"
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
java "${java_opts[@]}" -cp "$OMEGAT_JAR:$build/smoke-classes" PluginSmoke "$@" 2>"$log"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
    echo "--- OmegaT log (last 40 lines) ---" >&2
    tail -n 40 "$log" >&2
fi
exit "$rc"
