/**
 * The per-topic counts kept by triggers (`mnemos_topic_counts`, src/store/schema.ts): after every kind
 * of write — store, batch store, topic change, forget, forget-topic, consolidate, prune, a raw INSERT as
 * ICM makes it, another connection's writes — `count(topic)`, `topics()` and `stats().totalTopics`
 * agree with a GROUP BY over the memories themselves, in every storage mode; and a file from schema 4
 * (no counts table) gets it filled on open.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { type MnemosStore, openStore } from '../../src/store';
import { forEachMode, tmpDir } from './modes';

async function truth(s: MnemosStore): Promise<{ topic: string; count: number }[]> {
  const rows = await s.sql(`SELECT topic, COUNT(*) AS n FROM memories GROUP BY topic ORDER BY topic`);
  return rows.map((r) => ({ topic: String(r.topic), count: Number(r.n) }));
}

async function agree(s: MnemosStore, what: string): Promise<void> {
  const t = await truth(s);
  assert.deepEqual(await s.topics(), t, `${what}: topics() = GROUP BY`);
  for (const { topic, count } of t) assert.equal(await s.count(topic), count, `${what}: count(${topic})`);
  assert.equal((await s.stats()).totalTopics, t.length, `${what}: stats().totalTopics`);
  const stray = await s.sql(`SELECT COUNT(*) AS n FROM mnemos_topic_counts WHERE n <= 0`);
  assert.equal(Number(stray[0].n), 0, `${what}: no topic left at 0`);
}

forEachMode('per-topic counts', (ctx) => {
  test('every kind of write keeps count(topic), topics() and totalTopics equal to a GROUP BY', async () => {
    const s = await ctx.fresh();
    await agree(s, 'empty');
    assert.equal(await s.count('nothing-here'), 0);
    const a = await s.store({ topic: 'alpha', summary: 'first alpha memory' });
    await s.store({ topic: 'alpha', summary: 'second alpha memory' });
    await s.store({ topic: 'beta', summary: 'one beta memory' });
    await agree(s, 'store');
    assert.equal(await s.count('alpha'), 2);
    await s.storeMany(
      Array.from({ length: 30 }, (_, i) => ({ topic: i % 3 ? 'gamma' : 'delta', summary: `batch memory ${i}` })),
    );
    await agree(s, 'storeMany');
    // A refused duplicate (same topic, same text) counts nothing.
    await s.store({ topic: 'alpha', summary: 'first alpha memory' }).catch(() => undefined);
    await agree(s, 'duplicate');
    await s.update(a.id, { topic: 'beta' });
    await agree(s, 'topic moved');
    await s.update(a.id, { summary: 'first alpha memory, now in beta' });
    await agree(s, 'text edited (topic unchanged)');
    await s.forget(a.id);
    await agree(s, 'forget');
    assert.equal(await s.forgetTopic('delta'), 10);
    assert.equal(await s.count('delta'), 0);
    await agree(s, 'forgetTopic');
    await s.consolidate('gamma', 'gamma in one memory');
    assert.equal(await s.count('gamma'), 1);
    await agree(s, 'consolidate');
    await s.sql(`UPDATE memories SET weight = 0.01 WHERE topic = 'alpha'`);
    await s.prune(0.1);
    await agree(s, 'prune');
    // ICM's own INSERT (its columns, no Mnemos code): the triggers live in the file.
    await s.sql(
      `INSERT INTO memories (id, created_at, updated_at, last_accessed, topic, summary, importance, source_type)
       VALUES ('01ICMROW00000000000000000A', '2026-12-05T00:00:00Z', '', '2026-12-05T00:00:00Z', 'from-icm', 'written by ICM', 'medium', 'manual')`,
    );
    assert.equal(await s.count('from-icm'), 1);
    await agree(s, 'raw insert');
    // A topic filter with a trailing * is a prefix, counted over the memories.
    await s.store({ topic: 'gamma-2', summary: 'another gamma' });
    assert.equal(await s.count('gamma*'), 2);
    if (ctx.mode !== 'memory') {
      const other = await ctx.second();
      await other.store({ topic: 'beta', summary: 'written by another connection' });
      if (ctx.mode === 'replica') await s.sync();
      await agree(s, 'another connection');
    }
  });
});

test('a schema-4 file (no counts table) gets its counts on open, from the memories already there', async () => {
  const file = path.join(tmpDir(), 'v4.db');
  let s = await openStore({ mode: 'local', path: file });
  await s.storeMany(Array.from({ length: 50 }, (_, i) => ({ topic: `t${i % 4}`, summary: `old memory ${i}` })));
  // Back to schema 4: no table, no triggers; then writes that no trigger counts.
  await s.sql(`DROP TRIGGER mnemos_topic_count_ai`);
  await s.sql(`DROP TRIGGER mnemos_topic_count_ad`);
  await s.sql(`DROP TRIGGER mnemos_topic_count_au`);
  await s.sql(`DROP TABLE mnemos_topic_counts`);
  await s.sql(`UPDATE mnemos_state SET value = 4 WHERE key = 'schema_version'`);
  await s.sql(`DELETE FROM memories WHERE topic = 't0'`);
  await s.store({ topic: 't9', summary: 'written under schema 4' });
  await s.close();
  s = await openStore({ mode: 'local', path: file });
  try {
    assert.deepEqual(await s.topics(), await truth(s));
    assert.equal(await s.count('t1'), 13);
    assert.equal(await s.count('t9'), 1);
    assert.equal(await s.count('t0'), 0);
    const v = await s.sql(`SELECT value FROM mnemos_state WHERE key = 'schema_version'`);
    assert.equal(Number(v[0].value), 5);
  } finally {
    await s.close();
  }
});
