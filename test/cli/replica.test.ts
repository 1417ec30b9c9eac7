/** The CLI suite on an embedded replica (--db FILE --url URL --replica) of a real sqld with auth, plus sync. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store';
import { type Sqld, startSqld } from '../helpers/sqld';
import { cliSuite } from './suite';
import { makeTarget, tmpDir, wipeServer } from './helpers';

let sqld: Sqld;
before(async () => {
  sqld = await startSqld({ auth: true });
});
after(async () => {
  await sqld?.stop();
});

cliSuite('mnemos CLI on an embedded replica of sqld', async () => {
  await wipeServer(sqld);
  return makeTarget('replica', ['--db', path.join(tmpDir(), 'replica.db'), '--url', sqld.url, '--replica'], {
    TURSO_AUTH_TOKEN: sqld.token,
  });
});

describe('mnemos sync on a replica', () => {
  test('sync pulls a memory another writer stored on the primary', async () => {
    await wipeServer(sqld);
    const t = makeTarget('replica', [], {
      MNEMOS_DB: path.join(tmpDir(), 'r.db'),
      TURSO_DATABASE_URL: sqld.url,
      TURSO_AUTH_TOKEN: sqld.token,
      ICM_TURSO_REPLICA: '1',
    });
    assert.equal((await t.run(['stats'])).json().mode, 'replica');
    const other = await openStore({ mode: 'remote', url: sqld.url, authToken: sqld.token });
    const { id } = await other.store({ topic: 'team', summary: 'written by a teammate elsewhere' });
    await other.close();
    assert.deepEqual((await t.run(['sync'])).json(), { synced: true, mode: 'replica' });
    assert.equal((await t.run(['recall', 'teammate'])).json().items[0].memory.id, id);
    const text = await t.run(['sync'], { json: false });
    assert.match(text.stdout, /^Synced replica .*r\.db of http:\/\/127\.0\.0\.1:\d+$/m);
  });

  test('--replica without a primary URL is a usage error', async () => {
    const t = makeTarget('replica', ['--db', path.join(tmpDir(), 'x.db'), '--replica'], {});
    const r = await t.run(['stats'], { expect: 2 });
    assert.match(r.errJson().error.message, /--replica needs a primary URL/);
  });
});
