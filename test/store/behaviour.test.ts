/** The store's behaviour, ported from ICM's store tests (crates/icm-store, ICM 0.10.57), run on every mode. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError, InvalidInputError, type MnemosStore, NotFoundError, summaryHash } from '../../src/store';
import { forEachMode } from './modes';

const mem = (topic: string, summary: string, extra: Record<string, unknown> = {}) => ({ topic, summary, ...extra });

forEachMode('store: CRUD', (ctx) => {
  test('a stored memory reads back with ICM defaults', async () => {
    const s = await ctx.fresh();
    const { id, action } = await s.store(
      mem('decisions-mnemos', 'Use libSQL for the store', { keywords: ['libsql', 'sqlite'], rawExcerpt: 'raw' }),
    );
    assert.equal(action, 'created');
    assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    const m = (await s.get(id))!;
    assert.equal(m.topic, 'decisions-mnemos');
    assert.equal(m.summary, 'Use libSQL for the store');
    assert.deepEqual(m.keywords, ['libsql', 'sqlite']);
    assert.equal(m.rawExcerpt, 'raw');
    assert.equal(m.importance, 'medium');
    assert.equal(m.weight, 1);
    assert.equal(m.accessCount, 0);
    assert.equal(m.sourceType, 'manual');
    assert.match(m.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
    const [row] = await s.sql(`SELECT summary_hash, keywords FROM memories WHERE id = ?`, [id]);
    assert.equal(row.summary_hash, summaryHash('decisions-mnemos', 'Use libSQL for the store'));
    assert.equal(row.keywords, '["libsql","sqlite"]');
  });

  test('get of an unknown id is null; forget and update of one are NotFound', async () => {
    const s = await ctx.fresh();
    assert.equal(await s.get('01ARZ3NDEKTSV4RRFFQ69G5FAV'), null);
    await assert.rejects(s.forget('01ARZ3NDEKTSV4RRFFQ69G5FAV'), NotFoundError);
    await assert.rejects(s.update('01ARZ3NDEKTSV4RRFFQ69G5FAV', { summary: 'x' }), NotFoundError);
  });

  test('forgetting twice: the second is NotFound', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'gone soon'));
    await s.forget(id);
    assert.equal(await s.get(id), null);
    await assert.rejects(s.forget(id), NotFoundError);
  });

  test('update changes content, resets weight to 1 and keeps created_at', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'first version', { importance: 'low' }));
    await s.sql(`UPDATE memories SET weight = 0.3 WHERE id = ?`, [id]);
    const before = (await s.get(id))!;
    const after = await s.update(id, { summary: 'second version', importance: 'high', keywords: ['v2'] });
    assert.equal(after.summary, 'second version');
    const m = (await s.get(id))!;
    assert.equal(m.summary, 'second version');
    assert.equal(m.importance, 'high');
    assert.deepEqual(m.keywords, ['v2']);
    assert.equal(m.weight, 1);
    assert.equal(m.createdAt, before.createdAt);
    assert.ok(m.updatedAt >= before.updatedAt);
    assert.equal((await s.recallKeyword('first')).length, 0, 'old text must leave the index');
    assert.equal((await s.recallKeyword('second')).length, 1);
  });

  test('update onto the content of another memory in the same topic is a conflict', async () => {
    const s = await ctx.fresh();
    await s.store(mem('t', 'alpha'));
    const { id } = await s.store(mem('t', 'beta'));
    await assert.rejects(s.update(id, { summary: '  ALPHA ' }), ConflictError);
    assert.equal((await s.get(id))!.summary, 'beta');
  });

  test('getMany returns requested ids in order, drops missing, collapses duplicates', async () => {
    const s = await ctx.fresh();
    const a = (await s.store(mem('t', 'a'))).id;
    const b = (await s.store(mem('t', 'b'))).id;
    const got = await s.getMany([b, '01ARZ3NDEKTSV4RRFFQ69G5FAV', a, b]);
    assert.deepEqual(
      got.map((m) => m.id),
      [b, a],
    );
    assert.deepEqual(await s.getMany([]), []);
  });

  test('a retried store with the same id lands once', async () => {
    const s = await ctx.fresh();
    const id = '01J00000000000000000000000';
    await s.store(mem('t', 'retried write', { id }));
    await s.store(mem('t', 'retried write', { id }));
    assert.equal(await s.count(), 1);
  });

  test('bulk insert of 100 in one batch is counted and listed', async () => {
    const s = await ctx.fresh();
    const res = await s.storeMany(Array.from({ length: 100 }, (_, i) => mem(`topic-${i % 5}`, `memory number ${i}`)));
    assert.equal(new Set(res.map((r) => r.id)).size, 100);
    assert.equal(await s.count(), 100);
    assert.equal((await s.list({ limit: 1000 })).items.length, 100);
  });

  test('a batch with one invalid memory writes nothing', async () => {
    const s = await ctx.fresh();
    await assert.rejects(s.storeMany([mem('t', 'ok'), mem('', 'bad')]), InvalidInputError);
    assert.equal(await s.count(), 0);
  });
});

forEachMode('store: hash dedup and merge', (ctx) => {
  test('same topic and summary collapse to one row', async () => {
    const s = await ctx.fresh();
    const a = await s.store(mem('t', 'same thing'));
    const b = await s.store(mem('t', 'same thing'));
    assert.equal(b.id, a.id);
    assert.equal(b.action, 'unchanged');
    assert.equal(await s.count(), 1);
  });
  test('dedup ignores case and whitespace runs', async () => {
    const s = await ctx.fresh();
    const a = await s.store(mem('Topic', 'Hello   World\n again'));
    const b = await s.store(mem('topic ', 'hello world again'));
    assert.equal(b.id, a.id);
    assert.equal(await s.count(), 1);
  });
  test('a different topic keeps both', async () => {
    const s = await ctx.fresh();
    await s.store(mem('a', 'same'));
    await s.store(mem('b', 'same'));
    assert.equal(await s.count(), 2);
  });
  test('a duplicate upgrades importance and never downgrades it', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'x', { importance: 'medium' }));
    assert.equal((await s.store(mem('t', 'x', { importance: 'critical' }))).action, 'merged');
    assert.equal((await s.get(id))!.importance, 'critical');
    await s.store(mem('t', 'x', { importance: 'low' }));
    assert.equal((await s.get(id))!.importance, 'critical');
  });
  test('a duplicate unions keywords in order', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'x', { keywords: ['a', 'b'] }));
    await s.store(mem('t', 'x', { keywords: ['b', 'c'] }));
    assert.deepEqual((await s.get(id))!.keywords, ['a', 'b', 'c']);
  });
  test('a duplicate sets raw excerpt when there was none and keeps it when the new one has none', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'x'));
    await s.store(mem('t', 'x', { rawExcerpt: 'snippet' }));
    assert.equal((await s.get(id))!.rawExcerpt, 'snippet');
    await s.store(mem('t', 'x'));
    assert.equal((await s.get(id))!.rawExcerpt, 'snippet');
  });
  test('a duplicate with nothing new leaves updated_at alone', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'x', { keywords: ['k'] }));
    const before = (await s.get(id))!.updatedAt;
    await new Promise((r) => setTimeout(r, 5));
    assert.equal((await s.store(mem('t', 'x', { keywords: ['k'] }))).action, 'unchanged');
    assert.equal((await s.get(id))!.updatedAt, before);
  });
});

forEachMode('store: validation', (ctx) => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['NUL in summary', mem('t', 'a\0b'), /NUL/],
    ['NUL in topic', mem('t\0', 'a'), /NUL/],
    ['unicode topic with trailing NUL', mem('日本語\0', 'a'), /NUL/],
    ['empty topic', mem('', 'a'), /topic/],
    ['whitespace-only topic', mem('   ', 'a'), /topic/],
    ['empty summary', mem('t', ''), /blank/],
    ['whitespace-only summary', mem('t', ' \n\t '), /blank/],
    ['newline in topic', mem('a\nb', 'a'), /newline/],
    ['tab in topic', mem('a\tb', 'a'), /newline|tab/],
    ['summary over 64 KiB', mem('t', 'x'.repeat(100_000)), /summary exceeds/],
    ['topic over 256 bytes', mem('t'.repeat(257), 'a'), /topic exceeds/],
    ['unknown importance', mem('t', 'a', { importance: 'urgent' }), /importance/],
    ['keywords not a list', mem('t', 'a', { keywords: 'a,b' }), /keywords/],
    ['lone surrogate', mem('t', 'bad \ud800 text'), /surrogate/],
  ];
  for (const [name, input, re] of bad) {
    test(`rejects ${name} and writes nothing`, async () => {
      const s = await ctx.fresh();
      await assert.rejects(s.store(input as never), (e: Error) => e instanceof InvalidInputError && re.test(e.message));
      assert.equal(await s.count(), 0);
    });
  }
  test('accepts emoji topics, 60,000-byte summaries, RTL and combining marks; trims the topic', async () => {
    const s = await ctx.fresh();
    const a = await s.store(mem('🧠 notes', 'emoji topic'));
    const b = await s.store(mem('t', 'y'.repeat(60_000)));
    const c = await s.store(mem('  padded  ', 'שלום עולם — e\u0301'));
    assert.equal((await s.get(a.id))!.topic, '🧠 notes');
    assert.equal((await s.get(b.id))!.summary.length, 60_000);
    assert.equal((await s.get(c.id))!.topic, 'padded');
    assert.equal((await s.get(c.id))!.summary, 'שלום עולם — e\u0301');
  });
});

forEachMode('store: injection safety', (ctx) => {
  test('SQL in topic, summary and keywords is stored literally', async () => {
    const s = await ctx.fresh();
    const evil = `x'); DROP TABLE memories; --`;
    const { id } = await s.store(mem(evil, evil, { keywords: [evil, '"]'] }));
    const m = (await s.get(id))!;
    assert.equal(m.topic, evil);
    assert.equal(m.summary, evil);
    assert.deepEqual(m.keywords, [evil, '"]']);
    assert.equal(await s.count(), 1);
  });
  const hostile = [
    `foo"bar OR (`,
    `-x*`,
    `"`,
    `""`,
    `*`,
    `NEAR(a b)`,
    `a NOT b`,
    `topic:secret`,
    `^start`,
    `(((`,
    `)`,
    `AND`,
    `OR OR OR`,
    `'; DROP TABLE memories; --`,
    `{a b}`,
    `a + b ~ c \\ d`,
    `---`,
    ` `,
    ``,
    `\0`,
    `🔥`,
    `x`.repeat(20_000),
    `a `.repeat(500),
    `summary:foo`,
    `id:*`,
    `NEAR("a" "b", 2)`,
    `memories_fts`,
    `\ud800`,
    `%_`,
    `' OR 1=1 --`,
  ];
  test('any string given to keyword recall returns results or nothing, never an FTS5 error', async () => {
    const s = await ctx.fresh();
    await s.store(mem('t', 'foo bar x near a b start secret'));
    for (const q of hostile) {
      const r = await s.recallKeyword(q, { bumpAccess: false });
      assert.ok(Array.isArray(r), `query ${JSON.stringify(q.slice(0, 40))}`);
      const p = await s.recallKeyword(q, { prefix: true, bumpAccess: false });
      assert.ok(Array.isArray(p));
    }
    assert.equal(
      (await s.recallKeyword(`foo"bar OR (`, { bumpAccess: false }))[0]?.memory.summary,
      'foo bar x near a b start secret',
    );
    assert.equal(await s.count(), 1);
  });
});

forEachMode('store: keyword recall', (ctx) => {
  test('finds only the relevant topic and ranks a unique hit first among many', async () => {
    const s = await ctx.fresh();
    await s.storeMany(Array.from({ length: 50 }, (_, i) => mem('noise', `generic note about databases number ${i}`)));
    await s.store(mem('errors-resolved', 'WAL checkpoint starvation fixed by closing idle readers'));
    const r = await s.recallKeyword('checkpoint starvation');
    assert.equal(r[0].memory.topic, 'errors-resolved');
    assert.equal(r.length, 1);
  });
  test('hyphenated terms search; a query of punctuation is empty', async () => {
    const s = await ctx.fresh();
    await s.store(mem('t', 'we load sqlite-vec as an extension'));
    assert.equal((await s.recallKeyword('sqlite-vec')).length, 1);
    assert.equal((await s.recallKeyword('---')).length, 0);
    assert.equal((await s.recallKeyword('')).length, 0);
  });
  test('a stronger BM25 match ranks above a weaker one', async () => {
    const s = await ctx.fresh();
    const weak = await s.store(
      mem('t', 'token rotation is mentioned once here among many many other unrelated words in a long sentence'),
    );
    const strong = await s.store(mem('t', 'token rotation: rotate the token, token expiry'));
    await s.sql(`UPDATE memories SET weight = 0.2 WHERE id = ?`, [strong.id]);
    const r = await s.recallKeyword('token rotation', { bumpAccess: false });
    assert.deepEqual(
      r.map((x) => x.memory.id),
      [strong.id, weak.id],
    );
    assert.ok(r[0].score > r[1].score);
  });
  test('memories with every term come before memories with some terms', async () => {
    const s = await ctx.fresh();
    const some = await s.store(mem('t', 'deploy deploy deploy deploy'));
    const all = await s.store(mem('t', 'deploy the staging cluster with helm'));
    // By default (ICM's semantics) partial matches only stand in when nothing has every term.
    assert.deepEqual(
      (await s.recallKeyword('deploy helm', { bumpAccess: false })).map((x) => x.memory.id),
      [all.id],
    );
    const r = await s.recallKeyword('deploy helm', { fillTo: 10, bumpAccess: false });
    assert.deepEqual(
      r.map((x) => x.memory.id),
      [all.id, some.id],
    );
    assert.equal(r[0].fullMatch, true);
    assert.equal(r[1].fullMatch, false);
    const fallback = await s.recallKeyword('deploy kubernetes', { bumpAccess: false });
    assert.deepEqual(
      fallback.map((x) => x.memory.id),
      [some.id, all.id],
      'no memory has both words: those with one, by BM25',
    );
    assert.ok(fallback.every((x) => !x.fullMatch));
  });
  test('topic and importance filters apply before the limit', async () => {
    const s = await ctx.fresh();
    await s.storeMany(
      Array.from({ length: 30 }, (_, i) => mem('other', `cache invalidation cache cache ${i}`, { importance: 'low' })),
    );
    await s.storeMany(
      Array.from({ length: 5 }, (_, i) => mem('wanted', `cache note ${i}`, { importance: i < 2 ? 'high' : 'low' })),
    );
    const r = await s.recallKeyword('cache', { topic: 'wanted', limit: 5 });
    assert.equal(r.length, 5);
    assert.ok(r.every((x) => x.memory.topic === 'wanted'));
    const hi = await s.recallKeyword('cache', { importance: 'high', limit: 5 });
    assert.equal(hi.length, 2);
    const prefix = await s.recallKeyword('cache', { topic: 'want*', limit: 50 });
    assert.equal(prefix.length, 5);
  });
  test('prefix search matches a partly typed last word', async () => {
    const s = await ctx.fresh();
    await s.store(mem('t', 'configure the database connection'));
    assert.equal((await s.recallKeyword('datab', { prefix: true })).length, 1);
    assert.equal((await s.recallKeyword('dat', { prefix: true })).length, 1);
    // Without `prefix` a word matches its forms: a stem of 4+ letters as a prefix (so `datab` finds
    // database too), a shorter one by its exact forms only (src/store/fts.ts).
    assert.equal((await s.recallKeyword('dat')).length, 0);
  });
  test('the limit is honoured and capped', async () => {
    const s = await ctx.fresh();
    await s.storeMany(Array.from({ length: 30 }, (_, i) => mem('t', `needle ${i}`)));
    assert.equal((await s.recallKeyword('needle', { limit: 7 })).length, 7);
    await assert.rejects(s.recallKeyword('needle', { limit: 0 }), InvalidInputError);
  });
  test('recall bumps access count and last_accessed', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'bump me'));
    const before = (await s.get(id))!;
    for (let i = 0; i < 3; i++) {
      await s.recallKeyword('bump');
      await s.flushAccess();
    }
    const after = (await s.get(id))!;
    assert.equal(after.accessCount, 3);
    assert.ok(after.lastAccessed >= before.lastAccessed);
  });
  test('recall reports keyword mode and why', async () => {
    const s = await ctx.fresh();
    await s.store(mem('t', 'hello'));
    const r = await s.recall('hello');
    assert.equal(r.mode, 'keyword');
    assert.equal(r.items.length, 1);
    assert.ok(r.note);
  });
});

async function setWeights(s: MnemosStore, rows: [string, number, number][]) {
  for (const [id, w, a] of rows)
    await s.sql(`UPDATE memories SET weight = ?, access_count = ? WHERE id = ?`, [w, a, id]);
}

forEachMode('store: decay and prune', (ctx) => {
  test('decay follows ICM: critical never, high slower, low faster', async () => {
    const s = await ctx.fresh();
    const ids: Record<string, string> = {};
    for (const imp of ['critical', 'high', 'medium', 'low'] as const)
      ids[imp] = (await s.store(mem('t', imp, { importance: imp }))).id;
    await s.decay(0.95);
    const w = async (k: string) => (await s.get(ids[k]))!.weight;
    assert.equal(await w('critical'), 1);
    assert.ok(Math.abs((await w('high')) - 0.975) < 1e-9);
    assert.ok(Math.abs((await w('medium')) - 0.95) < 1e-9);
    assert.ok(Math.abs((await w('low')) - 0.9) < 1e-9);
  });
  test('access slows decay but the effect is capped at 5 accesses', async () => {
    const s = await ctx.fresh();
    const a = (await s.store(mem('t', 'junk'))).id;
    const b = (await s.store(mem('t', 'real'))).id;
    const c = (await s.store(mem('t', 'five'))).id;
    await setWeights(s, [
      [a, 1, 100],
      [b, 1, 0],
      [c, 1, 5],
    ]);
    for (let i = 0; i < 30; i++) await s.decay(0.95);
    const wa = (await s.get(a))!.weight;
    const wb = (await s.get(b))!.weight;
    const wc = (await s.get(c))!.weight;
    assert.equal(wa, wc, '100 accesses count as 5');
    assert.ok(wa < 1.6 * wb * 1.6 && wa < 0.97);
    assert.ok(Math.abs(wc - Math.pow(1 - 0.05 / 1.5, 30)) < 1e-9);
  });
  test('decay rejects a factor outside [0, 1)', async () => {
    const s = await ctx.fresh();
    await assert.rejects(s.decay(1), InvalidInputError);
    await assert.rejects(s.decay(-0.1), InvalidInputError);
  });
  test('auto-decay runs once a day across every writer', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'decays once'));
    assert.equal(await s.maybeAutoDecay(true), true);
    assert.equal(await s.maybeAutoDecay(true), false);
    if (ctx.mode !== 'memory') {
      const other = await ctx.second();
      await other.sync();
      assert.equal(await other.maybeAutoDecay(true), false);
    }
    await s.sync();
    assert.ok(Math.abs((await s.get(id))!.weight - 0.95) < 1e-9);
    // A claim older than a day lets the next caller decay again.
    await s.sql(`UPDATE icm_metadata SET value = '2000-01-01T00:00:00+00:00' WHERE key = 'last_decay_at'`);
    assert.equal(await s.maybeAutoDecay(true), true);
    assert.ok(Math.abs((await s.get(id))!.weight - 0.9025) < 1e-9);
  });
  test('auto-decay at start: a fresh claim is read and nothing decays; a day-old one decays once', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'start-up decay'));
    await s.sql(`INSERT OR REPLACE INTO icm_metadata(key, value) VALUES ('last_decay_at', ?)`, [
      new Date().toISOString(),
    ]);
    assert.equal(await s.maybeAutoDecay(), false);
    assert.equal((await s.get(id))!.weight, 1);
    if (ctx.mode !== 'memory') {
      const other = await ctx.second();
      await other.sql(`UPDATE icm_metadata SET value = '2000-01-01T00:00:00+00:00' WHERE key = 'last_decay_at'`);
      await other.sync();
      assert.equal(await other.maybeAutoDecay(), true);
      await s.sync();
      assert.ok(Math.abs((await s.get(id))!.weight - 0.95) < 1e-9);
    }
  });
  test('auto-decay that cannot decay is not claimed: the claim commits with the first range', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'the decay fails on this row'));
    // A store whose rows refuse the update (in the field: a damaged file, pages unreadable).
    await s.sql(
      `CREATE TRIGGER mnemos_test_refuse BEFORE UPDATE OF weight ON memories BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    );
    await assert.rejects(s.maybeAutoDecay(true), /refused/);
    assert.deepEqual(await s.sql(`SELECT value FROM icm_metadata WHERE key = 'last_decay_at'`), [], 'not claimed');
    await s.sql(`DROP TRIGGER mnemos_test_refuse`);
    assert.equal(await s.maybeAutoDecay(true), true, 'the next caller claims it');
    assert.ok(Math.abs((await s.get(id))!.weight - 0.95) < 1e-9);
  });
  test('prune deletes low weights but never critical or high', async () => {
    const s = await ctx.fresh();
    const rows = await s.storeMany(
      Array.from({ length: 20 }, (_, i) =>
        mem('t', `m${i}`, { importance: (['critical', 'high', 'medium', 'low'] as const)[i % 4] }),
      ),
    );
    for (const r of rows) await s.sql(`UPDATE memories SET weight = 0.05 WHERE id = ?`, [r.id]);
    const dry = await s.prune(0.1, { dryRun: true });
    assert.equal(dry.count, 10);
    assert.equal(await s.count(), 20);
    const res = await s.prune(0.1);
    assert.equal(res.count, 10);
    assert.equal(await s.count(), 10);
    const left = (await s.list({ limit: 100 })).items;
    assert.ok(left.every((m) => m.importance === 'critical' || m.importance === 'high'));
  });
});

forEachMode('store: listing, topics, stats, health', (ctx) => {
  test('topics are listed with counts, sorted', async () => {
    const s = await ctx.fresh();
    await s.storeMany([mem('b', '1'), mem('a', '1'), mem('b', '2')]);
    assert.deepEqual(await s.topics(), [
      { topic: 'a', count: 1 },
      { topic: 'b', count: 2 },
    ]);
  });
  test('30 topics list', async () => {
    const s = await ctx.fresh();
    await s.storeMany(Array.from({ length: 30 }, (_, i) => mem(`topic-${String(i).padStart(2, '0')}`, 'x')));
    assert.equal((await s.topics()).length, 30);
  });
  test('stats on an empty store are zeros and nulls', async () => {
    const s = await ctx.fresh();
    assert.deepEqual(await s.stats(), {
      totalMemories: 0,
      totalTopics: 0,
      avgWeight: 0,
      oldestMemory: null,
      newestMemory: null,
    });
  });
  test('stats count memories and topics', async () => {
    const s = await ctx.fresh();
    await s.storeMany([mem('a', '1'), mem('a', '2'), mem('b', '3')]);
    const st = await s.stats();
    assert.equal(st.totalMemories, 3);
    assert.equal(st.totalTopics, 2);
    assert.equal(st.avgWeight, 1);
    assert.ok(st.oldestMemory && st.newestMemory && st.oldestMemory <= st.newestMemory);
  });
  test('list by topic is sorted by weight and pages with a cursor without gaps or repeats', async () => {
    const s = await ctx.fresh();
    const rows = await s.storeMany(Array.from({ length: 250 }, (_, i) => mem(i % 2 ? 'odd' : 'even', `item ${i}`)));
    for (const [i, r] of rows.entries())
      if (i % 10 === 0) await s.sql(`UPDATE memories SET weight = ? WHERE id = ?`, [0.5 + i / 1000, r.id]);
    const seen: string[] = [];
    let cursor: string | null = null;
    let lastWeight = Infinity;
    do {
      const page: Awaited<ReturnType<MnemosStore['list']>> = await s.list({ topic: 'even', limit: 40, cursor });
      for (const m of page.items) {
        assert.ok(m.weight <= lastWeight);
        lastWeight = m.weight;
        seen.push(m.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 125);
    assert.equal(new Set(seen).size, 125);
    const recent = await s.list({ order: 'recent', limit: 1000 });
    assert.equal(recent.items.length, 250);
    await assert.rejects(s.list({ cursor: 'garbage' }), InvalidInputError);
  });
  test('list by weight pages through ties and NULL weights: each memory once, newest first among equals, NULL last', async () => {
    const s = await ctx.fresh();
    const rows = await s.storeMany(Array.from({ length: 60 }, (_, i) => mem(`t${i % 3}`, `tie ${i}`)));
    const ids = rows.map((r) => r.id);
    await s.sql(`UPDATE memories SET weight = 0.4 WHERE id IN (?, ?, ?, ?)`, [ids[3], ids[20], ids[21], ids[40]]);
    await s.sql(`UPDATE memories SET weight = NULL WHERE id IN (?, ?, ?)`, [ids[5], ids[6], ids[50]]);
    const seen: { id: string; weight: number | null }[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<MnemosStore['list']>> = await s.list({ limit: 7, cursor });
      assert.ok(page.items.length <= 7);
      for (const m of page.items) {
        const [r] = await s.sql(`SELECT weight FROM memories WHERE id = ?`, [m.id]);
        seen.push({ id: m.id, weight: r.weight === null ? null : Number(r.weight) });
      }
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(new Set(seen.map((x) => x.id)).size, 60);
    assert.equal(seen.length, 60);
    const order = seen.map((x) => x.weight);
    assert.deepEqual(order, [...Array(53).fill(1), ...Array(4).fill(0.4), null, null, null]);
    // Among equal weights, newest (highest rowid, stored last) first.
    const heavy = seen.slice(0, 53).map((x) => ids.indexOf(x.id));
    assert.deepEqual(
      heavy,
      [...heavy].sort((a, b) => b - a),
    );
    assert.deepEqual(
      seen.slice(57).map((x) => x.id),
      [ids[50], ids[6], ids[5]],
    );
    await assert.rejects(s.list({ cursor: Buffer.from('[1,"x"]').toString('base64url') }), InvalidInputError);
  });
  test('topic prefix lists every topic under it', async () => {
    const s = await ctx.fresh();
    await s.storeMany([mem('project:a', '1'), mem('project:b', '2'), mem('projects', '3'), mem('other', '4')]);
    assert.equal((await s.list({ topic: 'project:*' })).items.length, 2);
    assert.equal((await s.list({ topic: 'project%' })).items.length, 0);
  });
  test('forgetting a topic removes every memory in it, not just 500', async () => {
    const s = await ctx.fresh();
    await s.storeMany(Array.from({ length: 620 }, (_, i) => mem('big', `row ${i}`)));
    await s.store(mem('keep', 'me'));
    assert.equal(await s.forgetTopic('big'), 620);
    assert.equal(await s.count(), 1);
    assert.equal((await s.recallKeyword('row')).length, 0);
  });
  test('health flags topics that need consolidation and stale entries', async () => {
    const s = await ctx.fresh();
    const rows = await s.storeMany(Array.from({ length: 7 }, (_, i) => mem('crowded', `n ${i}`)));
    await s.store(mem('fine', 'one'));
    await s.sql(`UPDATE memories SET weight = 0.3, last_accessed = '2020-01-01T00:00:00+00:00' WHERE id = ?`, [
      rows[0].id,
    ]);
    const h = await s.topicHealth();
    const crowded = h.find((x) => x.topic === 'crowded')!;
    assert.equal(crowded.entryCount, 7);
    assert.equal(crowded.needsConsolidation, true);
    assert.equal(crowded.staleCount, 1);
    assert.equal(crowded.status, '!! NEEDS ATTENTION');
    assert.equal(h.find((x) => x.topic === 'fine')!.status, 'ok healthy');
    assert.equal((await s.topicHealth('fine')).length, 1);
    await assert.rejects(s.topicHealth('nope'), NotFoundError);
  });
});

forEachMode('store: consolidation', (ctx) => {
  test('consolidating a topic leaves one high memory and no ghost index rows', async () => {
    const s = await ctx.fresh();
    await s.storeMany(
      Array.from({ length: 25 }, (_, i) => mem('sprawl', `ghostword detail ${i}`, { keywords: [`k${i % 3}`] })),
    );
    await s.store(mem('other', 'ghostword elsewhere'));
    const { replaced } = await s.consolidate('sprawl', 'One summary of the sprawl');
    assert.equal(replaced, 25);
    const left = (await s.list({ topic: 'sprawl' })).items;
    assert.equal(left.length, 1);
    assert.equal(left[0].importance, 'high');
    assert.deepEqual(left[0].keywords, ['k0', 'k1', 'k2']);
    const hits = await s.recallKeyword('ghostword', { limit: 100 });
    assert.deepEqual(
      hits.map((h) => h.memory.topic),
      ['other'],
    );
    const [fts] = await s.sql(`SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH '"ghostword"'`);
    assert.equal(Number(fts.n), 1);
    await s.sql(`INSERT INTO memories_fts(memories_fts, rank) VALUES('integrity-check', 1)`);
    await assert.rejects(s.consolidate('missing', 'x'), NotFoundError);
  });
});

forEachMode('store: export and import', (ctx) => {
  test('export then import into an empty store round-trips exactly', async () => {
    const s = await ctx.fresh();
    await s.storeMany([
      mem('a', 'one', { keywords: ['k'], rawExcerpt: 'raw' }),
      mem('b', 'two', {
        importance: 'critical',
        source: { type: 'vscode', file: 'src/a.ts', startLine: 1, endLine: 3, language: 'typescript' },
      }),
    ]);
    await s.recallKeyword('one');
    await s.flushAccess();
    await s.decay(0.9);
    const exported = await s.exportAll();
    assert.equal(exported.memories.length, 2);
    const t = await ctx.fresh();
    assert.deepEqual(await t.importAll(JSON.parse(JSON.stringify(exported))), { imported: 2, skipped: 0 });
    const again = await t.exportAll();
    assert.deepEqual(again.memories, exported.memories);
    assert.deepEqual(await t.importAll(exported), { imported: 0, skipped: 2 });
  });
  test('an import with one bad memory writes nothing and says which', async () => {
    const s = await ctx.fresh();
    await assert.rejects(
      s.importAll({
        format: 'mnemos-export',
        memories: [
          { topic: 'a', summary: 'ok' },
          { topic: 'a', summary: '' },
        ],
      }),
      /memory #2/,
    );
    assert.equal(await s.count(), 0);
    await assert.rejects(s.importAll({ nope: 1 }), InvalidInputError);
  });
});

forEachMode(
  'store: change marker',
  (ctx) => {
    test('a write by another connection changes the marker', async () => {
      const s = await ctx.fresh();
      const other = await ctx.second();
      const m0 = await s.changeMarker();
      assert.equal(await s.changeMarker(), m0, 'stable while nothing changes');
      await other.store(mem('t', 'from elsewhere'));
      await s.sync();
      assert.notEqual(await s.changeMarker(), m0);
      const m1 = await s.changeMarker();
      await s.recallKeyword('elsewhere');
      await s.flushAccess();
      if (ctx.mode !== 'local') assert.equal(await s.changeMarker(), m1, 'access bumps are not content changes');
    });
    test('every raw write by another writer (as ICM makes them) changes the marker, even an insert that reuses a deleted rowid', async () => {
      const s = await ctx.fresh();
      const other = await ctx.second();
      await other.store(mem('t', 'first'));
      const newest = await other.store(mem('t', 'newest'));
      const seen = new Set<string>();
      const step = async (what: string, sql: string, args: (string | number)[] = []) => {
        await other.sql(sql, args);
        await s.sync();
        const m = await s.changeMarker();
        assert.ok(!seen.has(m), `${what}: the marker changed (${m})`);
        seen.add(m);
      };
      await s.sync();
      seen.add(await s.changeMarker());
      await step('delete of the newest row', `DELETE FROM memories WHERE id = ?`, [newest.id]);
      const insert = `INSERT INTO memories (id, created_at, updated_at, last_accessed, access_count, weight, topic, summary, importance, source_type, related_ids)
        VALUES (?, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 0, 1.0, 't', ?, 'medium', 'manual', '[]')`;
      await step('an insert that takes the deleted rowid back', insert, ['01JAAAAAAAAAAAAAAAAAAAAAAA', 'raw insert']);
      await step('an edit', `UPDATE memories SET summary = 'raw edit' WHERE id = ?`, ['01JAAAAAAAAAAAAAAAAAAAAAAA']);
    });
  },
  ['local', 'sqld', 'replica'],
);

forEachMode('store: repeated statements', (ctx) => {
  test('the same statement with different arguments reads different rows (replica statement reuse)', async () => {
    const s = await ctx.fresh();
    const a = await s.store(mem('t', 'first'));
    const b = await s.store(mem('t', 'second'));
    assert.equal((await s.get(a.id))!.summary, 'first');
    assert.equal((await s.get(b.id))!.summary, 'second');
    assert.equal(await s.get('01ARZ3NDEKTSV4RRFFQ69G5FAV'), null);
  });
  test('a harsh decay factor floors weights at 0 instead of going negative', async () => {
    const s = await ctx.fresh();
    const { id } = await s.store(mem('t', 'low', { importance: 'low' }));
    await s.decay(0.01);
    assert.equal((await s.get(id))!.weight, 0);
  });
});

forEachMode('store: literal topics and filtered counts', (ctx) => {
  test('a topic ending in * can be listed and searched literally; topic counts filter by importance', async () => {
    const s = await ctx.fresh();
    await s.storeMany([
      { topic: 'notes*', summary: 'starred topic', importance: 'high' },
      { topic: 'notes-a', summary: 'starred topic too' },
    ]);
    assert.equal((await s.list({ topic: 'notes*' })).items.length, 2);
    assert.deepEqual(
      (await s.list({ topic: 'notes*', exactTopic: true })).items.map((m) => m.topic),
      ['notes*'],
    );
    assert.equal((await s.recallKeyword('starred', { topic: 'notes*', exactTopic: true })).length, 1);
    assert.deepEqual(await s.topics({ importance: 'high' }), [{ topic: 'notes*', count: 1 }]);
  });
});
