// The recall set and its harness: the committed dataset is exactly what the generator makes, its labels
// hold, the fusions order what they claim to, and the harness runs end to end on a real store with the
// real (tiny) embedder.   node --import tsx --test bench/recall/recall-eval.test.ts
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  firstHitRank,
  fuseIcm,
  fuseRrf,
  fuseWeightedMinMax,
  type KeywordHit,
  metrics,
  pairedMrr,
  topKCosine,
  type VectorHit,
} from './fusion';
import { DATASET_PATH, type Dataset, generate, serialise, validate } from './make-dataset';
import { main } from './eval';
import { generateWordForms, serialiseWordForms, WORDFORMS_PATH, type WordFormSet } from './make-wordforms';
import { findAiDevkit, startAiDevkit } from './peer-ai-devkit';

const committed = () => JSON.parse(fs.readFileSync(DATASET_PATH, 'utf8')) as Dataset;

describe('recall dataset', () => {
  test('dataset.json is byte for byte what make-dataset.ts generates from its seed', () => {
    assert.equal(
      fs.readFileSync(DATASET_PATH, 'utf8'),
      serialise(generate()),
      'rerun: node --import tsx bench/recall/make-dataset.ts',
    );
  });

  test('has at least 2,000 memories, 200 queries of each kind mix, answers that exist, and stays under 2 MB', () => {
    const d = committed();
    assert.ok(d.memories.length >= 2000, `${d.memories.length} memories`);
    assert.ok(d.queries.length >= 200, `${d.queries.length} queries`);
    for (const kind of ['keyword', 'paraphrase', 'mixed'])
      assert.ok(d.queries.filter((q) => q.kind === kind).length >= 60, kind);
    const ids = new Set(d.memories.map((m) => m.id));
    for (const q of d.queries) {
      assert.ok(q.answers.length >= 1 && q.answers.length <= 3, q.id);
      for (const a of q.answers) assert.ok(ids.has(a), `${q.id} -> ${a}`);
    }
    assert.ok(fs.statSync(DATASET_PATH).size < 2 * 1024 * 1024);
    assert.ok(new Set(d.memories.map((m) => m.topic)).size >= 35);
  });

  test('a paraphrase query that shares a rare identifier with its answer is rejected', () => {
    const d = committed();
    const m = d.memories.find((x) => x.summary.includes('MaxListenersExceededWarning'))!;
    const bad = {
      id: 'qbad',
      kind: 'paraphrase' as const,
      text: 'why the MaxListenersExceededWarning',
      answers: [m.id],
      type: 'error' as const,
    };
    assert.throws(() => validate(d.memories, [...d.queries, bad]), /qbad \(paraphrase\) shares rare word/);
    assert.throws(() => validate(d.memories, [{ ...bad, answers: ['m9999'] }]), /answer m9999 does not exist/);
  });
});

describe('fusion', () => {
  // Two keyword candidates: A matches strongly (−bm25 = 12), B weakly (2); equal cosine.
  const kw: KeywordHit[] = [
    { id: 'A', score: 12, fullMatch: true },
    { id: 'B', score: 2, fullMatch: true },
  ];
  const vec: VectorHit[] = [
    { id: 'B', similarity: 0.5 },
    { id: 'A', similarity: 0.5 },
  ];

  test("ICM's 1/(1+|bm25|) ranks the stronger keyword match below the weaker one", () => {
    assert.deepEqual(fuseIcm(kw, vec), ['B', 'A']);
  });

  test('min-max weighted fusion and RRF keep the stronger keyword match first', () => {
    assert.deepEqual(fuseWeightedMinMax(kw, vec), ['A', 'B']);
    assert.deepEqual(
      fuseRrf(kw, [
        { id: 'A', similarity: 0.5 },
        { id: 'B', similarity: 0.5 },
      ]),
      ['A', 'B'],
    );
  });

  test('RRF scores by rank: first in one arm and absent in the other loses to third in both', () => {
    const k: KeywordHit[] = ['X', 'Y', 'Z'].map((id, i) => ({ id, score: 10 - i, fullMatch: true }));
    const v: VectorHit[] = ['W', 'V', 'Z'].map((id, i) => ({ id, similarity: 0.9 - i / 10 }));
    assert.equal(fuseRrf(k, v)[0], 'Z');
  });

  test('topKCosine returns the k most similar in order', () => {
    const vs = [
      [1, 0],
      [0, 1],
      [0.8, 0.6],
    ].map((x) => Float32Array.from(x));
    assert.deepEqual(
      topKCosine(Float32Array.from([1, 0]), ['a', 'b', 'c'], vs, 2).map((h) => h.id),
      ['a', 'c'],
    );
  });

  test('hit@1, hit@5 and MRR@10 from first-hit ranks; ranks past 10 count as misses', () => {
    assert.equal(firstHitRank(['x', 'y', 'z'], new Set(['z', 'y'])), 2);
    assert.equal(
      firstHitRank(
        Array.from({ length: 12 }, (_, i) => String(i)),
        new Set(['11']),
      ),
      0,
    );
    const m = metrics([1, 3, 0, 10]);
    assert.deepEqual({ hit1: m.hit1, hit5: m.hit5 }, { hit1: 0.25, hit5: 0.5 });
    assert.ok(Math.abs(m.mrr10 - (1 + 1 / 3 + 0 + 0.1) / 4) < 1e-12);
    const p = pairedMrr([1, 1, 2], [2, 1, 0]);
    assert.deepEqual([p.wins, p.losses, p.ties], [2, 0, 1]);
    assert.ok(p.lo <= p.diff && p.diff <= p.hi);
  });
});

describe('harness', () => {
  test('keyword-only run on a fresh store: both query sets, every keyword-kind answer found, word forms help on the variant', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-recall-test-')), 'r.json');
    const log = console.log;
    console.log = () => undefined;
    try {
      await main(['--no-embed', '--queries', '60', '--methods', 'keyword,kw-before', '--out', out]);
    } finally {
      console.log = log;
    }
    const r = JSON.parse(fs.readFileSync(out, 'utf8'));
    const base = r.sets.base.methods,
      wf = r.sets.wordforms.methods;
    assert.deepEqual(
      base.map((m: { name: string }) => m.name),
      ['keyword', 'kw-before'],
    );
    assert.equal(r.model, null);
    const kw = base[0].metrics.keyword;
    assert.ok(kw.n > 0);
    assert.ok(kw.hit5 > 0.9, `keyword-kind hit@5 ${kw.hit5}`);
    assert.ok(base[0].metrics.paraphrase.mrr10 < kw.mrr10);
    assert.ok(r.wordforms.queries > 20, 'the variant has the changed queries among the first 60');
    assert.ok(
      wf[0].metrics.all.mrr10 > wf[1].metrics.all.mrr10,
      `word forms ${wf[0].metrics.all.mrr10} vs before ${wf[1].metrics.all.mrr10}`,
    );
  });

  test(
    "with the tiny model the store's hybrid recall answers in hybrid mode and agrees with the reference RRF on most queries",
    { timeout: 120_000 },
    async () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-recall-test-')), 'r.json');
      const log = console.log;
      console.log = () => undefined;
      try {
        await main(['--queries', '30', '--methods', 'rrf,store-rrf,icm-exact', '--out', out]);
      } finally {
        console.log = log;
      }
      const r = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.equal(r.model.modelId, 'tiny-bert');
      assert.equal(r.model.dim, 64);
      const methods = r.sets.base.methods;
      assert.deepEqual(
        methods.map((m: { name: string }) => m.name),
        ['rrf', 'icm-exact', 'store-rrf'],
      );
      for (const m of methods) assert.equal(m.metrics.all.n, 30);
      // The store multiplies by 0.9 + 0.1 × weight; after its first automatic decay weights differ by importance,
      // which reorders near-ties, so the two agree on most queries but not necessarily all.
      const a: number[] = r.sets.base.perQuery.firstHitRank.rrf,
        b: number[] = r.sets.base.perQuery.firstHitRank['store-rrf'];
      assert.ok(a.filter((x, i) => x === b[i]).length >= 20);
    },
  );
});

describe('word-form variant', () => {
  test('wordforms.json is byte for byte what make-wordforms.ts generates', () => {
    assert.equal(
      fs.readFileSync(WORDFORMS_PATH, 'utf8'),
      serialiseWordForms(generateWordForms(committed())),
      'rerun: node --import tsx bench/recall/make-wordforms.ts',
    );
  });

  test('each variant query is its base query with the listed words replaced by other forms found in the set', () => {
    const d = committed();
    const wf = JSON.parse(fs.readFileSync(WORDFORMS_PATH, 'utf8')) as WordFormSet;
    const byId = new Map(d.queries.map((q) => [q.id, q]));
    assert.ok(wf.queries.length >= 500);
    for (const q of wf.queries) {
      const b = byId.get(q.from)!;
      assert.deepEqual([q.kind, q.answers, q.type], [b.kind, b.answers, b.type]);
      assert.notEqual(q.text, b.text);
      // One pass, left to right, as the generator rewrites: each change is the next word it replaced.
      const pending = q.changes.map((c) => c.split('>'));
      for (const [from, to] of pending) assert.ok(from !== to && /^[a-z]+$/.test(to), `${q.id}: ${from}>${to}`);
      const text = b.text.replace(/(?<![\w\-./`'])[a-z]{3,}(?![\w\-./`'])/g, (w) =>
        pending[0]?.[0] === w ? pending.shift()![1] : w,
      );
      assert.equal(pending.length, 0, `${q.id}: every change applies`);
      assert.equal(text, q.text, q.id);
    }
  });
});

describe('@ai-devkit/memory baseline', () => {
  const dir = findAiDevkit();
  test(
    'its stdio server stores memories in its own fields and answers a keyword query',
    { skip: dir ? false : 'not installed (see bench/recall/peer-ai-devkit.ts)', timeout: 60_000 },
    async () => {
      const d = committed();
      const ms = d.memories.slice(0, 40);
      const peer = await startAiDevkit(ms, dir!);
      try {
        const target = ms.find((m) => m.keywords.some((k) => /^[A-Za-z]{6,}$/.test(k)))!;
        const word = target.keywords.find((k) => /^[A-Za-z]{6,}$/.test(k))!;
        const got = await peer.search(`${word} ${target.summary.split(/\s+/).slice(0, 3).join(' ')}`, 5);
        assert.ok(got.includes(target.id), `${word}: ${got.join(', ')}`);
        assert.ok(got.every((id) => /^m\d{4}$/.test(id)));
      } finally {
        await peer.close();
      }
    },
  );
});
