/**
 * Keyword recall's ranking (src/store/keyword.ts) against the plain reference it replaces: every-term
 * matches by BM25, then `a OR b OR …` by BM25. The statement scores far fewer rows; these tests pin
 * that what it returns is scored and ordered exactly as the reference would, and that the only rows
 * it may leave out contain a single query term that is no rarer than the rarest term.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { generateCorpus, queryWorkload } from '../../bench/lib/corpus';
import { buildFtsQuery, type MnemosStore, type NewMemory, openStore } from '../../src/store';
import { wordFormTuning } from '../../src/store/fts';
import { anyPair, keywordTuning } from '../../src/store/keyword';
import { startSqld } from '../helpers/sqld';
import { forEachMode, tmpDir } from './modes';

const N = 4000;
const LIMIT = 10;

/** FTS5's BM25 (as a score: higher is better) of the given memories for a MATCH expression. */
async function bm25Of(s: MnemosStore, match: string, ids: string[]): Promise<Map<string, number>> {
  const rows = await s.sql(
    `SELECT m.id AS id, bm25(memories_fts) AS r FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid WHERE memories_fts MATCH ? AND m.id IN (SELECT value FROM json_each(?))`,
    [match, JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [String(r.id), -Number(r.r)]));
}

test('anyPair: one AND group per pair of phrases', () => {
  assert.equal(anyPair(['"a"', '"b"', '"c"']), '("a" AND "b") OR ("a" AND "c") OR ("b" AND "c")');
  assert.equal(anyPair(['"a"', '("b"* OR "c")']), '("a" AND ("b"* OR "c"))');
});

forEachMode(
  'keyword recall: tiered statement against the plain BM25 reference',
  (ctx) => {
    let s: MnemosStore;
    const corpus = generateCorpus(N, 99);
    // The arms against the exact-form reference over the whole table: word forms and the newest-matches
    // window off here (both are pinned below).
    const saved = { ...wordFormTuning };
    const savedWindow = keywordTuning.window;
    after(() => {
      Object.assign(wordFormTuning, saved);
      keywordTuning.window = savedWindow;
    });
    before(async () => {
      Object.assign(wordFormTuning, { forms: 'off' });
      keywordTuning.window = 0;
      s = await ctx.fresh();
      for (let i = 0; i < corpus.length; i += 1000) await s.storeMany(corpus.slice(i, i + 1000));
    });

    /** The plain two-arm recall, scored by FTS5 over the whole table. */
    async function reference(query: string, fillTo: number) {
      const q = buildFtsQuery(query)!;
      const arm = (match: string, lim: number) =>
        s.sql(
          `SELECT m.id AS id, bm25(memories_fts) AS r FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid WHERE memories_fts MATCH ? ORDER BY r LIMIT ?`,
          [match, lim],
        );
      const all = await arm(q.all, LIMIT);
      const some = all.length < fillTo && q.terms.length > 1 ? await arm(q.any, LIMIT * 2) : [];
      const seen = new Set<string>();
      return [...all, ...some]
        .filter((r) => !seen.has(String(r.id)) && seen.add(String(r.id)))
        .slice(0, LIMIT)
        .map((r) => ({ id: String(r.id), score: -Number(r.r) }));
    }
    const orScore = (query: string, ids: string[]) => bm25Of(s, buildFtsQuery(query)!.any, ids);
    const df = async (phrase: string) =>
      Number((await s.sql(`SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH ?`, [phrase]))[0].n);

    for (const fillTo of [1, LIMIT])
      test(`fillTo ${fillTo}: partial matches carry their exact BM25, in order, and only single common-term rows are ever left out`, async () => {
        const queries = queryWorkload(corpus, 120, 5)
          .map((w) => w.query)
          .filter((q) => (buildFtsQuery(q)?.terms.length ?? 0) >= 2);
        // Queries no memory answers fully: words of two memories plus one found nowhere (2–4 terms).
        const words = (i: number) => corpus[i].summary.split(/[^A-Za-z]+/).filter((w) => w.length > 3);
        for (let i = 0; i < 40; i++) {
          const [a, b] = [words((i * 37) % N), words((i * 91 + 5) % N)];
          queries.push(
            [
              a[i % a.length],
              ...(i % 3 ? [b[i % b.length]] : []),
              ...(i % 4 === 0 ? [b[0]] : []),
              `zzq${i}nowhere`,
            ].join(' '),
          );
        }
        // A few long ones too, beyond the pair arm's reach.
        queries.push(
          'retry timeout cache session token config index queue',
          'user session fixed error database migration kafka redis postgres',
        );
        let partialQueries = 0;
        let leftOut = 0;
        for (const query of queries) {
          const got = await s.recallKeyword(query, { limit: LIMIT, fillTo, bumpAccess: false });
          const ref = await reference(query, fillTo);
          const terms = buildFtsQuery(query)!.phrases;
          // Ordered: every-term matches first, then by score.
          for (let i = 1; i < got.length; i++) {
            const [a, b] = [got[i - 1], got[i]];
            assert.ok(
              Number(a.fullMatch) > Number(b.fullMatch) || (a.fullMatch === b.fullMatch && a.score >= b.score - 1e-9),
              `${query}: order at ${i}`,
            );
          }
          if (got.every((g) => g.fullMatch)) {
            assert.deepEqual(
              got.map((g) => g.memory.id),
              ref.map((r) => r.id),
              `${query}: every-term matches are the reference's`,
            );
            continue;
          }
          partialQueries++;
          // Up to 3 terms, scores are the reference BM25 of `a OR b OR c`; from 4 terms a partial match
          // scores its rare terms only, never more than the reference.
          const exact = await orScore(
            query,
            got.map((g) => g.memory.id),
          );
          for (const g of got) {
            const e = exact.get(g.memory.id)!;
            if (terms.length <= 3)
              assert.ok(
                Math.abs(e - g.score) < 1e-6,
                `${query}: ${g.memory.summary} scored ${g.score}, reference ${e}`,
              );
            else
              assert.ok(
                g.fullMatch ? Math.abs(e - g.score) < 1e-6 : g.score <= e + 1e-6,
                `${query}: ${g.memory.summary} scored ${g.score} > reference ${e}`,
              );
          }
          // What the reference has and we lack: rows containing one query term, no rarer than the rarest.
          const ours = new Set(got.map((g) => g.memory.id));
          const dfs = await Promise.all(terms.map(df));
          const rarest = Math.min(...dfs);
          for (const r of ref.filter((x) => !ours.has(x.id))) {
            const has = await Promise.all(
              terms.map(
                async (t) =>
                  (
                    await s.sql(
                      `SELECT 1 FROM memories_fts f JOIN memories m ON m.rowid = f.rowid WHERE memories_fts MATCH ? AND m.id = ?`,
                      [t, r.id],
                    )
                  ).length > 0,
              ),
            );
            const hit = terms.filter((_, i) => has[i]);
            if (terms.length > 3) continue; // from 4 terms, a row's common terms do not count
            assert.equal(hit.length, 1, `${query}: a left-out row has one term (${hit.join(', ')})`);
            assert.ok(
              Math.min(...terms.map((t, i) => (has[i] ? dfs[i] : Infinity))) >= rarest,
              `${query}: a left-out row's term is not rarer than the rarest`,
            );
            leftOut++;
          }
          assert.ok(
            got.length >= Math.min(LIMIT, ref.length),
            `${query}: the answer is as full as the reference's (${got.length} < ${ref.length})`,
          );
        }
        assert.ok(
          partialQueries >= (fillTo === 1 ? 8 : 20),
          `the workload exercises partial matches (${partialQueries})`,
        );
        // Recorded for the notes; most queries lose nothing.
        console.log(
          `# ${ctx.mode}, fillTo ${fillTo}: ${queries.length} multi-term queries, ${partialQueries} with partial matches, ${leftOut} reference rows left out`,
        );
      });

    test('filters apply in every arm before the limit', async () => {
      // Three words of one memory plus one that is nowhere: no full match, so every partial arm runs.
      const m = corpus.find((c) => c.importance === 'high')!;
      const words = m.summary
        .split(/[^A-Za-z]+/)
        .filter((w) => w.length > 3)
        .slice(0, 3);
      const query = `${words.join(' ')} zzqxnowhere`;
      const got = await s.recallKeyword(query, { limit: LIMIT, topic: m.topic, bumpAccess: false });
      assert.ok(got.every((g) => !g.fullMatch));
      assert.equal(got.length, LIMIT, query);
      for (const g of got) assert.equal(g.memory.topic, m.topic);
      const high = await s.recallKeyword(query, { limit: LIMIT, importance: 'high', bumpAccess: false });
      assert.equal(high.length, LIMIT);
      for (const g of high) assert.equal(g.memory.importance, 'high');
      const both = await s.recallKeyword(query, {
        limit: LIMIT,
        topic: m.topic,
        importance: 'high',
        bumpAccess: false,
      });
      assert.ok(
        both.some((g) => g.memory.summary === m.summary),
        'the memory itself is found',
      );
      for (const g of both) assert.ok(g.memory.topic === m.topic && g.memory.importance === 'high');
    });
    test('with no full match, a memory with one rare identifier outranks memories with two common words, as BM25 says', async () => {
      const t = await ctx.fresh(); // closes s: runs last
      const filler: NewMemory[] = [];
      for (let i = 0; i < 300; i++)
        filler.push({
          topic: 'filler',
          summary: `note ${i}: the user session expired and the token cache was cleared`,
          importance: 'low',
        });
      await t.storeMany(filler);
      const { id } = await t.store({
        topic: 'errors',
        summary: 'ZX_GRANITE_LOCK_TIMEOUT raised by the billing job',
        importance: 'high',
      });
      const got = await t.recallKeyword('user session ZX_GRANITE_LOCK_TIMEOUT', { limit: 5, bumpAccess: false });
      assert.equal(got[0].memory.id, id);
      assert.equal(got[0].fullMatch, false);
      assert.equal(got.length, 5);
    });
  },
  ['local', 'sqld'],
);

forEachMode(
  'keyword recall: word forms',
  (ctx) => {
    let s: MnemosStore;
    const ids: Record<string, string> = {};
    before(async () => {
      s = await ctx.fresh();
      const mem: [string, string, string][] = [
        ['imports', 'decisions-billing-api', 'billing-api imports the ledger client lazily to keep cold starts short'],
        ['stored', 'context-billing-api', 'billing-api stored sessions in Redis until the 2025 migration'],
        ['clients', 'context-web-dashboard', 'web-dashboard clients retry twice with exponential backoff'],
        ['slated', 'decisions-web-dashboard', 'The charts rewrite is slated for the spring release of web-dashboard'],
        ['exact-other', 'notes', 'storing keys in the repo is forbidden by policy'],
        ['project-only', 'context-billing-api', 'billing-api runbook owner is Mei'],
        ['important', 'notes', 'an important note about billing-api pagers'],
      ];
      for (const [k, topic, summary] of mem) ids[k] = (await s.store({ topic, summary })).id;
      for (let i = 0; i < 40; i++)
        await s.store({ topic: 'filler', summary: `filler note ${i} about billing-api and web-dashboard` });
    });
    const first = async (q: string, opts = {}) =>
      (await s.recallKeyword(q, { bumpAccess: false, ...opts }))[0]?.memory.id;

    test('a query word finds the memory that has it in another form, as a full match', async () => {
      assert.equal(await first('billing-api import ledger'), ids.imports);
      assert.equal(await first('billing-api storing sessions'), ids.stored);
      assert.equal(await first('web-dashboard client retries'), ids.clients);
      assert.equal(await first('charts rewrite slating'), ids.slated);
      const hit = (await s.recallKeyword('billing-api storing sessions', { bumpAccess: false }))[0];
      assert.equal(hit.fullMatch, true, 'every word is there, in some form');
    });
    test('the memory with every word in some form outranks one with the exact form of a single word, or the project name', async () => {
      const got = (await s.recallKeyword('storing sessions billing-api', { bumpAccess: false })).map(
        (h) => h.memory.id,
      );
      assert.equal(got[0], ids.stored);
      assert.ok(!got.includes(ids['exact-other']) || got.indexOf(ids['exact-other']) > 0);
    });
    test('search as you type: the last word is a prefix, widened to its stem', async () => {
      assert.equal(await first('billing-api stori', { prefix: true }), ids.stored);
      assert.equal(await first('web-dashboard clie', { prefix: true }), ids.clients);
      assert.equal(await first('charts rewrite slat', { prefix: true }), ids.slated);
    });
    test('filters and the exact form still work with word forms on', async () => {
      assert.equal(await first('imports', { topic: 'decisions-billing-api' }), ids.imports);
      assert.equal(
        (await s.recallKeyword('storing', { topic: 'notes', bumpAccess: false }))[0]?.memory.id,
        ids['exact-other'],
      );
    });
  },
  ['local', 'sqld'],
);

forEachMode(
  'keyword recall: a word most memories hold is ranked among its newest matches',
  (ctx) => {
    const W = 8;
    let s: MnemosStore;
    const saved = { ...keywordTuning };
    /** Ids in store order, oldest first. */
    const ids: string[] = [];
    let oldWidgetFix = '';
    before(async () => {
      // A window of 8 from a store of 0 memories: every store here is large.
      Object.assign(keywordTuning, { window: W, windowFrom: 0 });
      s = await ctx.fresh();
      // The oldest is the best BM25 match (short, the word twice); 19 newer, longer ones follow, some in
      // another topic; "zebra" is in three memories only.
      const first = await s.store({ topic: 'ui', summary: 'widget widget fix', importance: 'high' });
      ids.push(first.id);
      oldWidgetFix = first.id;
      for (let i = 0; i < 19; i++) {
        const r = await s.store({
          topic: i % 4 === 0 ? 'other' : 'ui',
          summary: `note ${i}: the widget ${'was rendered again after the layout pass '.repeat(1 + (i % 3))}${i % 7 === 0 ? 'zebra' : ''}`,
          importance: 'medium',
        });
        ids.push(r.id);
      }
    });
    after(() => {
      Object.assign(keywordTuning, saved);
    });
    /** BM25 of `query` for the given ids, from FTS5 over the whole table. */
    const bm25 = (query: string, among: string[]) => bm25Of(s, buildFtsQuery(query)!.all, among);

    /** `got` is a top `k` of `ref` (id → score) by score, ties in any order, with ref's scores. */
    const assertTop = (got: { memory: { id: string }; score: number }[], ref: Map<string, number>, k: number) => {
      assert.equal(got.length, Math.min(k, ref.size));
      for (const g of got) assert.ok(Math.abs(g.score - ref.get(g.memory.id)!) < 1e-9, 'scored as FTS5 scores it');
      const scores = [...ref.values()].sort((a, b) => b - a).slice(0, k);
      assert.deepEqual(
        got.map((g) => g.score.toFixed(9)),
        scores.map((x) => x.toFixed(9)),
      );
    };

    test('more matches than the window: the newest ones only, by BM25, with the scores FTS5 gives them', async () => {
      const got = await s.recallKeyword('widget', { limit: 5, bumpAccess: false });
      const newest = ids.slice(-W);
      assert.equal(got.length, 5);
      assert.ok(!got.some((g) => g.memory.id === oldWidgetFix), 'the oldest match is outside the window');
      assertTop(got, await bm25('widget', newest), 5);
    });
    test('a store smaller than windowFrom ranks every match', async () => {
      keywordTuning.windowFrom = ids.length + 1;
      try {
        const got = await s.recallKeyword('widget', { limit: 5, bumpAccess: false });
        assert.equal(got[0].memory.id, oldWidgetFix);
        assertTop(got, await bm25('widget', ids), 5);
      } finally {
        keywordTuning.windowFrom = 0;
      }
      const windowed = await s.recallKeyword('widget', { limit: 5, bumpAccess: false });
      assert.ok(!windowed.some((g) => g.memory.id === oldWidgetFix), 'the window again from 20 memories');
    });
    test('fewer matches than the window: every match ranked', async () => {
      const got = await s.recallKeyword('widget fix', { limit: 5, bumpAccess: false });
      assert.equal(got[0].memory.id, oldWidgetFix);
      const zebra = await s.recallKeyword('zebra', { limit: 5, bumpAccess: false });
      assert.equal(zebra.length, 3);
    });
    test('the window is counted after the filters, and is never smaller than the limit', async () => {
      // The topic filter: the window is ui's newest W matches, so the oldest is still out, and no
      // memory of another topic took a place in the window.
      const ui = await s.recallKeyword('widget', { limit: 20, topic: 'ui', bumpAccess: false });
      assert.equal(ui.length, 15, 'a limit above the window widens it: every ui match');
      assert.equal(ui[0].memory.id, oldWidgetFix);
      const high = await s.recallKeyword('widget', { limit: 5, importance: 'high', bumpAccess: false });
      assert.deepEqual(
        high.map((g) => g.memory.id),
        [oldWidgetFix],
      );
      const uiTop = await s.recallKeyword('widget', { limit: 3, topic: 'ui', bumpAccess: false });
      const uiIds = ids.filter((_, i) => i === 0 || (i - 1) % 4 !== 0);
      assertTop(uiTop, await bm25('widget', uiIds.slice(-W)), 3);
    });
  },
  ['local', 'sqld', 'replica'],
);

test('an embedded replica answers keyword recall from its own file while its primary is down', async () => {
  const sqld = await startSqld();
  const s = await openStore({
    mode: 'replica',
    path: path.join(tmpDir(), 'replica.db'),
    syncUrl: sqld.url,
    syncIntervalSec: 0,
  });
  try {
    const { id } = await s.store({ topic: 't', summary: 'replica keeps answering while the primary sleeps' });
    await s.store({ topic: 't', summary: 'another primary note' });
    await sqld.stop();
    // One word, every word, and a fallback to some words (the partial arms): all from the file.
    assert.equal((await s.recallKeyword('sleeps', { bumpAccess: false }))[0]?.memory.id, id);
    assert.equal((await s.recallKeyword('replica primary sleeps', { bumpAccess: false }))[0]?.memory.id, id);
    const partial = await s.recallKeyword('primary sleeps zzqnowhere', { bumpAccess: false });
    assert.equal(partial[0]?.memory.id, id);
    assert.equal(partial.length, 2);
  } finally {
    await s.close().catch(() => undefined);
    await sqld.stop().catch(() => undefined);
  }
});
