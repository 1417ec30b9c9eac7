/**
 * Vectors and hybrid recall on every mode, through the real embedder (transformers.js in a worker)
 * on the tiny offline test models (64-d and 32-d, random weights: semantically weak, but real).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Embedder } from '../../src/embed/embedder';
import { fuse } from '../../src/store';
import { forEachMode, tmpDir } from './modes';

const MODELS = path.resolve(__dirname, '..', 'fixtures', 'models');
let e64: Embedder;
let e32: Embedder;
before(async () => {
  const cache = tmpDir('mnemos-embcache-');
  e64 = new Embedder({ modelId: 'tiny-bert', cacheDir: cache, localModelPath: MODELS, allowRemote: false });
  e32 = new Embedder({ modelId: 'tiny-bert-32', cacheDir: cache, localModelPath: MODELS, allowRemote: false });
  await Promise.all([e64.info(), e32.info()]);
});
after(async () => {
  await e64?.dispose();
  await e32?.dispose();
});

const notes = [
  ['decisions', 'We chose libSQL because replicas let each laptop read locally'],
  ['errors-resolved', 'The WAL file grew without bound until idle readers were closed'],
  ['preferences', 'Always run the formatter before committing'],
  ['conventions', 'Test names describe the behaviour they pin down'],
  ['decisions', 'The sidebar uses a webview so memories can be searched as you type'],
];

test('fusion: a stronger keyword match never scores lower than a weaker one at equal similarity', () => {
  for (const fusion of ['weighted', 'rrf'] as const) {
    const f = fuse(
      [
        { id: 'strong', score: 9, fullMatch: true },
        { id: 'weak', score: 2, fullMatch: true },
        { id: 'partial', score: 20, fullMatch: false },
      ],
      [
        { id: 'weak', similarity: 0.5 },
        { id: 'strong', similarity: 0.5 },
        { id: 'partial', similarity: 0.5 },
      ],
      fusion,
    );
    const score = (id: string) => f.find((x) => x.id === id)!.score;
    assert.ok(score('strong') >= score('weak'), fusion);
    assert.ok(score('weak') >= score('partial'), `${fusion}: a full match outranks a partial one`);
  }
  // ICM's arm inverted this: 1/(1+|bm25|) gives the strongest match the lowest score.
  const icm = (bm25: number) => 1 / (1 + Math.abs(bm25));
  assert.ok(icm(-9) < icm(-2));
});

forEachMode('semantic', (ctx) => {
  test('without an embedder recall is keyword-only and says so', async () => {
    const s = await ctx.fresh();
    await s.store({ topic: 't', summary: 'hello world' });
    const r = await s.recall('hello');
    assert.equal(r.mode, 'keyword');
    assert.match(r.note!, /embeddings are off/);
  });

  test('stored memories get vectors with model and dimension; hybrid recall finds them', async () => {
    const s = await ctx.fresh();
    s.setEmbedder(e64, { nearDuplicate: false });
    for (const [topic, summary] of notes) await s.store({ topic, summary });
    await s.flushEmbeddings();
    const rows = await s.sql(`SELECT model, dim, length(vec) AS bytes FROM mnemos_vectors`);
    assert.equal(rows.length, notes.length);
    assert.ok(rows.every((r) => r.model === 'tiny-bert' && Number(r.dim) === 64 && Number(r.bytes) === 256));
    const r = await s.recall('webview sidebar');
    assert.equal(r.mode, 'hybrid');
    assert.match(r.items[0].memory.summary, /sidebar uses a webview/);
    assert.ok(r.items[0].similarity !== undefined);
    // A purely semantic query with no shared word still returns ranked memories (the vector arm).
    const sem = await s.recall('zzzz qqqq', { limit: 3 });
    assert.equal(sem.mode, 'hybrid');
    assert.equal(sem.items.length, 3);
  });

  test('hybrid filters apply before the limit', async () => {
    const s = await ctx.fresh();
    s.setEmbedder(e64, { nearDuplicate: false });
    await s.storeMany(
      Array.from({ length: 40 }, (_, i) => ({ topic: 'noise', summary: `cache entry ${i} about caching` })),
    );
    await s.storeMany(
      Array.from({ length: 4 }, (_, i) => ({
        topic: 'wanted',
        summary: `unrelated words ${i}`,
        importance: 'high' as const,
      })),
    );
    await s.flushEmbeddings();
    const r = await s.recall('cache', { topic: 'wanted', limit: 4 });
    assert.equal(r.mode, 'hybrid');
    assert.equal(r.items.length, 4);
    assert.ok(r.items.every((i) => i.memory.topic === 'wanted'));
    const hi = await s.recall('cache', { importance: 'high', limit: 10 });
    assert.equal(hi.items.length, 4);
  });

  test('exactTopic reads a topic ending in * literally, in the keyword and the vector arm', async () => {
    const s = await ctx.fresh();
    await s.storeMany([
      { topic: 'notes*', summary: 'starred topic kept literally' },
      { topic: 'notes-a', summary: 'starred topic under a prefix' },
      { topic: 'notes-b', summary: 'another note under the prefix' },
    ]);
    const topics = (r: { items: { memory: { topic: string } }[] }) => r.items.map((i) => i.memory.topic).sort();
    const literal = { topic: 'notes*', exactTopic: true, bumpAccess: false };
    const keywordOnly = await s.recall('starred', literal);
    assert.equal(keywordOnly.mode, 'keyword');
    assert.deepEqual(topics(keywordOnly), ['notes*']);
    s.setEmbedder(e64, { nearDuplicate: false });
    await s.embedMissing();
    // Words no memory holds: every hit comes from the vector arm.
    for (const q of ['starred', 'zzzz qqqq']) {
      const r = await s.recall(q, { ...literal, limit: 10 });
      assert.equal(r.mode, 'hybrid');
      assert.deepEqual(topics(r), ['notes*'], q);
      const prefixed = await s.recall(q, { topic: 'notes*', limit: 10, bumpAccess: false });
      assert.deepEqual(topics(prefixed), ['notes*', 'notes-a', 'notes-b'], `${q}: otherwise notes* is a prefix`);
    }
  });

  test('editing a memory re-embeds it; deleting it removes its vector', async () => {
    const s = await ctx.fresh();
    s.setEmbedder(e64, { nearDuplicate: false });
    const { id } = await s.store({ topic: 't', summary: 'first text' });
    await s.flushEmbeddings();
    const v1 = (await s.sql(`SELECT hex(vec) AS h FROM mnemos_vectors WHERE memory_id = ?`, [id]))[0].h;
    await s.update(id, { summary: 'completely different words now' });
    await s.flushEmbeddings();
    const v2 = await s.sql(`SELECT hex(vec) AS h FROM mnemos_vectors WHERE memory_id = ?`, [id]);
    assert.equal(v2.length, 1);
    assert.notEqual(v2[0].h, v1);
    await s.forget(id);
    assert.equal((await s.sql(`SELECT COUNT(*) AS n FROM mnemos_vectors`))[0].n, 0);
  });

  test('backfill embeds what is missing, in batches, resumable and cancellable', async () => {
    const s = await ctx.fresh();
    await s.storeMany(
      Array.from({ length: 70 }, (_, i) => ({ topic: `t${i % 3}`, summary: `memory without a vector ${i}` })),
    );
    s.setEmbedder(e64, { nearDuplicate: false });
    assert.deepEqual(await s.embeddingCoverage(), { model: 'tiny-bert', embedded: 0, total: 70 });
    const ac = new AbortController();
    const seen: number[] = [];
    const first = await s.embedMissing({
      batchSize: 16,
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p.done);
        if (p.done >= 32) ac.abort();
      },
    });
    assert.equal(first.done, 32);
    assert.equal(first.total, 70);
    assert.deepEqual(seen, [0, 16, 32]);
    const rest = await s.embedMissing({ batchSize: 16 });
    assert.deepEqual([rest.done, rest.total, rest.errors], [38, 38, 0]);
    assert.deepEqual(await s.embeddingCoverage(), { model: 'tiny-bert', embedded: 70, total: 70 });
    const t1 = await s.embedMissing({ topic: 't1', force: true });
    assert.equal(t1.done, 23);
  });

  test('a model with another dimension never mixes vectors and never loses memories', async () => {
    const s = await ctx.fresh();
    s.setEmbedder(e64, { nearDuplicate: false });
    for (const [topic, summary] of notes) await s.store({ topic, summary });
    await s.flushEmbeddings();
    s.setEmbedder(e32, { nearDuplicate: false });
    assert.deepEqual(await s.embeddingCoverage(), { model: 'tiny-bert-32', embedded: 0, total: notes.length });
    const before = await s.recall('libSQL replicas');
    assert.equal(before.mode, 'hybrid');
    assert.ok(
      before.items.every((i) => i.similarity === undefined),
      'no 64-d vector is compared with a 32-d query',
    );
    await s.embedMissing();
    const r = await s.recall('libSQL replicas');
    assert.ok(r.items.some((i) => i.similarity !== undefined));
    const dims = await s.sql(`SELECT model, dim, COUNT(*) AS n FROM mnemos_vectors GROUP BY model, dim ORDER BY model`);
    assert.deepEqual(
      dims.map((d) => [d.model, Number(d.dim), Number(d.n)]),
      [
        ['tiny-bert', 64, notes.length],
        ['tiny-bert-32', 32, notes.length],
      ],
    );
    assert.equal(await s.count(), notes.length);
  });

  test('a near duplicate in the same topic updates the existing memory without downgrading importance', async () => {
    const s = await ctx.fresh();
    s.setEmbedder(e64, { nearDuplicate: 0.95 });
    const a = await s.store({
      topic: 'prefs',
      summary: 'Always run the formatter before committing code',
      importance: 'critical',
      keywords: ['fmt'],
    });
    await s.flushEmbeddings();
    const b = await s.store({
      topic: 'prefs',
      summary: 'Always run the formatter before committing code!',
      importance: 'low',
      keywords: ['git'],
    });
    assert.equal(b.id, a.id);
    assert.equal(b.action, 'merged');
    assert.ok(b.similarity! >= 0.95);
    const m = (await s.get(a.id))!;
    assert.equal(m.importance, 'critical');
    assert.deepEqual(m.keywords, ['fmt', 'git']);
    assert.equal(await s.count(), 1);
    const c = await s.store({ topic: 'other', summary: 'Always run the formatter before committing code!' });
    assert.notEqual(c.id, a.id, 'another topic is never merged');
  });
});

forEachMode(
  'semantic engines',
  (ctx) => {
    test('the in-process index and libSQL vector_distance_cos rank the same memories', async () => {
      const s = await ctx.fresh();
      s.setEmbedder(e64, { nearDuplicate: false, vectorEngine: 'memory' });
      await s.storeMany(
        Array.from({ length: 60 }, (_, i) => ({
          topic: `t${i % 4}`,
          summary: `note ${i}: ${notes[i % notes.length][1]} ${i * 7}`,
        })),
      );
      await s.flushEmbeddings();
      const viaMemory = await s.recall('replicas read locally', { limit: 8, bumpAccess: false });
      s.setEmbedder(e64, { nearDuplicate: false, vectorEngine: 'sql' });
      const viaSql = await s.recall('replicas read locally', { limit: 8, bumpAccess: false });
      assert.deepEqual(
        viaSql.items.map((i) => i.memory.id),
        viaMemory.items.map((i) => i.memory.id),
      );
      for (const [i, it] of viaSql.items.entries())
        assert.ok(Math.abs((it.similarity ?? 0) - (viaMemory.items[i].similarity ?? 0)) < 1e-4);
    });
  },
  ['local', 'sqld'],
);

test('a model unloaded while idle is reloaded for the next recall instead of answering keyword-only', async () => {
  const { openStore } = await import('../../src/store');
  const s = await openStore({ mode: 'local', path: ':memory:' });
  const e = new Embedder({
    modelId: 'tiny-bert',
    cacheDir: tmpDir('mnemos-embcache-'),
    localModelPath: MODELS,
    allowRemote: false,
    idleUnloadMs: 200,
  });
  try {
    s.setEmbedder(e, { waitForModel: false, nearDuplicate: false });
    await s.store({ topic: 't', summary: 'idle reload' });
    assert.equal((await s.recall('idle')).mode, 'keyword', 'first call: the model starts loading in the background');
    await e.info();
    assert.equal((await s.recall('idle')).mode, 'hybrid');
    const deadline = Date.now() + 5000;
    while (e.state !== 'idle' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(e.state, 'idle', 'the worker unloaded after 200 ms idle');
    assert.equal((await s.recall('idle')).mode, 'hybrid');
  } finally {
    await s.close();
    await e.dispose();
  }
});
