/**
 * The daily decay in rowid ranges (src/store/maintenance.ts): a store larger than one range decays
 * every non-critical memory exactly once, rows written after the claim are not decayed, and a recall
 * queued while it runs is answered between ranges, not after the whole decay.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store';
import { DECAY_CHUNK_ROWS } from '../../src/store/maintenance';

test('auto-decay over more rows than one range decays each non-critical memory once; a recall queued meanwhile is answered before the decay ends', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-decay-'));
  const s = await openStore({ mode: 'local', path: path.join(dir, 'd.db') });
  try {
    const n = Math.floor(DECAY_CHUNK_ROWS * 2.5);
    const importances = ['critical', 'high', 'medium', 'low'] as const;
    for (let i = 0; i < n; i += 5000)
      await s.storeMany(
        Array.from({ length: Math.min(5000, n - i) }, (_, j) => ({
          topic: `t${(i + j) % 7}`,
          summary: `decay row ${i + j}`,
          importance: importances[(i + j) % 4],
        })),
      );
    // A hole in the rowids (deleted rows) must not stop the ranges early.
    await s.sql(`DELETE FROM memories WHERE rowid BETWEEN ? AND ?`, [DECAY_CHUNK_ROWS - 10, DECAY_CHUNK_ROWS + 10]);
    let decayDone = false;
    const decaying = s.maybeAutoDecay(true).then((r) => ((decayDone = true), r));
    const t0 = performance.now();
    const hits = await s.recallKeyword('decay row', { limit: 1 });
    const recallMs = performance.now() - t0;
    assert.equal(decayDone, false, 'the recall was answered between ranges, before the decay ended');
    assert.equal(await decaying, true);
    assert.equal(hits.length, 1);
    const rows = await s.sql(
      `SELECT importance, COUNT(*) AS n, MIN(weight) AS lo, MAX(weight) AS hi FROM memories GROUP BY importance ORDER BY importance`,
    );
    const by = Object.fromEntries(rows.map((r) => [String(r.importance), r]));
    assert.equal(Number(by.critical.lo), 1, 'critical never decays');
    assert.equal(Number(by.critical.hi), 1);
    for (const [imp, w] of [
      ['high', 0.975],
      ['medium', 0.95],
      ['low', 0.9],
    ] as const) {
      assert.ok(
        Math.abs(Number(by[imp].lo) - w) < 1e-9 && Math.abs(Number(by[imp].hi) - w) < 1e-9,
        `${imp}: every row decayed once`,
      );
    }
    // Written after the claim: today's, not decayed (today's decay is done).
    const { id } = await s.store({ topic: 't', summary: 'written after the decay', importance: 'low' });
    assert.equal(await s.maybeAutoDecay(true), false);
    assert.equal((await s.get(id))!.weight, 1);
    // Informational: how long the recall queued behind the decay waited (one range at most).
    console.log(`# recall queued during the decay of ${n} rows answered after ${recallMs.toFixed(0)} ms`);
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
