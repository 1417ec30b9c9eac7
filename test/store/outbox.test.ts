/**
 * The offline outbox against a real sqld that goes away and comes back: durable across reopening,
 * written exactly once (also after a crash between the server's acknowledgement and the outbox's
 * delete, a lost response, or two drainers at once), never holding a token.
 *
 * With MNEMOS_OUTBOX_CHILD set this file is the crashing drainer instead (see `crashingDrain`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ConnectionError, InvalidInputError, type MnemosStore, newId, openStore } from '../../src/store';
import { openOfflineCopy, Outbox, outboxTarget } from '../../src/store/outbox';
import { type Sqld, startSqld } from '../helpers/sqld';

const tmpFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-outbox-')), name);

/** Child mode: drain the outbox and get SIGKILLed right after the server acknowledged the first batch. */
async function crashingDrain(): Promise<void> {
  const { file, url, token } = JSON.parse(process.env.MNEMOS_OUTBOX_CHILD!) as {
    file: string;
    url: string;
    token?: string;
  };
  const outbox = await Outbox.open(file);
  const store = await openStore({ mode: 'remote', url, authToken: token });
  await outbox.drain(url, store, {
    afterAcknowledged: () => {
      process.kill(process.pid, 'SIGKILL');
      return new Promise(() => undefined);
    },
  });
  process.exit(3); // not reached
}

if (process.env.MNEMOS_OUTBOX_CHILD) {
  void crashingDrain();
} else {
  describe('outbox against a real sqld', () => {
    let srv: Sqld;
    let store: MnemosStore;
    let target: string;

    const onServer = async (summary: string) =>
      Number((await store.sql(`SELECT COUNT(*) AS n FROM memories WHERE summary = ?`, [summary]))[0].n);

    before(async () => {
      srv = await startSqld({ auth: true });
      store = await openStore({ mode: 'remote', url: srv.url, authToken: srv.token });
      target = outboxTarget(store.config)!;
    });
    after(async () => {
      await store?.close();
      await srv?.stop();
    });
    beforeEach(async () => {
      if (srv.proc.exitCode !== null || srv.proc.signalCode) await srv.restart();
      await store.sql(`DELETE FROM memories`);
    });

    test('a memory saved while the server is down waits in the outbox, survives reopening it, and lands once when the server is back', async () => {
      const file = tmpFile('outbox.db');
      const memory = {
        id: newId(),
        topic: 'outage',
        summary: 'written while the server was away',
        keywords: ['offline'],
        importance: 'high' as const,
      };
      await srv.stop();
      await assert.rejects(store.store(memory), (e: unknown) => e instanceof ConnectionError);
      let outbox = await Outbox.open(file);
      const item = await outbox.enqueue(target, memory);
      assert.equal(item.id, memory.id);
      assert.equal(item.target, srv.url);
      await outbox.close();

      // A window reload: a new instance over the same file.
      outbox = await Outbox.open(file);
      const [queued] = await outbox.list(target);
      assert.deepEqual(queued.memory, { ...memory, rawExcerpt: null, source: null });
      const early = await outbox.drain(target, store);
      assert.ok(early.error instanceof ConnectionError, String(early.error));
      assert.deepEqual([early.written.length, early.remaining], [0, 1]);
      const [tried] = await outbox.list(target);
      assert.equal(tried.attempts, 1);
      assert.match(tried.lastError ?? '', /cannot reach libSQL server/);

      await srv.restart();
      const r = await outbox.drain(target, store);
      assert.equal(r.error, undefined);
      assert.deepEqual(
        r.written.map((w) => [w.queuedId, w.id, w.action]),
        [[memory.id, memory.id, 'created']],
      );
      assert.equal(r.remaining, 0);
      const m = await store.get(memory.id);
      assert.equal(m?.summary, memory.summary);
      assert.equal(m?.importance, 'high');
      assert.deepEqual(m?.keywords, ['offline']);
      assert.equal(await onServer(memory.summary), 1);
      assert.deepEqual(await outbox.counts(), []);
      assert.deepEqual((await outbox.drain(target, store)).written, []);

      // The server's token was in use the whole time; it is nowhere in the outbox's files.
      await outbox.close();
      for (const f of [file, `${file}-wal`])
        if (fs.existsSync(f)) assert.ok(!fs.readFileSync(f).includes(srv.token!), `${f} holds the token`);
    });

    test('a drainer killed after the server acknowledged, before the outbox forgot the rows: the next drain resends them and each lands once', async () => {
      const file = tmpFile('outbox.db');
      const outbox = await Outbox.open(file);
      const summaries = ['crash one', 'crash two', 'crash three'];
      const ids: string[] = [];
      for (const s of summaries) ids.push((await outbox.enqueue(target, { topic: 'crash', summary: s })).id);
      await outbox.close();

      const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
        env: { ...process.env, MNEMOS_OUTBOX_CHILD: JSON.stringify({ file, url: srv.url, token: srv.token }) },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, sig) => resolve(sig)),
      );
      assert.equal(signal, 'SIGKILL');
      for (const s of summaries) assert.equal(await onServer(s), 1, `the server acknowledged "${s}" before the crash`);

      const again = await Outbox.open(file);
      assert.equal((await again.list(target)).length, 3, 'the crash left the acknowledged rows behind');
      const t0 = Date.now();
      const r = await again.drain(target, store);
      assert.ok(!r.busy, 'the dead drainer’s lease is taken over at once');
      assert.ok(Date.now() - t0 < 5000);
      assert.deepEqual(
        r.written.map((w) => w.id),
        ids,
        'resent onto the rows the crashed drainer wrote',
      );
      for (const s of summaries) assert.equal(await onServer(s), 1, `"${s}" is on the server once`);
      assert.equal((await store.getMany(ids)).length, 3);
      assert.deepEqual(await again.counts(), []);
      await again.close();
    });

    test('a lost response (written, but the drainer saw an error) is retried onto the same rows', async () => {
      const outbox = await Outbox.open(tmpFile('outbox.db'));
      await outbox.enqueue(target, { topic: 'lost', summary: 'lost reply one' });
      await outbox.enqueue(target, { topic: 'lost', summary: 'lost reply two' });
      const dropsReplies = {
        config: store.config,
        storeMany: async (m: Parameters<MnemosStore['storeMany']>[0]) => {
          await store.storeMany(m);
          throw new ConnectionError('the response was lost on the way back');
        },
      };
      const first = await outbox.drain(target, dropsReplies);
      assert.ok(first.error instanceof ConnectionError);
      assert.equal(first.remaining, 2);
      assert.equal(await onServer('lost reply one'), 1);
      const second = await outbox.drain(target, store);
      assert.deepEqual(
        second.written.map((w) => w.action),
        ['created', 'created'],
      );
      assert.equal(await onServer('lost reply one'), 1);
      assert.equal(await onServer('lost reply two'), 1);
      assert.equal(second.remaining, 0);
      await outbox.close();
    });

    test('two windows draining at once: one holds the lease, the other stands by, every memory lands once', async () => {
      const file = tmpFile('outbox.db');
      const a = await Outbox.open(file);
      const b = await Outbox.open(file);
      for (let i = 0; i < 12; i++) await a.enqueue(target, { topic: 'two-windows', summary: `memory ${i}` });
      const other = await openStore({ mode: 'remote', url: srv.url, authToken: srv.token });
      let bResult: Awaited<ReturnType<Outbox['drain']>> | undefined;
      const ra = await a.drain(target, store, {
        batchSize: 5,
        afterAcknowledged: async () => {
          bResult ??= await b.drain(target, other); // a holds the lease here
        },
      });
      assert.equal(bResult?.busy, true);
      assert.equal(bResult?.written.length, 0);
      assert.equal(ra.written.length, 12);
      const rows = await store.sql(
        `SELECT summary, COUNT(*) AS n FROM memories WHERE topic = 'two-windows' GROUP BY summary`,
      );
      assert.equal(rows.length, 12);
      assert.ok(rows.every((r) => Number(r.n) === 1));
      assert.deepEqual((await b.drain(target, other)).written, [], 'b finds nothing left');
      await Promise.all([a.close(), b.close(), other.close()]);
    });

    test('even two drainers that both hold the lease (it expired) never write a memory twice', async () => {
      const file = tmpFile('outbox.db');
      const a = await Outbox.open(file, { leaseMs: 0 });
      const b = await Outbox.open(file, { leaseMs: 0 });
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await a.enqueue(target, { topic: 'racing', summary: `race ${i}` })).id);
      const other = await openStore({ mode: 'remote', url: srv.url, authToken: srv.token });
      const [ra, rb] = await Promise.all([
        a.drain(target, store, { batchSize: 3 }),
        b.drain(target, other, { batchSize: 3 }),
      ]);
      assert.ok(
        ra.written.length + rb.written.length > 20,
        `the two drains overlapped (${ra.written.length} + ${rb.written.length})`,
      );
      const rows = await store.sql(`SELECT id FROM memories WHERE topic = 'racing' ORDER BY id`);
      assert.deepEqual(
        rows.map((r) => String(r.id)),
        [...ids].sort(),
        'each queued id once, no other row',
      );
      assert.deepEqual(await a.counts(), []);
      await Promise.all([a.close(), b.close(), other.close()]);
    });

    test('a memory the server refuses for good is parked, not dropped; the rest of its batch is written', async () => {
      const outbox = await Outbox.open(tmpFile('outbox.db'));
      await store.sql(
        `CREATE TRIGGER refuse_poison BEFORE INSERT ON memories WHEN NEW.summary LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'refused by server policy'); END`,
      );
      try {
        await outbox.enqueue(target, { topic: 'park', summary: 'fine before' });
        const poison = await outbox.enqueue(target, { topic: 'park', summary: 'poison pill' });
        await outbox.enqueue(target, { topic: 'park', summary: 'fine after' });
        const r = await outbox.drain(target, store);
        assert.deepEqual(
          r.written.map((w) => w.action),
          ['created', 'created'],
        );
        assert.equal(r.parked.length, 1);
        assert.equal(r.parked[0].id, poison.id);
        assert.match(r.parked[0].error, /refused by server policy/);
        assert.equal(r.remaining, 0);
        assert.equal(await onServer('fine before'), 1);
        assert.equal(await onServer('fine after'), 1);
        assert.deepEqual(await outbox.count(target), { pending: 0, parked: 1 });
        assert.equal((await outbox.list(target, { parked: true }))[0].memory.summary, 'poison pill');
        assert.deepEqual((await outbox.drain(target, store)).written, [], 'a parked memory is not retried on its own');

        await store.sql(`DROP TRIGGER refuse_poison`);
        assert.equal(await outbox.unpark(target), 1);
        const again = await outbox.drain(target, store);
        assert.deepEqual(
          again.written.map((w) => w.queuedId),
          [poison.id],
        );
        assert.equal(await onServer('poison pill'), 1);
      } finally {
        await store.sql(`DROP TRIGGER IF EXISTS refuse_poison`);
        await outbox.close();
      }
    });

    test('the outbox refuses what the store would refuse, and a store for another server', async () => {
      const outbox = await Outbox.open(tmpFile('outbox.db'));
      await assert.rejects(outbox.enqueue(target, { topic: '  ', summary: 'no topic' }), InvalidInputError);
      await assert.rejects(
        outbox.enqueue(target, { topic: 't', summary: 'x', importance: 'urgent' as never }),
        InvalidInputError,
      );
      await assert.rejects(
        outbox.enqueue('http://db.example.com', { topic: 't', summary: 'x' }),
        /tokens would travel unencrypted/,
      );
      assert.deepEqual(await outbox.counts(), []);
      await outbox.enqueue('https://elsewhere.example.com', { topic: 't', summary: 'for another server' });
      await assert.rejects(
        outbox.drain('https://elsewhere.example.com', store),
        /holds memories for https:\/\/elsewhere\.example\.com; this store writes to http:\/\/127\.0\.0\.1/,
      );
      assert.deepEqual((await outbox.drain(target, store)).written, [], 'nothing of another server is sent here');
      assert.equal(await store.count(), 0);
      await outbox.close();
    });

    test('a replica whose primary is down cannot open, but its offline copy reads its data and refuses writes; the replica file is untouched', async () => {
      const file = tmpFile('replica.db');
      const cfg = { mode: 'replica' as const, path: file, syncUrl: srv.url, authToken: srv.token, syncIntervalSec: 0 };
      const replica = await openStore(cfg);
      const { id } = await replica.store({ topic: 'replica', summary: 'synced before the outage' });
      await replica.close();
      await srv.stop();
      await assert.rejects(openStore(cfg), (e: unknown) => e instanceof ConnectionError);
      const files = () =>
        fs
          .readdirSync(path.dirname(file))
          .map(
            (f) =>
              `${f}:${fs.statSync(path.join(path.dirname(file), f)).size}:${fs.statSync(path.join(path.dirname(file), f)).mtimeMs}`,
          )
          .sort();
      const before = files();
      const copy = (await openOfflineCopy(file))!;
      assert.equal((await copy.store.get(id))?.summary, 'synced before the outage');
      assert.equal((await copy.store.recall('outage', { bumpAccess: false })).items.length, 1);
      await assert.rejects(
        copy.store.store({ topic: 'x', summary: 'y' }),
        (e: unknown) => (e as { code?: string }).code === 'read_only',
      );
      await copy.dispose();
      assert.deepEqual(files(), before);
      assert.equal(await openOfflineCopy(tmpFile('never-synced.db')), undefined);
    });
  });
}
