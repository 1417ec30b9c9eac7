/**
 * SQLite behaviour the fault checks depend on, pinned so a libsql upgrade that changes it shows up here.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store';
import { tmpDir } from './helpers';

const ic = async (s: Awaited<ReturnType<typeof openStore>>) =>
  (await s.sql(`PRAGMA integrity_check`)).map((r) => String(Object.values(r)[0]));

test('PRAGMA integrity_check on a connection whose cached FTS index structure another connection has since merged away reports a false "malformed inverted index"; one FTS read first, or a fresh connection, says ok', async () => {
  const file = path.join(tmpDir(), 'quirk.db');
  const a = await openStore({ mode: 'local', path: file });
  const b = await openStore({ mode: 'local', path: file });
  try {
    for (let i = 0; i < 20; i++) await b.store({ topic: 'quirk', summary: `probe ${i}` });
    assert.equal((await a.recallKeyword('probe', { bumpAccess: false, limit: 100 })).length, 20); // a reads the index: FTS5 caches its structure
    assert.deepEqual(await ic(a), ['ok']);
    // Enough writes elsewhere that FTS5 merges the segments a's cached structure names.
    for (let i = 20; i < 400; i++) await b.store({ topic: 'quirk', summary: `probe ${i}` });
    // libsql 0.5.29 = SQLite 3.45.1: the FTS5 xIntegrity check uses the connection's stale cached structure.
    const stale = await ic(a);
    const fresh = await openStore({ mode: 'local', path: file });
    try {
      assert.deepEqual(await ic(fresh), ['ok'], 'a fresh connection finds the file sound');
    } finally {
      await fresh.close();
    }
    // The index itself is right: the FTS integrity-check command (compared with the rows) and a search agree.
    await a.sql(`INSERT INTO memories_fts(memories_fts, rank) VALUES('integrity-check', 1)`);
    assert.equal(
      Number((await a.sql(`SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH 'probe'`))[0].n),
      400,
    );
    assert.deepEqual(await ic(a), ['ok'], 'after an FTS read the same connection says ok');
    assert.deepEqual(
      stale,
      ['malformed inverted index for FTS5 table main.memories_fts'],
      'the quirk is still there (if this fails, libsql fixed it: drop the FTS read before integrity_check in ledger.ts)',
    );
  } finally {
    await a.close();
    await b.close();
  }
});
