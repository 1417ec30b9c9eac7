// Embedder against the tiny offline model (test/fixtures/models/tiny-bert, 64-d, random weights)
// through the real path: Worker -> transformers.js -> onnxruntime-node. Nothing leaves the machine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Embedder,
  EmbedderUnavailableError,
  prefixFor,
  type EmbedderOptions,
  type EmbedderState,
} from '../../src/embed/embedder';

const MODELS = path.resolve(__dirname, '..', 'fixtures', 'models');
let tmp: string;
const made: Embedder[] = [];

function tiny(over: Partial<EmbedderOptions> = {}): Embedder {
  const e = new Embedder({
    modelId: 'tiny-bert',
    cacheDir: path.join(tmp, 'cache'),
    localModelPath: MODELS,
    allowRemote: false,
    ...over,
  });
  made.push(e);
  return e;
}
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

function texts(n: number): string[] {
  const words =
    'the quick brown fox jumps over lazy dog hello world code file test error search query user model fast small'.split(
      ' ',
    );
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: 6 + (i % 7) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' '),
  );
}
async function rejectsUnavailable(p: Promise<unknown>, reason: string): Promise<EmbedderUnavailableError> {
  let err!: EmbedderUnavailableError;
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof EmbedderUnavailableError, `expected EmbedderUnavailableError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    err = e;
    return true;
  });
  return err;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-embed-'));
});
after(async () => {
  await Promise.all(made.map((e) => e.dispose()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('prefixFor', () => {
  test('e5 models get query/passage prefixes, others none', () => {
    assert.equal(prefixFor('Xenova/multilingual-e5-small', 'query'), 'query: ');
    assert.equal(prefixFor('Xenova/multilingual-e5-small', 'passage'), 'passage: ');
    assert.equal(prefixFor('intfloat/e5-base-v2', 'passage'), 'passage: ');
    assert.equal(prefixFor('e5-small', 'query'), 'query: ');
    assert.equal(prefixFor('Xenova/all-MiniLM-L6-v2', 'query'), '');
    assert.equal(prefixFor('Xenova/bge-small-en-v1.5', 'passage'), '');
    assert.equal(prefixFor('tiny-bert', 'query'), '');
    assert.equal(prefixFor('someone/dense5-model', 'query'), '');
  });
});

describe('embedding with the tiny model', () => {
  test('vectors are 64-d, unit length, one per text, and info() reports the dim from the model', async () => {
    const e = tiny();
    assert.equal(e.state, 'idle');
    const vs = await e.embed(['hello world', 'another text', ''], 'passage');
    assert.equal(vs.length, 3);
    for (const v of vs) {
      assert.ok(v instanceof Float32Array);
      assert.equal(v.length, 64);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5, `norm ${norm(v)}`);
      assert.equal(v.buffer.byteLength, 64 * 4, 'each vector owns its buffer');
    }
    assert.deepEqual(await e.info(), { modelId: 'tiny-bert', dim: 64 });
    assert.equal(e.state, 'ready');
    assert.deepEqual(await e.embed([], 'query'), []);
  });

  test('deterministic across calls and across embedders', async () => {
    const a = tiny(),
      b = tiny();
    const [x1] = await a.embed(['Please open the file and read the data'], 'passage');
    const [x2] = await a.embed(['Please open the file and read the data'], 'passage');
    const [x3] = await b.embed(['Please open the file and read the data'], 'passage');
    assert.deepEqual(x1, x2);
    assert.deepEqual(x1, x3);
  });

  test('a text embedded in a padded batch equals it embedded alone, and order is kept', async () => {
    const e = tiny({ batchSize: 4 });
    const input = texts(10).concat('hello world');
    const batch = await e.embed(input, 'passage');
    assert.equal(batch.length, input.length);
    for (const i of [0, 5, 9, 10]) {
      const [single] = await e.embed([input[i]], 'passage');
      assert.ok(maxAbsDiff(single, batch[i]) < 1e-6, `text ${i} differs by ${maxAbsDiff(single, batch[i])}`);
    }
  });

  test('texts sharing words are closer than unrelated ones (all the random model can promise)', async () => {
    const [a, b, c] = await tiny().embed(['hello world', 'hello there world', 'the cat sat on the mat'], 'passage');
    assert.ok(dot(a, b) > dot(a, c) + 0.2, `cos(shared)=${dot(a, b)} cos(unrelated)=${dot(a, c)}`);
  });

  test('texts longer than the model window are truncated, not rejected; non-strings are refused', async () => {
    const e = tiny();
    const [long] = await e.embed(['hello world '.repeat(2000)], 'passage');
    assert.equal(long.length, 64);
    assert.ok(Math.abs(norm(long) - 1) < 1e-5);
    await assert.rejects(e.embed([42 as unknown as string], 'passage'), TypeError);
  });

  test('q8 weights give nearly the same vectors as fp32', async () => {
    const [f] = await tiny().embed(['hello world'], 'passage');
    const [q] = await tiny({ dtype: 'q8' }).embed(['hello world'], 'passage');
    assert.ok(dot(f, q) > 0.999, `cos ${dot(f, q)}`);
  });

  test('an e5-family model receives "query: " / "passage: " prefixed input', async () => {
    const local = path.join(tmp, 'models');
    fs.cpSync(path.join(MODELS, 'tiny-bert'), path.join(local, 'tiny-e5'), { recursive: true });
    const e5 = tiny({ modelId: 'tiny-e5', localModelPath: local });
    const [q] = await e5.embed(['where is the file'], 'query');
    const [p] = await e5.embed(['where is the file'], 'passage');
    const [rq, rp] = await tiny().embed(['query: where is the file', 'passage: where is the file'], 'passage');
    assert.ok(maxAbsDiff(q, rq) < 1e-6);
    assert.ok(maxAbsDiff(p, rp) < 1e-6);
    assert.ok(maxAbsDiff(q, p) > 1e-3, 'query and passage vectors differ');
  });
});

describe('the caller’s thread stays free', () => {
  test('inference code is never loaded on the caller’s thread', async () => {
    await tiny().embed(['hello world'], 'query');
    const loaded = Object.keys(require.cache).filter((f) => /@huggingface[\\/]transformers|onnxruntime-node/.test(f));
    assert.deepEqual(loaded, []);
  });

  test('embedding 1,000 texts never blocks the event loop for 100 ms', async (t) => {
    // One batch of 1,000 long texts: ~300 ms of inference that, run inline, would block the loop
    // for all of it. On a shared 2-core box an idle 1 ms timer alone sometimes sees ~100 ms gaps
    // (the OS did not schedule us), so the best of three attempts counts.
    const e = tiny({ batchSize: 1000 });
    await e.embed(['warm up'], 'passage');
    const input = texts(1000).map((s, i) => `${s} ${s} ${s} ${s} ${s} ${'word '.repeat(i % 40)}`);
    const seen: string[] = [];
    let best = Infinity;
    for (let attempt = 0; attempt < 3 && best >= 100; attempt++) {
      let last = performance.now(),
        maxGap = 0,
        ticks = 0;
      const probe = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        ticks++;
      }, 1);
      const t0 = performance.now();
      const vs = await e.embed(input, 'passage');
      const ms = performance.now() - t0;
      clearInterval(probe);
      maxGap = Math.max(maxGap, performance.now() - last);
      assert.equal(vs.length, 1000);
      best = Math.min(best, maxGap);
      seen.push(`1000 texts in ${ms.toFixed(0)} ms, max loop gap ${maxGap.toFixed(1)} ms over ${ticks} ticks`);
    }
    t.diagnostic(seen.join('; '));
    assert.ok(best < 100, seen.join('; '));
  });

  test('the default batching keeps the loop free too (32 texts per message)', async () => {
    const e = tiny();
    await e.embed(['warm up'], 'passage');
    let last = performance.now(),
      maxGap = 0;
    const probe = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 1);
    const vs = await e.embed(texts(1000), 'passage');
    clearInterval(probe);
    assert.equal(vs.length, 1000);
    assert.ok(maxGap < 250, `max loop gap ${maxGap.toFixed(1)} ms`); // loose: only a gross regression fails here
  });
});

describe('download and cache (loopback fake hub, no internet)', () => {
  // Serves GET /<org>/<name>/resolve/main/<file> from the fixtures, as huggingface.co would.
  let server: http.Server;
  let host: string;
  const hits: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      const m = req.url?.match(/^\/[^/]+\/([^/]+)\/resolve\/[^/]+\/(.+)$/);
      const file = m && path.join(MODELS, m[1], decodeURIComponent(m[2]));
      const ok = !!file && file.startsWith(MODELS + path.sep) && fs.existsSync(file);
      hits.push(`${req.url} ${ok ? 200 : 404}`);
      if (!ok) {
        res.statusCode = 404;
        res.end('not found');
        return;
      }
      res.end(fs.readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('first use downloads into cacheDir; later loads work with downloads off', async () => {
    const cacheDir = path.join(tmp, 'hub-cache');
    hits.length = 0;
    const online = tiny({
      modelId: 'fake-org/tiny-bert',
      cacheDir,
      localModelPath: undefined,
      allowRemote: true,
      remoteHost: host,
    });
    const [a] = await online.embed(['hello world'], 'query');
    assert.ok(
      hits.some((h) => h.endsWith('onnx/model.onnx 200')),
      hits.join('\n'),
    );
    assert.ok(fs.existsSync(path.join(cacheDir, 'fake-org', 'tiny-bert', 'onnx', 'model.onnx')));
    await online.dispose();

    hits.length = 0;
    const offline = tiny({ modelId: 'fake-org/tiny-bert', cacheDir, localModelPath: undefined, allowRemote: false });
    const [b] = await offline.embed(['hello world'], 'query');
    assert.deepEqual(b, a);
    assert.deepEqual(hits, []);
  });

  test('a model the hub does not have rejects as not-found, in words', async () => {
    const e = tiny({
      modelId: 'fake-org/no-such-model',
      cacheDir: path.join(tmp, 'hub-cache'),
      allowRemote: true,
      remoteHost: host,
    });
    const err = await rejectsUnavailable(e.embed(['x'], 'query'), 'not-found');
    assert.equal(err.message, `The embedding model fake-org/no-such-model was not found on the model hub (${host}).`);
    assert.match(err.detail ?? '', /Could not locate file/, 'the raw error is kept for the log');
  });

  test('an unreachable hub with an empty cache rejects as no-network, in one readable sentence', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r())); // nothing listens on this port now
    const e = tiny({
      modelId: 'fake-org/tiny-bert',
      cacheDir: path.join(tmp, 'empty-cache'),
      allowRemote: true,
      remoteHost: `http://127.0.0.1:${port}/`,
    });
    const err = await rejectsUnavailable(e.embed(['x'], 'query'), 'no-network');
    assert.equal(err.message, 'Could not download the embedding model fake-org/tiny-bert: no network.');
    assert.match(err.detail ?? '', /fetch failed|ECONNREFUSED/);
  });
});

describe('failure and lifecycle', () => {
  test('an unknown model with downloads off rejects fast as not-downloaded, and retries are throttled', async () => {
    const e = tiny({ modelId: 'nobody/no-such-model' });
    const t0 = performance.now();
    const err = await rejectsUnavailable(e.embed(['x'], 'query'), 'not-downloaded');
    assert.equal(
      err.message,
      `The embedding model nobody/no-such-model is not in the local model folder (${MODELS}), and downloading is off.`,
    );
    assert.ok(performance.now() - t0 < 15_000);
    assert.equal(e.state, 'failed');
    const t1 = performance.now();
    await rejectsUnavailable(e.embed(['x'], 'query'), 'not-downloaded');
    await rejectsUnavailable(e.info(), 'not-downloaded');
    assert.ok(performance.now() - t1 < 50, 'within retryAfterMs the stored error comes back at once');
  });

  test('after the retry window a failed embedder tries again', async () => {
    const e = tiny({ modelId: 'nobody/no-such-model', retryAfterMs: 0 });
    const states: EmbedderState[] = [];
    e.onStateChange((s) => states.push(s));
    await rejectsUnavailable(e.embed(['x'], 'query'), 'not-downloaded');
    await rejectsUnavailable(e.embed(['x'], 'query'), 'not-downloaded');
    assert.deepEqual(states, ['loading', 'failed', 'loading', 'failed']);
  });

  test('damaged model files (a truncated ONNX file, a garbled config) reject as corrupt-cache', async () => {
    for (const [file, damage] of [
      ['onnx/model.onnx', (b: Buffer) => b.subarray(0, 3000)],
      ['config.json', () => Buffer.from('{"broken')],
    ] as const) {
      const dir = fs.mkdtempSync(path.join(tmp, 'damaged-'));
      fs.cpSync(path.join(MODELS, 'tiny-bert'), path.join(dir, 'tiny-bert'), { recursive: true });
      const f = path.join(dir, 'tiny-bert', file);
      fs.writeFileSync(f, damage(fs.readFileSync(f)));
      const err = await rejectsUnavailable(tiny({ localModelPath: dir }).embed(['x'], 'query'), 'corrupt-cache');
      assert.equal(
        err.message,
        `The files of the embedding model tiny-bert in the local model folder (${dir}) are damaged.`,
        file,
      );
      assert.ok(err.detail, 'the raw error is kept for the log');
    }
  });

  test('a load that exceeds loadTimeoutMs rejects with timeout instead of hanging', async () => {
    const e = tiny({ loadTimeoutMs: 1 });
    await rejectsUnavailable(e.info(), 'timeout');
    assert.equal(e.state, 'failed');
  });

  test('a worker script that cannot start rejects as load-failed', async () => {
    const e = tiny({ workerPath: path.join(tmp, 'missing-worker.js') });
    await rejectsUnavailable(e.embed(['x'], 'query'), 'load-failed');
  });

  test('a worker killed mid-request rejects what was pending; the next call starts a new one', async () => {
    const e = tiny({ batchSize: 8 });
    const [before] = await e.embed(['hello world'], 'passage');
    const big = e.embed(texts(1000), 'passage');
    await new Promise((r) => setImmediate(r));
    await e._killWorkerForTests();
    await rejectsUnavailable(big, 'crashed');
    assert.equal(e.state, 'idle');
    const [again] = await e.embed(['hello world'], 'passage');
    assert.deepEqual(again, before);
    assert.equal(e.state, 'ready');
  });

  test('the worker is unloaded after idleUnloadMs and reloaded on the next call', async () => {
    const e = tiny({ idleUnloadMs: 150 });
    const states: EmbedderState[] = [];
    e.onStateChange((s) => states.push(s));
    const [a] = await e.embed(['hello world'], 'passage');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(e.state, 'ready', 'not unloaded before the idle time');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(e.state, 'idle');
    const [b] = await e.embed(['hello world'], 'passage');
    assert.deepEqual(a, b);
    assert.deepEqual(states, ['loading', 'ready', 'idle', 'loading', 'ready']);
  });

  test('requests made while loading are queued and served', async () => {
    const e = tiny({ batchSize: 2 });
    const [x, y, z] = await Promise.all([e.embed(['a b c'], 'passage'), e.info(), e.embed(texts(5), 'passage')]);
    assert.equal(x.length, 1);
    assert.equal(y.dim, 64);
    assert.equal(z.length, 5);
  });

  test('dispose rejects pending requests and every later call; it is idempotent', async () => {
    const e = tiny();
    await e.embed(['warm up'], 'passage');
    const pending = rejectsUnavailable(e.embed(texts(500), 'passage'), 'disposed');
    await e.dispose();
    await pending;
    await rejectsUnavailable(e.embed(['x'], 'query'), 'disposed');
    await rejectsUnavailable(e.info(), 'disposed');
    assert.equal(e.state, 'disposed');
    await e.dispose();
  });

  test('dispose while the model is running never takes the process down with it', () => {
    // Worker.terminate() while onnxruntime-node is inside a native call can abort the whole process
    // (SIGABRT from Napi::Error past the C++ boundary; seen in 6 of 6 runs of a 30-cycle loop on this
    // machine once, timing-dependent since). In VS Code that process is the extension host.
    const script = `
      const { Embedder } = require(${JSON.stringify(path.resolve(__dirname, '../../src/embed/embedder.ts'))});
      const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa'.split(' ');
      const many = Array.from({ length: 400 }, (_, i) => words.slice(i % 5).join(' ') + ' ' + i);
      (async () => {
        for (let i = 0; i < 12; i++) {
          const e = new Embedder({ modelId: 'tiny-bert', cacheDir: ${JSON.stringify(path.join(tmp, 'cache'))},
            localModelPath: ${JSON.stringify(MODELS)}, allowRemote: false, batchSize: 64 });
          if (i % 2) await e.embed(['warm'], 'passage'); // odd: mid-run; even: mid-load
          const busy = e.embed(many, 'passage').catch(() => undefined);
          await new Promise((r) => setTimeout(r, i % 4));
          await e.dispose();
          await busy;
        }
        console.log('survived');
      })();`;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.signal, null, `the process died: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /survived/);
  });

  test('an idle, undisposed embedder does not keep a process (e.g. the CLI) alive', () => {
    const script = `
      const { Embedder } = require(${JSON.stringify(path.resolve(__dirname, '../../src/embed/embedder.ts'))});
      const e = new Embedder({ modelId: 'tiny-bert', cacheDir: ${JSON.stringify(path.join(tmp, 'cache'))},
        localModelPath: ${JSON.stringify(MODELS)}, allowRemote: false });
      e.embed(['hello world'], 'query').then((v) => console.log('dim', v[0].length));`;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.signal, null, 'process had to be killed: the worker kept it alive');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /dim 64/);
  });
});
