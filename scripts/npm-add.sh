#!/usr/bin/env bash
# Serialised dependency add: several people (or helpers) may add packages at once.
# usage: scripts/npm-add.sh [-D] pkg@ver ...
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/mnemos-npm.lock
flock 9
ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm install --ignore-scripts --no-audit --no-fund "$@"
