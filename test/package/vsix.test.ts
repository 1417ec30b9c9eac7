/**
 * The packaged extension: `bash scripts/package.sh` (the `npm run package` script) builds the minified
 * bundles once and packs one VSIX per target (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64,
 * alpine-x64). Every VSIX is opened: its file list is checked against what the bundles really require() at
 * run time, and each native file's headers (ELF e_machine and C library, Mach-O cputype, PE machine) against
 * its target, byte for byte against the npm package it comes from, with its size. Then the linux-x64 one's
 * CLI runs from the unzipped folder (local file, sqld over HTTP and WebSocket, the tiny embedding model), the
 * WebAssembly embedder of the darwin-x64/alpine-x64 ones runs the tiny model with no onnxruntime-node in
 * reach, and the linux-x64 one is installed into code-server with `--install-extension` and tested there
 * (test/package/installed-tests.js). MNEMOS_VSIX_DIR=DIR tests the mnemos-<target>.vsix files in DIR instead
 * of packing new ones.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Embedder } from '../../src/embed/embedder';
import { type Sqld, startSqld } from '../helpers/sqld';
import { type Arch, type BinaryInfo, identify } from './binfmt';

const ROOT = path.resolve(__dirname, '../..');
const HOST_DIR = process.env.MNEMOS_HOST_DIR || path.join(os.homedir(), '.cache/mnemos/vscode-host');
const HOST_NODE = path.join(HOST_DIR, 'node24/bin/node');
const CS_ENTRY = path.join(HOST_DIR, 'cs/node_modules/code-server/out/node/entry.js');
const MODELS = path.join(ROOT, 'test/fixtures/models');

/** The runtime externals scripts/build.mjs leaves out of the bundles (its `nodeExternal`, minus `vscode`). */
const EXTERNAL = [/^libsql$/, /^@libsql\//, /^onnxruntime-(node|common|web)$/, /^sqlite-vec(-.*)?$/];
const BUILTIN = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const ORT_NODE = 'node_modules/onnxruntime-node/bin/napi-v6';
const ORT_WEB = ['node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'];

type Os = 'linux' | 'darwin' | 'win32';
interface Target {
  os: Os;
  arch: Arch;
  libc?: 'glibc' | 'musl';
  /** Every native file the VSIX must hold, and nothing else native. */
  natives: string[];
}
const TARGETS: Record<string, Target> = {
  'linux-x64': {
    os: 'linux',
    arch: 'x64',
    libc: 'glibc',
    natives: [
      'node_modules/@libsql/linux-x64-gnu/index.node',
      `${ORT_NODE}/linux/x64/libonnxruntime.so.1`,
      `${ORT_NODE}/linux/x64/onnxruntime_binding.node`,
      'node_modules/sqlite-vec-linux-x64/vec0.so',
    ],
  },
  'linux-arm64': {
    os: 'linux',
    arch: 'arm64',
    libc: 'glibc',
    natives: [
      'node_modules/@libsql/linux-arm64-gnu/index.node',
      `${ORT_NODE}/linux/arm64/libonnxruntime.so.1`,
      `${ORT_NODE}/linux/arm64/onnxruntime_binding.node`,
      'node_modules/sqlite-vec-linux-arm64/vec0.so',
    ],
  },
  'darwin-x64': {
    os: 'darwin',
    arch: 'x64',
    natives: [
      'node_modules/@libsql/darwin-x64/index.node',
      ...ORT_WEB,
      'node_modules/sqlite-vec-darwin-x64/vec0.dylib',
    ],
  },
  'darwin-arm64': {
    os: 'darwin',
    arch: 'arm64',
    natives: [
      'node_modules/@libsql/darwin-arm64/index.node',
      `${ORT_NODE}/darwin/arm64/libonnxruntime.1.dylib`,
      `${ORT_NODE}/darwin/arm64/onnxruntime_binding.node`,
      'node_modules/sqlite-vec-darwin-arm64/vec0.dylib',
    ],
  },
  'win32-x64': {
    os: 'win32',
    arch: 'x64',
    natives: [
      'node_modules/@libsql/win32-x64-msvc/index.node',
      `${ORT_NODE}/win32/x64/DirectML.dll`,
      `${ORT_NODE}/win32/x64/dxcompiler.dll`,
      `${ORT_NODE}/win32/x64/dxil.dll`,
      `${ORT_NODE}/win32/x64/onnxruntime.dll`,
      `${ORT_NODE}/win32/x64/onnxruntime_binding.node`,
      'node_modules/sqlite-vec-windows-x64/vec0.dll',
    ],
  },
  'alpine-x64': {
    os: 'linux',
    arch: 'x64',
    libc: 'musl',
    natives: ['node_modules/@libsql/linux-x64-musl/index.node', ...ORT_WEB],
  },
};
const NAMES = Object.keys(TARGETS);
const FORMAT: Record<Os, BinaryInfo['format']> = { linux: 'elf', darwin: 'mach-o', win32: 'pe' };
const MB = (n: number) => `${(n / 1048576).toFixed(2)} MB`;

let work: string;
let packMs = 0;
const vsixes: Record<string, { file: string; dir: string; entries: string[] }> = {};
// shorthands for the linux-x64 VSIX, which the CLI and code-server tests use
let vsix: string;
let unpacked: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node <unpacked>/dist/cli.js …` with nothing from this repository on the module path. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return run(process.execPath, [path.join(unpacked, 'dist/cli.js'), ...args], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: work, XDG_DATA_HOME: path.join(work, 'xdg'), ...env },
  });
}

/**
 * Bare module names a bundle loads: real `require("x")` calls (ajv's generated-code strings excluded),
 * plus the externals it loads through an alias (transformers.js minified: `createRequire(…)("onnxruntime-node")`).
 */
function bundleRequires(file: string): Set<string> {
  const src = fs.readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of src.matchAll(/(?<!['"`\w.$])require\("([^"]+)"\)/g)) {
    const name = m[1];
    if (name.startsWith('.') || name.startsWith('/') || BUILTIN.has(name) || name === 'vscode') continue;
    out.add(name);
  }
  const alias = /"(libsql|@libsql\/[a-z0-9-]+|onnxruntime-(?:node|common|web)|sqlite-vec[a-z0-9-]*)"/g;
  for (const m of src.matchAll(alias)) out.add(m[1]);
  return out;
}

const pkgName = (req: string) => (req.startsWith('@') ? req.split('/').slice(0, 2).join('/') : req.split('/')[0]);
/** The package folder a path inside node_modules belongs to (nested node_modules included). */
function pkgDirOf(file: string): string {
  const parts = file.split('/');
  const i = parts.lastIndexOf('node_modules');
  return parts.slice(0, i + (parts[i + 1].startsWith('@') ? 3 : 2)).join('/');
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-pkg-test-'));
  const dir = process.env.MNEMOS_VSIX_DIR ? path.resolve(process.env.MNEMOS_VSIX_DIR) : path.join(work, 'vsix');
  if (!process.env.MNEMOS_VSIX_DIR) {
    const t0 = Date.now();
    const r = await run('bash', ['scripts/package.sh', '--out-dir', dir], { timeoutMs: 300_000 });
    packMs = Date.now() - t0;
    assert.equal(r.code, 0, `package.sh failed:\n${r.stdout}\n${r.stderr}`);
    for (const t of NAMES) assert.match(r.stdout, new RegExp(`\\[package\\] .*mnemos-${t}\\.vsix: ${t}, \\d+ files`));
  }
  for (const t of NAMES) {
    const file = path.join(dir, `mnemos-${t}.vsix`);
    const out = path.join(work, 'x', t);
    fs.mkdirSync(out, { recursive: true });
    execFileSync('unzip', ['-q', file, '-d', out]);
    const entries = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.startsWith('extension/') && !l.endsWith('/'))
      .map((l) => l.slice('extension/'.length));
    vsixes[t] = { file, dir: path.join(out, 'extension'), entries };
  }
  vsix = vsixes['linux-x64'].file;
  unpacked = vsixes['linux-x64'].dir;
});
after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

for (const t of NAMES) {
  const spec = TARGETS[t];
  describe(`mnemos-${t}.vsix`, () => {
    test('holds the bundles, assets, README and LICENSE (vsce renames them readme.md, LICENSE.txt), package.json, and no sources, tests or maps', () => {
      const { entries, dir, file } = vsixes[t];
      for (const f of [
        'package.json',
        'readme.md',
        'LICENSE.txt',
        'dist/extension.js',
        'dist/cli.js',
        'dist/mcp.js',
        'dist/hook.js',
        'dist/embed-worker.js',
        'dist/webview.js',
        'dist/graph.js',
        'dist/codicons/codicon.css',
        'dist/codicons/codicon.ttf',
        'media/icon.png',
        'media/mnemos.svg',
        'resources/mnemos.instructions.md',
      ]) {
        assert.ok(entries.includes(f), `${f} is in the VSIX`);
      }
      assert.match(fs.readFileSync(path.join(dir, 'LICENSE.txt'), 'utf8'), /Apache License\s+Version 2\.0/);
      const bad = entries.filter(
        (f) =>
          /^(src|test|bench|scripts|docs|out|\.ci|\.git|test-results)\//.test(f) ||
          /\.(map|ts|tsx|mts|cts|db|vsix|tgz)$/.test(f) ||
          /(^|\/)(tsconfig[^/]*\.json|package-lock\.json|\.vscodeignore|\.gitignore)$/.test(f),
      );
      assert.deepEqual(bad, [], 'nothing but what runs');
      const top = new Set(entries.map((f) => f.split('/')[0]));
      assert.deepEqual([...top].sort(), [
        'LICENSE.txt',
        'dist',
        'media',
        'node_modules',
        'package.json',
        'readme.md',
        'resources',
      ]);
      // Bundles are minified: the CLI bundle has far fewer lines than an unminified esbuild output.
      const cliLines = fs.readFileSync(path.join(dir, 'dist/cli.js'), 'utf8').split('\n').length;
      assert.ok(cliLines < 2000, `dist/cli.js is minified (${cliLines} lines)`);
      const manifest = execFileSync('unzip', ['-p', file, 'extension.vsixmanifest'], { encoding: 'utf8' });
      assert.match(manifest, new RegExp(`TargetPlatform="${t}"`), 'the manifest names the target');
      // The bundles are built once: every VSIX carries the same ones.
      for (const b of ['extension', 'cli', 'mcp', 'hook', 'embed-worker', 'webview']) {
        const f = `dist/${b}.js`;
        assert.ok(
          fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(vsixes['linux-x64'].dir, f))),
          `${f} as in linux-x64`,
        );
      }
    });

    test(`carries ${t}'s native files only, as npm publishes them (headers, bytes, sizes)`, () => {
      const { entries, dir } = vsixes[t];
      const rows: string[] = [];
      const natives: string[] = [];
      let total = 0;
      for (const f of entries) {
        const info = identify(fs.readFileSync(path.join(dir, f)));
        if (!info) continue;
        natives.push(f);
        const size = fs.statSync(path.join(dir, f)).size;
        total += size;
        rows.push(
          `#   ${MB(size).padStart(9)}  ${f}  ${JSON.stringify(info.format === 'mach-o' ? info.arch : info.format === 'wasm' ? 'wasm' : info.arch)}`,
        );
        if (info.format === 'wasm') {
          // WebAssembly runs on any platform; it is here only where onnxruntime-node has no binary
          assert.ok(
            !spec.natives.some((n) => n.startsWith(ORT_NODE)),
            `${f}: WebAssembly runtime next to a native one`,
          );
        } else {
          assert.equal(info.format, FORMAT[spec.os], `${f} is ${info.format}, not ${FORMAT[spec.os]}`);
          if (info.format === 'mach-o') {
            assert.deepEqual(info.arch, [spec.arch], `${f}: Mach-O slices ${info.arch.join(', ')}`);
            // every @rpath library it loads is shipped beside it
            for (const d of info.dylibs.filter((x) => x.startsWith('@rpath/'))) {
              assert.ok(
                entries.includes(path.posix.join(path.posix.dirname(f), d.slice(7))),
                `${f} loads ${d}, which is not shipped`,
              );
            }
          } else {
            assert.equal(info.arch, spec.arch, `${f}: machine ${info.arch}`);
          }
          if (info.format === 'elf') {
            assert.ok(
              info.libc === spec.libc || info.libc === 'none',
              `${f} links ${info.libc}, ${t} has ${spec.libc}`,
            );
            for (const n of info.needed.filter((x) => x.startsWith('libonnxruntime'))) {
              assert.ok(
                entries.includes(path.posix.join(path.posix.dirname(f), n)),
                `${f} needs ${n}, which is not shipped`,
              );
            }
          }
          if (info.format === 'pe') {
            for (const n of info.imports.filter((x) => /^onnxruntime/i.test(x))) {
              assert.ok(
                entries.includes(path.posix.join(path.posix.dirname(f), n)),
                `${f} imports ${n}, which is not shipped`,
              );
            }
          }
        }
        // byte for byte the npm package's file, at the version its parent package pins
        const src = path.join(ROOT, f);
        assert.ok(fs.readFileSync(src).equals(fs.readFileSync(path.join(dir, f))), `${f} differs from ${src}`);
        assert.ok(size >= 100_000, `${f} is ${size} bytes: too small to be a real binary`);
      }
      console.log(
        `# ${t}: ${natives.length} native files, ${MB(total)} unpacked, VSIX ${MB(fs.statSync(vsixes[t].file).size)}\n${rows.join('\n')}`,
      );
      assert.deepEqual(natives.sort(), [...spec.natives].sort());
      // No other platform's package or folder rides along.
      const others = entries.filter(
        (f) =>
          /@libsql\/(darwin|linux|win32)-|sqlite-vec-(darwin|linux|windows)-|napi-v6\/(darwin|linux|win32)\//.test(f) &&
          !spec.natives.some(
            (n) =>
              pkgDirOf(n) === pkgDirOf(f) &&
              (!n.startsWith(ORT_NODE) || path.posix.dirname(n) === path.posix.dirname(f)),
          ),
      );
      assert.deepEqual(others, []);
      const pins: Record<string, string> = {
        '@libsql/': 'libsql',
        'sqlite-vec-': 'sqlite-vec',
        'onnxruntime-': '@huggingface/transformers',
      };
      for (const n of spec.natives) {
        const pkg = pkgDirOf(n).slice('node_modules/'.length);
        const parent = Object.entries(pins).find(([p]) => pkg.startsWith(p))![1];
        const pj = (d: string) => JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
        const want = {
          ...pj(path.join(ROOT, 'node_modules', parent)).optionalDependencies,
          ...pj(path.join(ROOT, 'node_modules', parent)).dependencies,
        }[pkg];
        assert.equal(pj(path.join(dir, pkgDirOf(n))).version, want, `${pkg} is the version ${parent} pins`);
      }
    });

    test('ships exactly the packages the bundles require at run time, with their dependencies', () => {
      const { entries, dir } = vsixes[t];
      // What the bundles really ask for (scripts/build.mjs's externals they use).
      const required = new Set<string>();
      for (const b of ['extension', 'cli', 'mcp', 'hook', 'embed-worker', 'webview']) {
        for (const r of bundleRequires(path.join(dir, 'dist', `${b}.js`))) {
          assert.ok(
            EXTERNAL.some((re) => re.test(pkgName(r))),
            `dist/${b}.js requires "${r}", which is neither bundled nor a declared external`,
          );
          required.add(pkgName(r));
        }
      }
      assert.deepEqual([...required].sort(), [
        '@libsql/client',
        'libsql',
        'onnxruntime-common',
        'onnxruntime-node',
        'onnxruntime-web',
        'sqlite-vec',
      ]);
      // The embedding worker needs one ONNX runtime: the native one where it has a binary, else WebAssembly.
      const wasm = !spec.natives.some((n) => n.startsWith(ORT_NODE));
      const runtimes = ['onnxruntime-node', 'onnxruntime-web'].filter((p) =>
        fs.existsSync(path.join(dir, 'node_modules', p)),
      );
      assert.deepEqual(runtimes, [wasm ? 'onnxruntime-web' : 'onnxruntime-node']);
      // sqlite-vec: the store loads it lazily for ICM's vec_memories and degrades without it (a one-line
      // warning); it ships wherever npm has its binary (not on alpine: no musl build).
      const roots = [...required].filter((r) => !/^onnxruntime-(node|web)$|^sqlite-vec$/.test(r)).concat(runtimes);
      if (spec.natives.some((n) => n.includes('sqlite-vec-'))) roots.push('sqlite-vec');
      // Their closure inside the VSIX, resolved as Node does (nested node_modules first): every dependency
      // present; optional ones only for this platform; type-only packages are not needed.
      const needed = new Set<string>(); // package folders, relative to the extension
      const missing: string[] = [];
      const walk = (name: string, from: string, optional: boolean) => {
        let at = from;
        let found: string | undefined;
        for (;;) {
          const cand = path.posix.join(at, 'node_modules', name);
          if (fs.existsSync(path.join(dir, cand, 'package.json'))) {
            found = cand;
            break;
          }
          if (!at) break;
          at = at.includes('/node_modules/') ? at.slice(0, at.lastIndexOf('/node_modules/')) : '';
        }
        if (!found) {
          if (!optional && !name.startsWith('@types/')) missing.push(name);
          return;
        }
        if (needed.has(found)) return;
        needed.add(found);
        const j = JSON.parse(fs.readFileSync(path.join(dir, found, 'package.json'), 'utf8'));
        // onnxruntime-node's own dependencies (adm-zip, global-agent) serve only its install script;
        // onnxruntime-web's ort.node.min.js bundles all of its dependencies but onnxruntime-common.
        const deps =
          name === 'onnxruntime-node'
            ? ['onnxruntime-common']
            : name === 'onnxruntime-web'
              ? ['onnxruntime-common']
              : Object.keys(j.dependencies ?? {});
        for (const d of deps) walk(d, found, false);
        for (const d of Object.keys(j.optionalDependencies ?? {})) walk(d, found, true);
      };
      for (const r of roots) walk(r, '', false);
      assert.deepEqual(missing, [], 'dependencies missing from the VSIX');
      if (wasm) {
        const requires = bundleRequires(path.join(dir, 'node_modules/onnxruntime-web/dist/ort.node.min.js'));
        assert.deepEqual([...requires], ['onnxruntime-common'], 'ort.node.min.js requires only onnxruntime-common');
      }
      const shipped = new Set(entries.filter((f) => f.startsWith('node_modules/')).map(pkgDirOf));
      assert.deepEqual(
        [...shipped].filter((p) => !needed.has(p)).sort(),
        [],
        'packages in the VSIX that nothing requires',
      );
      // Each package's entry point resolves (as Node resolves it: "exports", node/require conditions) to a shipped file.
      for (const p of shipped) {
        if (/@libsql\/core$|sqlite-vec-|@libsql\/(darwin|linux|win32)-/.test(p)) continue; // subpath exports only / binaries
        const parent = p.includes('/node_modules/', 1) ? p.slice(0, p.lastIndexOf('/node_modules/')) : 'dist';
        const name = p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length);
        const resolved = createRequire(path.join(dir, parent, 'x.js')).resolve(name);
        assert.ok(resolved.startsWith(path.join(dir, p) + path.sep), `${name} resolves to ${resolved}, outside ${p}`);
      }
    });
  });
}

describe('the WebAssembly embedder (darwin-x64, alpine-x64)', () => {
  test('the unpacked alpine-x64 worker embeds the tiny model with no onnxruntime-node in reach, as the native linux-x64 one does', async () => {
    const wasmDir = vsixes['alpine-x64'].dir;
    // darwin-x64 carries the very same worker and WebAssembly runtime
    for (const f of ['dist/embed-worker.js', 'node_modules/onnxruntime-web/dist/ort.node.min.js', ...ORT_WEB]) {
      assert.ok(
        fs.readFileSync(path.join(wasmDir, f)).equals(fs.readFileSync(path.join(vsixes['darwin-x64'].dir, f))),
        f,
      );
    }
    assert.throws(
      () => require.resolve('onnxruntime-node', { paths: [path.join(wasmDir, 'dist')] }),
      /Cannot find module/,
    );
    const texts = ['hello world', 'the unpacked VSIX embeds on WebAssembly', 'the cat sat on the mat'];
    const embedWith = async (dir: string) => {
      const e = new Embedder({
        modelId: 'tiny-bert',
        cacheDir: path.join(work, 'models'),
        localModelPath: MODELS,
        allowRemote: false,
        workerPath: path.join(dir, 'dist/embed-worker.js'),
      });
      try {
        const t0 = Date.now();
        const v = await e.embed(texts, 'passage');
        return { v, ms: Date.now() - t0 };
      } finally {
        await e.dispose();
      }
    };
    const wasm = await embedWith(wasmDir);
    const native = await embedWith(unpacked);
    let maxDiff = 0;
    for (let i = 0; i < texts.length; i++) {
      assert.equal(wasm.v[i].length, 64);
      for (let k = 0; k < 64; k++) maxDiff = Math.max(maxDiff, Math.abs(wasm.v[i][k] - native.v[i][k]));
    }
    console.log(
      `# tiny-bert, 3 texts incl. load: wasm ${wasm.ms} ms, native ${native.ms} ms; max |Δ| ${maxDiff.toExponential(2)}`,
    );
    assert.ok(maxDiff < 1e-5, `WebAssembly and native vectors differ by ${maxDiff}`);
  });
});

describe('the CLI from the unpacked VSIX', () => {
  let sqld: Sqld;
  before(async () => {
    sqld = await startSqld({ auth: true });
  });
  after(async () => {
    await sqld?.stop();
  });

  test('stores and recalls on a local file, and recalls hybrid with the tiny model through the bundled onnxruntime', async () => {
    const db = path.join(work, 'unpacked.db');
    const s = await cli([
      '--db',
      db,
      '--json',
      'store',
      '-t',
      'pkg',
      '-c',
      'The unpacked CLI writes with its bundled libsql',
      '-k',
      'vsix',
    ]);
    assert.equal(s.code, 0, s.stderr);
    const r = await cli(['--db', db, '--json', 'recall', 'bundled', 'libsql']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).items[0].memory.id, JSON.parse(s.stdout).id);
    const h = await cli(['--db', db, '--json', 'recall', 'writes', 'bundled'], {
      MNEMOS_EMBED_MODEL: 'tiny-bert',
      MNEMOS_MODEL_DIR: MODELS,
      MNEMOS_EMBED_OFFLINE: '1',
    });
    assert.equal(h.code, 0, h.stderr);
    assert.equal(JSON.parse(h.stdout).mode, 'hybrid', h.stdout + h.stderr);
  });

  test('talks to sqld with JWT auth over HTTP and WebSocket through the bundled @libsql/client', async () => {
    const env = { TURSO_AUTH_TOKEN: sqld.token! };
    const ws = sqld.url.replace(/^http:/, 'ws:');
    const s = await cli(
      ['--url', ws, '--json', 'store', '-t', 'pkg-remote', '-c', 'Written over a WebSocket by the packaged CLI'],
      env,
    );
    assert.equal(s.code, 0, s.stderr);
    const r = await cli(['--url', sqld.url, '--json', 'recall', 'WebSocket', 'packaged'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).items[0].memory.id, JSON.parse(s.stdout).id);
    const refused = await cli(['--url', sqld.url, 'topics'], { TURSO_AUTH_TOKEN: 'not-a-valid-token' });
    assert.equal(refused.code, 4, refused.stderr);
  });

  test('serves MCP over stdio (the SDK and its validators are bundled)', async () => {
    const db = path.join(work, 'mcp.db');
    const p = spawn(process.execPath, [path.join(unpacked, 'dist/cli.js'), '--db', db, 'serve'], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: work },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const send = (o: unknown) => p.stdin.write(JSON.stringify(o) + '\n');
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: {
        name: 'icm_memory_store',
        arguments: { topic: 'pkg-mcp', content: 'stored through the packaged MCP server', keywords: 42 },
      },
    });
    send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: {
        name: 'icm_memory_store',
        arguments: { topic: 'pkg-mcp', content: 'stored through the packaged MCP server' },
      },
    });
    const end = Date.now() + 15_000;
    while (Date.now() < end && !/"id":3/.test(out)) await new Promise((r) => setTimeout(r, 50));
    p.stdin.end();
    await new Promise((r) => p.once('close', r));
    const replies = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const bad = replies.find((m) => m.id === 2);
    assert.equal(bad.result.isError, true);
    assert.match(bad.result.content[0].text, /keywords must be a list of strings/);
    assert.match(replies.find((m) => m.id === 3).result.content[0].text, /^ok:[0-9A-Z]{26}$/);
  });
});

describe('the VSIX installed into code-server', () => {
  test('installs with --install-extension, activates from the extensions folder, and its CLI works with the bundled natives', async (t) => {
    if (!fs.existsSync(HOST_NODE) || !fs.existsSync(CS_ENTRY)) {
      t.skip('the VS Code test host is not installed: run scripts/setup-vscode-host.sh');
      return;
    }
    const extDir = path.join(work, 'extensions');
    const home = path.join(work, 'cs-home');
    fs.mkdirSync(home, { recursive: true });
    const t0 = Date.now();
    const inst = await run(
      HOST_NODE,
      [
        CS_ENTRY,
        '--install-extension',
        vsix,
        '--extensions-dir',
        extDir,
        '--user-data-dir',
        path.join(work, 'cs-data'),
      ],
      {
        env: { PATH: process.env.PATH, HOME: home },
      },
    );
    const installMs = Date.now() - t0;
    assert.equal(inst.code, 0, inst.stdout + inst.stderr);
    assert.match(inst.stdout, /was successfully installed/);
    const installed = JSON.parse(fs.readFileSync(path.join(extDir, 'extensions.json'), 'utf8'));
    assert.deepEqual(
      installed.map((e: { identifier: { id: string } }) => e.identifier.id),
      ['mnemos.mnemos'],
    );
    const extPath = installed[0].location.path as string;
    assert.ok(fs.existsSync(path.join(extPath, 'dist/cli.js')));

    // The runner needs a development extension: an empty probe, so Mnemos itself comes from extDir.
    const probe = path.join(work, 'probe');
    fs.mkdirSync(probe);
    fs.writeFileSync(
      path.join(probe, 'package.json'),
      JSON.stringify({
        name: 'mnemos-package-probe',
        publisher: 'mnemos-test',
        version: '0.0.1',
        engines: { vscode: '^1.138.0' },
      }),
    );
    const ws = path.join(work, 'ws');
    fs.mkdirSync(ws);
    const db = path.join(work, 'installed.db');
    const settings = path.join(work, 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ 'mnemos.database.path': db, 'mnemos.embeddings.model': 'tiny-bert' }));
    const figuresFile = path.join(work, 'figures.json');
    const t1 = Date.now();
    const host = await run(
      process.execPath,
      [
        path.join(ROOT, 'test/host/run-ext-tests.js'),
        '--extensionDevelopmentPath',
        probe,
        '--extensionTestsPath',
        path.join(ROOT, 'test/package/installed-tests.js'),
        '--extensions-dir',
        extDir,
        '--settings',
        settings,
        '--env',
        `MNEMOS_PKG_EXTENSIONS_DIR=${extDir}`,
        '--env',
        `MNEMOS_PKG_REPO=${ROOT}`,
        '--env',
        `MNEMOS_PKG_DB=${db}`,
        '--env',
        `MNEMOS_PKG_FIGURES=${figuresFile}`,
        '--env',
        `MNEMOS_MODEL_DIR=${MODELS}`,
        '--timeout',
        '120',
        ws,
      ],
      { timeoutMs: 150_000 },
    );
    const hostMs = Date.now() - t1;
    assert.equal(host.code, 0, `installed-extension tests failed:\n${host.stdout}\n${host.stderr}`);
    assert.match(host.stdout, /5 passed, 0 failed/);
    const figures = JSON.parse(fs.readFileSync(figuresFile, 'utf8'));
    const size = fs.statSync(vsix).size;
    console.log(
      `# package figures: linux-x64 vsix ${(size / 1048576).toFixed(2)} MB (${size} bytes), ${vsixes['linux-x64'].entries.length} files; pack (6 VSIXes) ${packMs} ms; install ${installMs} ms; host run ${hostMs} ms; activate ${figures.activateMs} ms`,
    );
  });
});
