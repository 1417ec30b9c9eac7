#!/usr/bin/env bash
# (Re)generate the tiny offline test model used by test/embed and bench/embed-throughput.
# The output is byte-deterministic and committed under test/fixtures/models/tiny-bert, so tests
# need neither apt nor python; run this only to change the model or to check the fixture.
#
# usage: scripts/make-test-model.sh [OUT_DIR]     default OUT_DIR: test/fixtures/models/tiny-bert
#        scripts/make-test-model.sh --check       regenerate into a temp dir and diff with the fixture
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3   # a pyenv python3 on PATH lacks the apt modules

if ! "$PY" -c 'import onnx, numpy' 2>/dev/null; then
  echo "installing python3-onnx python3-numpy (apt)..." >&2
  if [ "$(id -u)" -ne 0 ]; then echo "need root for apt-get (or install python3-onnx python3-numpy yourself)" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-onnx python3-numpy >/dev/null
fi

FIXTURE=test/fixtures/models/tiny-bert
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  "$PY" scripts/make-tiny-model.py "$tmp/tiny-bert" >/dev/null
  diff -r "$tmp/tiny-bert" "$FIXTURE" && echo "fixture $FIXTURE is up to date"
  exit
fi
OUT=${1:-$FIXTURE}
"$PY" scripts/make-tiny-model.py "$OUT"
