#!/usr/bin/env bash
# Installs the peer MCP servers the benchmarks compare Mnemos with, at pinned versions, outside the
# project's node_modules (they bring better-sqlite3, a native module the suite does not need):
#   @ai-devkit/memory    bench/peers (speed) and bench/recall (recall quality baseline)
#   mcp-memory-keeper    bench/peers
# into ${MNEMOS_PEERS_DIR:-~/.cache/mnemos/peers}, which bench/peers/servers.ts and
# bench/recall/peer-ai-devkit.ts search by default. better-sqlite3 is compiled against this Node's
# headers (/usr/include/node) when no prebuilt binary can be downloaded (no network but npm here).
# usage: bash bench/peers/install.sh
set -euo pipefail
DIR=${MNEMOS_PEERS_DIR:-$HOME/.cache/mnemos/peers}
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"mnemos-peers","private":true}' > package.json
nodedir=
[ -f /usr/include/node/node_api.h ] && nodedir=/usr
env -u npm_config_user_agent ${nodedir:+npm_config_nodedir=$nodedir} \
  npm install --no-audit --no-fund --loglevel=error @ai-devkit/memory@0.20.1 mcp-memory-keeper@0.14.1
node -e 'require(require.resolve("better-sqlite3", { paths: [process.argv[1]] }))(":memory:").close()' "$DIR/node_modules/@ai-devkit/memory"
echo "peers installed in $DIR: $(ls node_modules/@ai-devkit/memory/package.json node_modules/mcp-memory-keeper/package.json | wc -l) of 2"
