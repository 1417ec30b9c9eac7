#!/usr/bin/env bash
# Builds the extension (minified) and packs it into a platform VSIX: mnemos-<target>.vsix.
#
# usage: npm run package                         # linux-x64 (this machine)
#        bash scripts/package.sh [--target T] [--out FILE] [--no-build]
#
# What goes in is .vscodeignore's list: dist/*.js (no maps), dist/codicons, media, resources, README,
# LICENSE, package.json, and the packages the bundles require() at run time (scripts/build.mjs keeps
# them external) for ONE platform: libsql + its native @libsql/<target> binary, @libsql/client and its
# pure-JS dependencies, onnxruntime-common, onnxruntime-node with bin/napi-v6/<os>/<arch> only.
#
# Targets (VS Code's names) and what each one needs:
#   linux-x64     @libsql/linux-x64-gnu     onnxruntime-node bin/napi-v6/linux/x64      (installed here)
#   linux-arm64   @libsql/linux-arm64-gnu   onnxruntime-node bin/napi-v6/linux/arm64
#   darwin-arm64  @libsql/darwin-arm64      onnxruntime-node bin/napi-v6/darwin/arm64
#   win32-x64     @libsql/win32-x64-msvc    onnxruntime-node bin/napi-v6/win32/x64
# onnxruntime-node ships the binaries of every target in its npm package. npm installs only this
# machine's libsql binary, so for another target the script fetches it from the npm registry
# (`npm pack @libsql/<pkg>@<libsql's version>`) into node_modules/@libsql/<pkg>, where npm would
# have put it on that platform (it is one of libsql's optionalDependencies).
# Not buildable with these versions: darwin-x64 (onnxruntime-node 1.30 has no darwin/x64 binary),
# win32-arm64 (libsql 0.5.29 has no win32-arm64 binary), linux-armhf (no onnxruntime binary),
# alpine-x64/alpine-arm64 (the onnxruntime binaries link against glibc), web (native modules).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# A package's version from its package.json (libsql's "exports" hides it from require()).
pkgver() { node -p "JSON.parse(require('fs').readFileSync('node_modules/$1/package.json', 'utf8')).version"; }

TARGET=linux-x64
OUT=
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET=$2; shift 2 ;;
    --target=*) TARGET=${1#*=}; shift ;;
    --out) OUT=$2; shift 2 ;;
    --out=*) OUT=${1#*=}; shift ;;
    --no-build) BUILD=; shift ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

case "$TARGET" in
  linux-x64)    LIBSQL_PKG=linux-x64-gnu;   ORT_DIR=linux/x64 ;;
  linux-arm64)  LIBSQL_PKG=linux-arm64-gnu; ORT_DIR=linux/arm64 ;;
  darwin-arm64) LIBSQL_PKG=darwin-arm64;    ORT_DIR=darwin/arm64 ;;
  win32-x64)    LIBSQL_PKG=win32-x64-msvc;  ORT_DIR=win32/x64 ;;
  darwin-x64)   echo "package.sh: darwin-x64 cannot be built: onnxruntime-node $(pkgver onnxruntime-node) ships no darwin/x64 binary" >&2; exit 2 ;;
  win32-arm64)  echo "package.sh: win32-arm64 cannot be built: libsql $(pkgver libsql) ships no win32-arm64 binary" >&2; exit 2 ;;
  linux-armhf|alpine-x64|alpine-arm64|web)
                echo "package.sh: $TARGET cannot be built: no onnxruntime-node binary for it (see --help)" >&2; exit 2 ;;
  *)            echo "package.sh: unknown target $TARGET; one of linux-x64, linux-arm64, darwin-arm64, win32-x64" >&2; exit 2 ;;
esac
OUT=${OUT:-mnemos-$TARGET.vsix}
[ -f node_modules/@vscode/vsce/package.json ] || { echo "package.sh: @vscode/vsce is missing: npm ci first" >&2; exit 2; }
[ -d "node_modules/onnxruntime-node/bin/napi-v6/$ORT_DIR" ] || { echo "package.sh: node_modules/onnxruntime-node/bin/napi-v6/$ORT_DIR is missing" >&2; exit 2; }

# The libsql binary for the target, at libsql's exact version.
if [ ! -f "node_modules/@libsql/$LIBSQL_PKG/package.json" ]; then
  ver=$(pkgver libsql)
  echo "[package] fetching @libsql/$LIBSQL_PKG@$ver from the npm registry"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@libsql/$LIBSQL_PKG@$ver" >/dev/null)
  mkdir -p "node_modules/@libsql/$LIBSQL_PKG"
  tar -xzf "$tmp"/*.tgz -C "node_modules/@libsql/$LIBSQL_PKG" --strip-components=1
  rm -rf "$tmp"
fi

T0=$(date +%s%N)
if [ -n "$BUILD" ]; then node scripts/build.mjs --minify; fi
for f in extension cli embed-worker webview; do
  [ -f "dist/$f.js" ] || { echo "package.sh: dist/$f.js was not built" >&2; exit 1; }
done

# .vscodeignore names linux-x64's binaries; other targets get a copy with those two paths swapped.
IGNORE=.vscodeignore
if [ "$TARGET" != linux-x64 ]; then
  IGNORE=$(mktemp "${TMPDIR:-/tmp}/mnemos-vscodeignore-XXXXXX")
  trap 'rm -f "$IGNORE"' EXIT
  sed -e "s#node_modules/@libsql/linux-x64-gnu/#node_modules/@libsql/$LIBSQL_PKG/#" \
      -e "s#bin/napi-v6/linux/x64/#bin/napi-v6/$ORT_DIR/#" .vscodeignore > "$IGNORE"
fi

# --allow-missing-repository / --no-rewrite-relative-links: there is no public repository URL yet,
# and vsce would otherwise stop to ask (or fail on README's relative links).
rm -f "$OUT"
npx --no-install vsce package --target "$TARGET" --out "$OUT" --ignoreFile "$IGNORE" \
  --allow-missing-repository --no-rewrite-relative-links
[ -f "$OUT" ] || { echo "package.sh: vsce did not write $OUT" >&2; exit 1; }
files=$(unzip -Z1 "$OUT" | grep -c '^extension/' || true)
size=$(stat -c %s "$OUT")
echo "[package] $OUT: $TARGET, $files files, $(awk -v b="$size" 'BEGIN{printf "%.2f MB", b/1048576}') ($size bytes), $(( ($(date +%s%N) - T0) / 1000000 )) ms"
