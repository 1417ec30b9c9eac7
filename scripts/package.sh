#!/usr/bin/env bash
# Builds the extension (minified, once) and packs one platform VSIX per target: mnemos-<target>.vsix.
#
# usage: npm run package                        # all six targets, into the repository's folder
#        bash scripts/package.sh [--target T]... [--out-dir DIR] [--out FILE] [--no-build]
#          --target T    only T (repeatable); --out FILE names the VSIX when there is one target
#          --out-dir DIR where mnemos-<target>.vsix go (default: the repository's folder)
#
# What goes in is .vscodeignore's list: dist/*.js (no maps), dist/codicons, media, resources, README,
# LICENSE, package.json, and the packages the bundles require() at run time (scripts/build.mjs keeps
# them external) for ONE platform. .vscodeignore's "target" block holds linux-x64's lines; for each
# target this script writes that block anew (into a temporary ignore file).
#
# Targets (VS Code's names) and the native parts each one carries:
#   target        libsql (N-API)            ONNX runtime (embeddings)                  sqlite-vec
#   linux-x64     @libsql/linux-x64-gnu     onnxruntime-node bin/napi-v6/linux/x64     sqlite-vec-linux-x64
#   linux-arm64   @libsql/linux-arm64-gnu   onnxruntime-node bin/napi-v6/linux/arm64   sqlite-vec-linux-arm64
#   darwin-x64    @libsql/darwin-x64        onnxruntime-web (WebAssembly)              sqlite-vec-darwin-x64
#   darwin-arm64  @libsql/darwin-arm64      onnxruntime-node bin/napi-v6/darwin/arm64  sqlite-vec-darwin-arm64
#   win32-x64     @libsql/win32-x64-msvc    onnxruntime-node bin/napi-v6/win32/x64     sqlite-vec-windows-x64
#   alpine-x64    @libsql/linux-x64-musl    onnxruntime-web (WebAssembly)              none (no musl build on npm)
# onnxruntime-node 1.30 has no darwin/x64 binary, and its linux binaries link glibc, so darwin-x64 and
# alpine-x64 run the embedding model on onnxruntime-web's WebAssembly build instead (src/embed/onnx-runtime.ts
# picks whichever loads). npm installs only this machine's libsql and sqlite-vec binaries; for the others
# this script fetches the package from the npm registry (`npm pack <pkg>@<the version libsql/sqlite-vec
# pins>`) into node_modules/<pkg>, where npm puts it on that platform (they are optionalDependencies).
# Not built: win32-arm64 (libsql 0.5.29 has no win32-arm64 binary), web (native modules); linux-armhf and
# alpine-arm64 would work like alpine-x64 (libsql has binaries, WebAssembly embeddings) but are not wanted yet.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ALL_TARGETS=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64 alpine-x64)

# A package's version from its package.json (libsql's "exports" hides it from require()).
pkgver() { node -p "JSON.parse(require('fs').readFileSync('node_modules/$1/package.json', 'utf8')).version"; }

TARGETS=()
OUT=
OUT_DIR=$ROOT
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGETS+=("$2"); shift 2 ;;
    --target=*) TARGETS+=("${1#*=}"); shift ;;
    --out) OUT=$2; shift 2 ;;
    --out=*) OUT=${1#*=}; shift ;;
    --out-dir) OUT_DIR=$2; shift 2 ;;
    --out-dir=*) OUT_DIR=${1#*=}; shift ;;
    --no-build) BUILD=; shift ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")
if [ -n "$OUT" ] && [ ${#TARGETS[@]} -ne 1 ]; then
  echo "package.sh: --out names one VSIX: give one --target (or use --out-dir)" >&2; exit 2
fi

# target -> LIBSQL (package under @libsql/), ORT (onnxruntime-node bin folder, or "wasm"), VEC (package or "")
define() {
  VEC_EXT=so
  case "$1" in
    linux-x64)    LIBSQL=linux-x64-gnu;   ORT=linux/x64;    VEC=sqlite-vec-linux-x64 ;;
    linux-arm64)  LIBSQL=linux-arm64-gnu; ORT=linux/arm64;  VEC=sqlite-vec-linux-arm64 ;;
    darwin-x64)   LIBSQL=darwin-x64;      ORT=wasm;         VEC=sqlite-vec-darwin-x64; VEC_EXT=dylib ;;
    darwin-arm64) LIBSQL=darwin-arm64;    ORT=darwin/arm64; VEC=sqlite-vec-darwin-arm64; VEC_EXT=dylib ;;
    win32-x64)    LIBSQL=win32-x64-msvc;  ORT=win32/x64;    VEC=sqlite-vec-windows-x64; VEC_EXT=dll ;;
    alpine-x64)   LIBSQL=linux-x64-musl;  ORT=wasm;         VEC= ;;
    win32-arm64)  echo "package.sh: win32-arm64 cannot be built: libsql $(pkgver libsql) ships no win32-arm64 binary" >&2; exit 2 ;;
    web)          echo "package.sh: web cannot be built: Mnemos needs native modules (libsql)" >&2; exit 2 ;;
    *)            echo "package.sh: unknown target $1; one of ${ALL_TARGETS[*]}" >&2; exit 2 ;;
  esac
}

# node_modules/<pkg> at exactly <version>, from the npm registry when it is missing or another version.
fetch() {
  local pkg=$1 ver=$2
  if [ -f "node_modules/$pkg/package.json" ] && [ "$(pkgver "$pkg")" = "$ver" ]; then return; fi
  echo "[package] fetching $pkg@$ver from the npm registry"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$pkg@$ver" >/dev/null)
  rm -rf "node_modules/$pkg"
  mkdir -p "node_modules/$pkg"
  tar -xzf "$tmp"/*.tgz -C "node_modules/$pkg" --strip-components=1
  rm -rf "$tmp"
}

[ -f node_modules/@vscode/vsce/package.json ] || { echo "package.sh: @vscode/vsce is missing: npm ci first" >&2; exit 2; }
LIBSQL_VER=$(pkgver libsql)
VEC_VER=$(pkgver sqlite-vec)
for t in "${TARGETS[@]}"; do
  define "$t"
  fetch "@libsql/$LIBSQL" "$LIBSQL_VER"
  if [ -n "$VEC" ]; then fetch "$VEC" "$VEC_VER"; fi
  if [ "$ORT" = wasm ]; then
    [ -f node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm ] ||
      { echo "package.sh: node_modules/onnxruntime-web is missing its WebAssembly runtime" >&2; exit 2; }
  else
    [ -d "node_modules/onnxruntime-node/bin/napi-v6/$ORT" ] ||
      { echo "package.sh: node_modules/onnxruntime-node/bin/napi-v6/$ORT is missing" >&2; exit 2; }
  fi
done

T0=$(date +%s%N)
if [ -n "$BUILD" ]; then node scripts/build.mjs --minify; fi
for f in extension cli cli-main mcp mcp-front hook embed-worker webview; do
  [ -f "dist/$f.js" ] || { echo "package.sh: dist/$f.js was not built" >&2; exit 1; }
done

# The ignore file of each target: .vscodeignore with its target block rewritten.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnemos-package-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
block() {
  echo "!node_modules/@libsql/$LIBSQL/package.json"
  echo "!node_modules/@libsql/$LIBSQL/index.node"
  if [ "$ORT" = wasm ]; then
    # ort.node.min.js bundles its own dependencies but onnxruntime-common (its own version, nested)
    echo "!node_modules/onnxruntime-web/package.json"
    echo "!node_modules/onnxruntime-web/dist/ort.node.min.js"
    echo "!node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs"
    echo "!node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm"
    echo "!node_modules/onnxruntime-web/node_modules/onnxruntime-common/package.json"
    echo "!node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/cjs/**/*.js"
    echo "!node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/cjs/package.json"
  else
    echo "!node_modules/onnxruntime-node/package.json"
    echo "!node_modules/onnxruntime-node/dist/*.js"
    if [ "$ORT" = darwin/arm64 ]; then
      # The binding loads @rpath/libonnxruntime.1.dylib; libonnxruntime.1.30.0.dylib is a byte-identical
      # copy (a symlink before npm packed it), loaded by nothing: 44.6 MB left out.
      echo "!node_modules/onnxruntime-node/bin/napi-v6/$ORT/onnxruntime_binding.node"
      echo "!node_modules/onnxruntime-node/bin/napi-v6/$ORT/libonnxruntime.1.dylib"
    else
      echo "!node_modules/onnxruntime-node/bin/napi-v6/$ORT/*"
    fi
  fi
  if [ -n "$VEC" ]; then
    echo "!node_modules/sqlite-vec/package.json"
    echo "!node_modules/sqlite-vec/index.cjs"
    echo "!node_modules/$VEC/package.json"
    echo "!node_modules/$VEC/vec0.$VEC_EXT"
  fi
}
grep -q '^# target: begin' .vscodeignore && grep -q '^# target: end' .vscodeignore ||
  { echo "package.sh: .vscodeignore has no '# target: begin' … '# target: end' block" >&2; exit 1; }
mkdir -p "$OUT_DIR"
SPECS=()
for t in "${TARGETS[@]}"; do
  define "$t"
  block > "$TMP/$t.block"
  awk -v blk="$TMP/$t.block" '
    /^# target: begin/ { print; while ((getline l < blk) > 0) print l; skip = 1; next }
    /^# target: end/ { skip = 0 }
    !skip { print }' .vscodeignore > "$TMP/$t.vscodeignore"
  out=${OUT:-$OUT_DIR/mnemos-$t.vsix}
  rm -f "$out"
  SPECS+=("$t" "$(cd "$(dirname "$out")" && pwd)/$(basename "$out")" "$TMP/$t.vscodeignore")
done

# vsce, in one process for every target, with two shortcuts that leave its output unchanged:
# - the folders it packs from: vsce asks `npm list --production` for the whole dependency tree (~9,500
#   files, nearly all of them bundled or unused) and fails when npm sees the tree as broken (here
#   node_modules is a symlink, and fetched platform packages make npm's hidden lockfile stale); it gets
#   the repository plus the packages this target's ignore file names, i.e. the same files after filtering;
# - minimatch: vsce tests each file against every ignore line, compiling the pattern each time.
# No --allow-missing-repository prompt and no README link rewriting: there is no public repository URL yet.
node -e '
const fs = require("fs");
const path = require("path");
const vsceDir = path.resolve("node_modules/@vscode/vsce");
const mm = require(require.resolve("minimatch", { paths: [path.join(vsceDir, "out")] }));
const compiled = new Map();
mm.minimatch = (file, pattern, options = {}) => {
  const key = `${pattern}\0${JSON.stringify(options)}`;
  let m = compiled.get(key);
  if (!m) compiled.set(key, (m = new mm.Minimatch(pattern, options)));
  return m.match(file);
};
// "!node_modules/a/node_modules/@s/b/dist/x.js" -> <cwd>/node_modules/a/node_modules/@s/b
const pkgDir = (line) => {
  const parts = line.slice(1).split("/");
  const i = parts.lastIndexOf("node_modules");
  return path.resolve(parts.slice(0, i + (parts[i + 1].startsWith("@") ? 3 : 2)).join("/"));
};
const npm = require(path.join(vsceDir, "out/npm"));
let ignoreFile;
npm.getDependencies = async (cwd) => {
  const lines = fs.readFileSync(ignoreFile, "utf8").split("\n").filter((l) => l.startsWith("!node_modules/"));
  return [path.resolve(cwd), ...new Set(lines.map(pkgDir))];
};
const { createVSIX } = require(vsceDir);
(async () => {
  const specs = process.argv.slice(1);
  for (let i = 0; i < specs.length; i += 3) {
    const [target, packagePath] = specs.slice(i, i + 2);
    ignoreFile = specs[i + 2];
    await createVSIX({ target, packagePath, ignoreFile, allowMissingRepository: true, rewriteRelativeLinks: false });
  }
})().catch((e) => { console.error(`package.sh: vsce: ${e.message ?? e}`); process.exit(1); });
' "${SPECS[@]}"

for ((i = 0; i < ${#SPECS[@]}; i += 3)); do
  t=${SPECS[i]} out=${SPECS[i + 1]}
  [ -f "$out" ] || { echo "package.sh: vsce did not write $out" >&2; exit 1; }
  files=$(unzip -Z1 "$out" | grep -c '^extension/' || true)
  size=$(stat -c %s "$out")
  echo "[package] $out: $t, $files files, $(awk -v b="$size" 'BEGIN{printf "%.2f MB", b/1048576}') ($size bytes)"
done
echo "[package] ${#TARGETS[@]} VSIX(es) in $(( ($(date +%s%N) - T0) / 1000000 )) ms"
