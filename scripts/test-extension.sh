#!/usr/bin/env bash
# The extension's integration tests in a real VS Code extension host (code-server + headless chromium):
# builds the extension and the tests, makes a fixture workspace that is its own git repository,
# starts three sqld servers (plain, JWT auth, one that the outage test stops), runs the tests with the
# tiny offline embedding models (MNEMOS_MODEL_DIR=test/fixtures/models), stops the servers, exits with
# the tests' code.
# usage: scripts/test-extension.sh [--only TEXT] [extra run-ext-tests.js flags, e.g. --verbose --keep-run-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ts() { date +%s%N; }
ms() { echo $(( ($(ts) - $1) / 1000000 )); }
T0=$(ts)

if [ "${1:-}" = "--only" ]; then export MNEMOS_TEST_ONLY="$2"; shift 2; fi

bash scripts/setup-vscode-host.sh >/dev/null
t=$(ts); node scripts/build.mjs; node test/extension/build-tests.mjs; echo "[test-extension] build: $(ms "$t") ms"
t=$(ts); node --import tsx --test test/extension/unit/*.test.ts >/dev/null || { echo "[test-extension] unit tests failed: node --import tsx --test test/extension/unit/*.test.ts" >&2; exit 1; }
echo "[test-extension] unit tests (settings rules): $(ms "$t") ms"

RUN=$(mktemp -d "${TMPDIR:-/tmp}/mnemos-ext-test-XXXXXX")
SERVERS_PID=
cleanup() {
  if [ -n "$SERVERS_PID" ] && kill -0 "$SERVERS_PID" 2>/dev/null; then
    kill -TERM "$SERVERS_PID" 2>/dev/null || true
    wait "$SERVERS_PID" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A workspace with its own repository, so the commit recorded by Save Selection is stable.
cp -r test/extension/fixtures/workspace "$RUN/ws"
git -C "$RUN/ws" init -q
git -C "$RUN/ws" add -A
git -C "$RUN/ws" -c user.name=mnemos-test -c user.email=test@mnemos.invalid -c commit.gpgsign=false commit -q -m fixture

t=$(ts)
# stdin from a FIFO-less pipe that stays open: the servers stop when this script ends, whatever way.
node --import tsx test/extension/servers.ts "$RUN/servers.json" < <(while kill -0 $$ 2>/dev/null; do sleep 1; done) &
SERVERS_PID=$!
for _ in $(seq 1 300); do
  [ -f "$RUN/servers.json" ] && break
  kill -0 "$SERVERS_PID" 2>/dev/null || { echo "[test-extension] sqld servers failed to start" >&2; exit 2; }
  sleep 0.1
done
[ -f "$RUN/servers.json" ] || { echo "[test-extension] sqld servers did not start in 30 s" >&2; exit 2; }
echo "[test-extension] sqld servers: $(ms "$t") ms"

t=$(ts)
set +e
node test/host/run-ext-tests.js \
  --extensionDevelopmentPath "$REPO" \
  --extensionTestsPath "$REPO/out/test/extension/index.js" \
  --env "MNEMOS_TEST_SERVERS=$RUN/servers.json" \
  --env "MNEMOS_TEST_REPO=$REPO" \
  --env "MNEMOS_MODEL_DIR=$REPO/test/fixtures/models" \
  ${MNEMOS_TEST_ONLY:+--env "MNEMOS_TEST_ONLY=$MNEMOS_TEST_ONLY"} \
  --timeout 420 "$@" "$RUN/ws"
code=$?
set -e
echo "[test-extension] host tests: $(ms "$t") ms, exit $code; total $(ms "$T0") ms"
exit $code
