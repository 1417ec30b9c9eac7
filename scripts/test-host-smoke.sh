#!/usr/bin/env bash
# Smoke test of the real-VS-Code test host (docs/TEST-HOST.md): install it if needed, prove that a
# failing suite fails, run the fixture extension's suite, and screenshot its webview view.
# usage: scripts/test-host-smoke.sh        -> test-results/host-smoke.png (+ host-smoke-webview.png)
set -euo pipefail
cd "$(dirname "$0")/.."
SMOKE=test/host/smoke
# Run folders (kept with their logs when a run fails) go under test-results/, not the OS temp dir:
# the expected-failure run below would otherwise leave one behind on every invocation.
export MNEMOS_HOST_RUNS="$PWD/test-results/host-runs"
rm -rf "$MNEMOS_HOST_RUNS"
RUN=(node test/host/run-ext-tests.js --extensionDevelopmentPath "$SMOKE" --extensionTestsPath "$SMOKE/test/index.js"
     --settings "$SMOKE/settings.json" --env "MNEMOS_SMOKE_ENV=hello from --env" --timeout 300)
step() { echo; echo "### $*"; ts=$(date +%s%N); }
took() { echo "### took $(( ($(date +%s%N) - ts) / 1000000 )) ms"; }

step "setup: scripts/setup-vscode-host.sh"
bash scripts/setup-vscode-host.sh; took

# First: a suite with a deliberate failure must come back non-zero, or a green run means nothing.
step "expected failure: MNEMOS_SMOKE_FAIL=1 must exit 1"
set +e; MNEMOS_SMOKE_FAIL=1 "${RUN[@]}"; rc=$?; set -e
took
if [ "$rc" -ne 1 ]; then echo "FAIL: a failing suite exited $rc, expected 1" >&2; exit 1; fi

step "smoke suite in the real extension host"
"${RUN[@]}"; took

step "screenshot of the activity-bar webview view"
mkdir -p test-results
node test/host/screenshot.js --extensionDevelopmentPath "$SMOKE" --command mnemosSmoke.hello \
  --view-container "Mnemos Smoke" --webview MNEMOS_SMOKE_WEBVIEW_OK \
  --out test-results/host-smoke.png --frame-out test-results/host-smoke-webview.png
took
echo "host smoke OK: test-results/host-smoke.png"
