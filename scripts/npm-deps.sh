#!/usr/bin/env bash
# Install the npm-side test tools (tools/package.json + package-lock.json) into
# tools/node_modules and check that the Nu Html Checker runs with the machine's Java.
#
# vnu-jar ships vnu.jar inside the npm tarball. Its postinstall script would only
# download a Temurin JRE when no Java >= 11 is on PATH (it cannot be downloaded
# here), so install scripts are skipped: scripts/system-deps.sh test provides Java.
# Tests find the jar at tools/node_modules/vnu-jar/build/dist/vnu.jar (or $VNU_JAR).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/tools"
jar="$tools/node_modules/vnu-jar/build/dist/vnu.jar"
stamp="$tools/node_modules/.installed"

command -v npm >/dev/null || { echo "npm-deps: npm not found (run scripts/system-deps.sh test)" >&2; exit 1; }
command -v java >/dev/null || { echo "npm-deps: java not found (run scripts/system-deps.sh test)" >&2; exit 1; }

if [[ ! -f "$stamp" || ! -f "$jar" || "$tools/package-lock.json" -nt "$stamp" || "$tools/package.json" -nt "$stamp" ]]; then
    echo "npm-deps: npm ci in tools/"
    (cd "$tools" && npm ci --ignore-scripts --no-audit --no-fund </dev/null)
    touch "$stamp"
fi

[[ -f "$jar" ]] || { echo "npm-deps: $jar missing after npm ci" >&2; exit 1; }
echo "npm-deps: vnu $(java -jar "$jar" --version) at ${jar#"$root"/}"
