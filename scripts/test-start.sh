#!/usr/bin/env bash
# Runs the README's `npm start` the way a newcomer does (code-server path, no desktop VS Code, a fresh
# dev folder, its own port) and passes when it prints "Mnemos is ready": the extension activated in the
# real workbench. Then stops it with Ctrl-C (SIGINT), as a person would.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=$(mktemp -d "${TMPDIR:-/tmp}/mnemos-start-XXXXXX")
LOG="$DEV/start.log"
T0=$(date +%s%N)
MNEMOS_USE_CODE_SERVER=1 MNEMOS_NO_OPEN=1 MNEMOS_PORT=0 MNEMOS_DEV_DIR="$DEV/dev" setsid npm start > "$LOG" 2>&1 &
PID=$!
cleanup() { kill -INT -- -"$PID" 2>/dev/null || true; sleep 1; kill -KILL -- -"$PID" 2>/dev/null || true; rm -rf "$DEV"; }
trap cleanup EXIT
for _ in $(seq 1 600); do
  if grep -q 'Mnemos is ready' "$LOG"; then
    echo "[test-start] npm start: ready after $(( ($(date +%s%N) - T0) / 1000000 )) ms"
    grep -E 'Mnemos is ready|open:' "$LOG"
    url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/' "$LOG" | head -1)
    node -e 'require("http").get(process.argv[1],r=>process.exit(r.statusCode===200?0:1)).on("error",()=>process.exit(1))' \
      "${url}healthz" || { echo "[test-start] the printed URL does not answer" >&2; exit 1; }
    kill -INT -- -"$PID"
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && { echo "[test-start] npm start did not stop on Ctrl-C within 10 s" >&2; exit 1; }
    echo "[test-start] stopped on Ctrl-C"
    exit 0
  fi
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.5
done
echo "[test-start] npm start never said 'Mnemos is ready'; its output:" >&2
cat "$LOG" >&2
cat "$DEV/dev/code-server.log" 2>/dev/null | tail -30 >&2
exit 1
