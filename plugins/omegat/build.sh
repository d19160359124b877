#!/usr/bin/env bash
# Builds the tetraglot OmegaT plugin: build/tetraglot-omegat.jar
#
#   plugins/omegat/build.sh              # compile, package, run the offline self-test
#   SKIP_TESTS=1 plugins/omegat/build.sh # compile and package only
#   TETRAGLOT_PLUGIN_BUILD_DIR=/tmp/x plugins/omegat/build.sh   # build elsewhere (default: build/)
#
# Needs a JDK (javac, jar, java; 11 or newer) and OmegaT 3.6's jar
# (Debian: apt-get install -y omegat), path overridable with OMEGAT_JAR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OMEGAT_JAR="${OMEGAT_JAR:-/usr/share/omegat/OmegaT.jar}"
VERSION="${TETRAGLOT_PLUGIN_VERSION:-0.1.0}"
build="${TETRAGLOT_PLUGIN_BUILD_DIR:-$here/build}"
jarfile="$build/tetraglot-omegat.jar"

die() { echo "build.sh: $*" >&2; exit 1; }

[ -f "$OMEGAT_JAR" ] || die "OmegaT jar not found at $OMEGAT_JAR (apt-get install -y omegat, or set OMEGAT_JAR)"
for tool in javac jar java; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (install a JDK, 11 or newer)"
done

# OmegaT 3.6 itself targets Java 6, so the plugin is compiled for Java 8 to run on any JRE
# that OmegaT 3.6 runs on; fall back to 11 for a javac that no longer offers --release 8.
release=8
if ! javac --release 8 -version >/dev/null 2>&1; then
    release=11
fi

# Only what this script makes: $build may be a directory of the caller's.
rm -rf "$build/classes" "$build/test-classes" "$build/smoke-classes" "$build/check" "$jarfile"
mkdir -p "$build/classes" "$build/test-classes"

find "$here/src" -name '*.java' | sort > "$build/sources.txt"
javac --release "$release" -encoding UTF-8 -Xlint:all,-path,-options,-serial \
    -cp "$OMEGAT_JAR" -d "$build/classes" @"$build/sources.txt"

cat > "$build/MANIFEST.MF" <<EOF
Manifest-Version: 1.0
OmegaT-Plugins: org.tetraglot.omegat.TetraglotTranslate
Plugin-Name: tetraglot
Plugin-Version: $VERSION
Plugin-Author: tetraglot
Plugin-Category: machinetranslator
Plugin-Description: Shows the best tetraglot translation-memory match (hy, az, ru, en) in the Machine Translation pane
Implementation-Title: tetraglot-omegat
Implementation-Version: $VERSION
EOF
jar --create --file "$jarfile" --manifest "$build/MANIFEST.MF" -C "$build/classes" .

# The offline self-test (package-private access to the plugin classes) ...
find "$here/test/org" -name '*.java' | sort > "$build/test-sources.txt"
javac --release "$release" -encoding UTF-8 -Xlint:all,-path,-options,-serial \
    -cp "$OMEGAT_JAR:$build/classes" -d "$build/test-classes" @"$build/test-sources.txt"
# ... and the smoke test, compiled against OmegaT alone: it reaches the plugin only the way
# OmegaT does (plugins dir + manifest), see smoke.sh.
mkdir -p "$build/smoke-classes"
javac --release "$release" -encoding UTF-8 -Xlint:all,-path,-options,-serial \
    -cp "$OMEGAT_JAR" -d "$build/smoke-classes" "$here/test/PluginSmoke.java"

# Check the packaged manifest names the plugin class, as OmegaT will read it.
mkdir -p "$build/check"
(cd "$build/check" && jar --extract --file "$jarfile" META-INF/MANIFEST.MF)
tr -d '\r' < "$build/check/META-INF/MANIFEST.MF" | grep -q '^OmegaT-Plugins: org.tetraglot.omegat.TetraglotTranslate$' \
    || die "manifest of $jarfile lacks the OmegaT-Plugins entry"
rm -rf "$build/check"

if [ "${SKIP_TESTS:-0}" != "1" ]; then
    java -Djava.awt.headless=true -cp "$OMEGAT_JAR:$jarfile:$build/test-classes" org.tetraglot.omegat.SelfTest
fi

echo "built $jarfile (Java $release bytecode)"
