/** The local connection serialises callers: a statement never slips into another caller's open transaction. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { type MnemosStore, openStore } from '../../src/store';
import { tmpDir } from './modes';

const open: MnemosStore[] = [];
after(async () => {
  for (const s of open) await s.close().catch(() => undefined);
});

test('a write issued while another caller’s batch is rolling back waits for it instead of joining it', async () => {
  const s = await openStore({ mode: 'local', path: path.join(tmpDir('mnemos-conn-'), 'conn.db') });
  open.push(s);
  await s.sql(`CREATE TABLE t (v INTEGER PRIMARY KEY)`);
  // Whatever the number of ticks between them, the lone INSERT is its own transaction and lands.
  for (let ticks = 0; ticks < 12; ticks++) {
    const insert = { sql: `INSERT INTO t (v) VALUES (?)`, args: [1000 + ticks] };
    const failing = s.conn.batch([insert, { sql: `SELECT * FROM nowhere` }]);
    for (let i = 0; i < ticks; i++) await Promise.resolve();
    const lone = s.conn.run(`INSERT INTO t (v) VALUES (?)`, [ticks]);
    await assert.rejects(failing, /no such table: nowhere/);
    assert.equal(await lone, 1);
  }
  const rows = await s.sql(`SELECT v FROM t ORDER BY v`);
  const kept = rows.map((r) => Number(r.v));
  assert.deepEqual(kept, [...Array(12).keys()], 'every lone insert kept, every failed batch rolled back');
});
