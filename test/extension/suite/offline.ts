/**
 * The server goes away: saves wait in the outbox ("Saved offline", "N pending"), survive on disk,
 * and are written exactly once when it is back; reads say "offline" (or, with a replica, keep
 * working from its file). Uses the `flaky` sqld, which SIGUSR1 stops and SIGUSR2 restarts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { openStore } from '../../../src/store';
import { Outbox } from '../../../src/store/outbox';
import { api, figure, noticeMark, noticesSince, run, servers, setSettings, sleep, test, waitFor } from './harness';
import { resetDatabaseSettings, waitOpen } from './modes';

type Saved = { id: string; action: string; topic: string };
type Recalled = { offline?: boolean; mode: string; items: { id: string }[] };

async function serverUp(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`)).status < 500;
  } catch {
    return false;
  }
}

async function stopFlaky(): Promise<void> {
  const { flaky } = servers();
  process.kill(flaky.pid, 'SIGUSR1');
  await waitFor(async () => !(await serverUp(flaky.url)), 10_000, 'the server to stop');
}

async function startFlaky(): Promise<number> {
  const { flaky } = servers();
  process.kill(flaky.pid, 'SIGUSR2');
  await waitFor(() => serverUp(flaky.url), 20_000, 'the server to come back');
  return Date.now();
}

/** Rows on the server with this exact text (a direct connection, not the extension's). */
async function copiesOnServer(summary: string): Promise<number> {
  const s = await openStore({ mode: 'remote', url: servers().flaky.url });
  try {
    return Number((await s.sql(`SELECT COUNT(*) AS n FROM memories WHERE summary = ?`, [summary]))[0].n);
  } finally {
    await s.close();
  }
}

const SECRET = `offline-test-secret-${Math.random().toString(36).slice(2)}-${Date.now()}`;

test('with the server gone a save waits in the outbox: "Saved offline", N pending, kept on disk, no token; reads say offline', async () => {
  const { flaky } = servers();
  const a = await api();
  await setSettings({ 'database.url': flaky.url });
  await waitOpen('remote');
  // A token in secret storage (this sqld ignores it) must never reach the outbox or the log.
  await run('mnemos.setAuthToken', SECRET);
  await waitOpen('remote');
  await stopFlaky();
  await waitFor(() => !a.status().connected, 20_000, 'the watcher to notice the outage');
  assert.match(a.statusBar().text, /debug-disconnect.* · offline/);

  const mark = await noticeMark();
  const t0 = Date.now();
  const first = await run<Saved>('mnemos.saveMemory', {
    summary: 'first save while the server was away',
    topic: 'outage',
  });
  figure('save with the server down → queued (first, after the store’s retries)', `${Date.now() - t0} ms`);
  assert.equal(first.action, 'queued');
  const t1 = Date.now();
  const second = await run<Saved>('mnemos.saveMemory', {
    summary: 'second save while the server was away',
    topic: 'outage',
    importance: 'high',
  });
  figure('save with the server down → queued (behind a pending one)', `${Date.now() - t1} ms`);
  assert.equal(second.action, 'queued');

  const notices = await noticesSince(mark);
  assert.equal(notices.filter((n) => n.severity === 'error').length, 0, JSON.stringify(notices));
  const saved = notices.filter((n) => n.message.startsWith('Saved offline'));
  assert.equal(saved.length, 2);
  assert.equal(saved[0].message, `Saved offline: will be written to ${flaky.url} when it is reachable.`);
  assert.equal(saved[0].severity, 'info');
  assert.deepEqual(saved[0].actions, ['Retry Now']);
  assert.match(a.statusBar().text, / · 2 pending/);
  assert.match(a.statusBar().tooltip, /Pending: 2 memories saved offline/);
  assert.equal(a.offline().pending, 2);

  // What the next window (or this one after a reload) opens: the same file, both memories, in order.
  const box = await Outbox.open(a.offline().file);
  try {
    const items = await box.list(flaky.url);
    assert.deepEqual(
      items.map((i) => [i.id, i.memory.summary, i.memory.importance]),
      [
        [first.id, 'first save while the server was away', 'medium'],
        [second.id, 'second save while the server was away', 'high'],
      ],
    );
  } finally {
    await box.close();
  }
  for (const f of [a.offline().file, `${a.offline().file}-wal`]) {
    if (fs.existsSync(f)) assert.ok(!fs.readFileSync(f).includes(SECRET), `${f} holds the token`);
  }
  assert.ok(!a.logText().includes(SECRET), 'the token reached the log');

  // A read: an "offline" state with Retry, not an error.
  const m2 = await noticeMark();
  const r = await run<Recalled>('mnemos.recall', { query: 'away' });
  assert.equal(r.offline, true);
  assert.deepEqual(r.items, []);
  const n = await noticesSince(m2);
  assert.equal(n.length, 1, JSON.stringify(n));
  assert.equal(n[0].severity, 'warning');
  assert.match(
    n[0].message,
    /^Mnemos is offline: http:\/\/127\.0\.0\.1:\d+ is unreachable\. 2 memories saved offline wait to be written\./,
  );
  assert.deepEqual(n[0].actions, ['Retry', 'Open Settings']);
});

test('when the server is back the waiting saves are written once, by themselves, and the status bar clears', async () => {
  const a = await api();
  const mark = await noticeMark();
  const back = await startFlaky();
  await waitFor(() => a.offline().pending === 0, 40_000, `the outbox to drain (now ${JSON.stringify(a.offline())})`);
  figure('server back → offline saves written (retry loop / watcher)', `${Date.now() - back} ms`);
  await waitFor(
    async () =>
      (await noticesSince(mark)).some((x) =>
        /^Wrote 2 memories saved offline to http:\/\/127\.0\.0\.1:\d+\.$/.test(x.message),
      ),
    5000,
    'the "Wrote 2" notice',
  );
  assert.equal(await copiesOnServer('first save while the server was away'), 1);
  assert.equal(await copiesOnServer('second save while the server was away'), 1);
  await waitFor(() => a.status().connected, 20_000, 'the status to say connected');
  assert.doesNotMatch(a.statusBar().text, /pending|offline/);
  const box = await Outbox.open(a.offline().file);
  assert.deepEqual(await box.counts(), []);
  await box.close();
  const direct = await run<Saved>('mnemos.saveMemory', {
    summary: 'after the outage, straight to the server',
    topic: 'outage',
  });
  assert.equal(direct.action, 'created');
  assert.equal(await copiesOnServer('after the outage, straight to the server'), 1);
});

test('a save left in the outbox by an earlier session (a reload) or another window is written by this one', async () => {
  const { flaky } = servers();
  const a = await api();
  const box = await Outbox.open(a.offline().file);
  const item = await box.enqueue(flaky.url, { topic: 'earlier-session', summary: 'queued before the window reloaded' });
  await box.close();
  await run('mnemos.refresh');
  await waitFor(() => a.offline().pending === 0, 10_000, 'the outbox to drain');
  assert.ok(await (await a.getStore()).get(item.id));
  assert.equal(await copiesOnServer('queued before the window reloaded'), 1);
  await run('mnemos.clearAuthToken');
});

test('with a replica, reads keep working from its file while the primary is gone; saves wait, edits are refused; all lands once when it is back', async () => {
  const { flaky } = servers();
  const a = await api();
  try {
    await setSettings({ 'database.url': undefined, 'database.syncUrl': flaky.url, 'database.syncInterval': 1 });
    await waitOpen('replica');
    const before = await run<Saved>('mnemos.saveMemory', {
      summary: 'synced before the primary went away',
      topic: 'replica-outage',
    });
    assert.equal(before.action, 'created');
    await stopFlaky();
    await waitFor(() => !a.status().connected, 20_000, 'the replica to notice its primary is gone');

    // The open replica reads its own file.
    const r1 = await run<Recalled>('mnemos.recall', { query: 'synced before the primary' });
    assert.equal(r1.offline, true);
    assert.ok(r1.items.some((i) => i.id === before.id));

    // A reload while offline: the replica cannot open (it checks its primary first); reads come from a
    // copy of its file. The first save races that open: it must queue, not hit the read-only copy.
    await setSettings({ 'database.syncUrl': undefined });
    await waitOpen('local');
    await setSettings({ 'database.syncUrl': flaky.url });
    const q1 = await run<Saved>('mnemos.saveMemory', {
      summary: 'saved on the replica while its primary was away',
      topic: 'replica-outage',
    });
    assert.equal(q1?.action, 'queued');
    await waitFor(() => a.status().offlineCopy, 15_000, 'the offline copy');
    const copy = await a.getStore();
    assert.equal(a.status().mode, 'replica');
    assert.equal((await copy.get(before.id))?.summary, 'synced before the primary went away');
    assert.match(a.statusBar().text, /replica · offline · 1 pending/);
    assert.match(a.statusBar().tooltip, /reading the replica's last synced copy \(read-only\)/);
    const r2 = await run<Recalled>('mnemos.recall', { query: 'synced before the primary' });
    assert.equal(r2.offline, true);
    assert.equal(r2.items[0]?.id, before.id, 'the best match, read from the copy');

    const mark = await noticeMark();
    assert.equal(await run('mnemos.editMemory', before.id, { summary: 'edited offline' }), undefined);
    const refused = (await noticesSince(mark)).find((x) => x.severity === 'error');
    assert.ok(refused, 'an error notice');
    assert.match(refused.message, /http:\/\/127\.0\.0\.1:\d+ is unreachable: editing a memory needs the server/);
    assert.ok(refused.actions.includes('Retry'));
    const q2 = await run<Saved>('mnemos.saveMemory', { summary: 'saved on the offline copy', topic: 'replica-outage' });
    assert.equal(q2.action, 'queued');
    assert.equal(a.offline().pending, 2);

    const back = await startFlaky();
    await waitFor(
      () => !a.status().offlineCopy && a.offline().pending === 0,
      40_000,
      `the replica to reconnect and drain (now ${JSON.stringify(a.offline())})`,
    );
    figure('primary back → replica reconnected and offline saves written', `${Date.now() - back} ms`);
    assert.equal(a.status().state, 'open');
    assert.equal(await copiesOnServer('saved on the replica while its primary was away'), 1);
    assert.equal(await copiesOnServer('saved on the offline copy'), 1);
    assert.equal(await copiesOnServer('synced before the primary went away'), 1, 'the refused edit did not happen');
    const rs = await a.getStore();
    await waitFor(async () => !!(await rs.get(q2.id)), 5000, 'the replica to have the written memory');
  } finally {
    if (!(await serverUp(flaky.url))) await startFlaky();
    await resetDatabaseSettings();
    await sleep(0);
  }
});
