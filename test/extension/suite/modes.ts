import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openStore } from '../../../src/store';
import { api, figure, nextEvent, noticeMark, noticesSince, run, servers, setSettings, test, waitFor } from './harness';
import { writeFromAnotherProcess } from './refresh';

type Saved = { id: string; action: string };

export async function remoteHas(url: string, id: string, token?: string): Promise<boolean> {
  const s = await openStore({ mode: 'remote', url, authToken: token });
  try {
    return (await s.get(id)) !== null;
  } finally {
    await s.close();
  }
}

export async function waitOpen(mode: string): Promise<void> {
  const a = await api();
  await a.getStore().catch(() => undefined); // a store nobody used yet opens on first use
  await waitFor(
    () => a.status().mode === mode && a.status().state === 'open',
    10_000,
    `store open in ${mode} mode (now ${JSON.stringify(a.status())})`,
  );
}

let localCount = 0;

/** Back to the default local store whatever a test left behind. */
export async function resetDatabaseSettings(): Promise<void> {
  await setSettings({ 'database.url': undefined, 'database.syncUrl': undefined, 'database.syncInterval': undefined });
  await waitOpen('local');
}

test('a non-loopback http:// URL in settings is refused with an Open Settings action', async () => {
  const a = await api();
  localCount = await (await a.getStore()).count();
  const mark = await noticeMark();
  await setSettings({ 'database.url': 'http://db.example.com:8080' });
  await waitFor(async () => (await noticesSince(mark)).length > 0, 5000, 'a notification');
  const n = (await noticesSince(mark))[0];
  assert.equal(n.severity, 'warning');
  assert.match(n.message, /refusing http:\/\/ to db\.example\.com: tokens would travel unencrypted/);
  assert.ok(n.actions.includes('Open Settings'), JSON.stringify(n));
  assert.equal(a.status().state, 'error');
  await setSettings({ 'database.url': undefined });
  await waitOpen('local');
});

test('switching the URL setting to a real sqld moves reads and writes there, and back', async () => {
  const { plain } = servers();
  const a = await api();
  await waitOpen('local');
  localCount = await (await a.getStore()).count();
  const t0 = Date.now();
  await setSettings({ 'database.url': plain.url });
  await waitOpen('remote');
  figure('switch local → remote (setting → store open)', `${Date.now() - t0} ms`);
  assert.match(a.statusBar().text, /Mnemos remote/);
  const r = await run<Saved>('mnemos.saveMemory', { summary: 'lives on the server', topic: 'remote' });
  assert.equal(r.action, 'created');
  assert.ok(await remoteHas(plain.url, r.id), 'the memory is on the sqld server');

  const ev = nextEvent(a.onDidChangeData, 15_000, 'change event after a write to the server');
  const w = await writeFromAnotherProcess(plain.url, 'teammate', 'written by a teammate');
  const latency = (await ev.fired) - w.at;
  figure('live refresh, remote (teammate → event)', `${latency} ms`);
  assert.ok(latency <= 2500, `remote change event came ${latency} ms after the write`);

  await setSettings({ 'database.url': undefined });
  await waitOpen('local');
  const local = await a.getStore();
  assert.equal(await local.count(), localCount);
  assert.equal(await local.get(r.id), null, 'the remote memory is not in the local file');
});

test('connect with a wrong token fails with an auth message and saves nothing', async () => {
  const { auth } = servers();
  const a = await api();
  const mark = await noticeMark();
  assert.equal(await run('mnemos.connect', { url: auth.url, token: auth.wrongToken }), undefined);
  const n = (await noticesSince(mark)).find((x) => x.severity === 'error');
  assert.ok(n, 'an error notification');
  assert.match(n.message, /refused the auth token/);
  assert.ok(n.actions.includes('Set Auth Token'));
  assert.equal(vscode.workspace.getConfiguration('mnemos').get('database.url'), '');
  assert.equal(a.status().mode, 'local');
});

test('connect with the right token stores it in secret storage and opens the server', async () => {
  const { auth } = servers();
  await api();
  const t0 = Date.now();
  const r = await run<{ ok: boolean; count: number }>('mnemos.connect', { url: auth.url, token: auth.token });
  figure('connect to sqld+JWT (test + save + reopen)', `${Date.now() - t0} ms`);
  assert.equal(r?.ok, true);
  await waitOpen('remote');
  const saved = await run<Saved>('mnemos.saveMemory', { summary: 'behind auth', topic: 'auth-server' });
  assert.ok(await remoteHas(auth.url, saved.id, auth.token));
  const info = await run<Record<string, unknown>>('mnemos.showStoreInfo', { quiet: true });
  assert.equal(info.token, 'from secret storage');
  assert.equal(vscode.workspace.getConfiguration('mnemos').get('database.url'), auth.url);
});

test('a wrong token in secret storage is rejected with a clear message and a Set Auth Token action', async () => {
  const { auth } = servers();
  const a = await api();
  const mark = await noticeMark();
  await run('mnemos.setAuthToken', auth.wrongToken);
  assert.equal(await run('mnemos.saveMemory', { summary: 'should not land', topic: 'auth-server' }), undefined);
  const errs = (await noticesSince(mark)).filter((x) => x.severity === 'error');
  assert.ok(errs.length >= 1);
  for (const e of errs) {
    assert.match(e.message, /libSQL server http:\/\/127\.0\.0\.1:\d+ refused the auth token/);
    assert.ok(e.actions.includes('Set Auth Token'));
  }
  assert.equal(a.status().state, 'error');
  assert.match(a.statusBar().text, /debug-disconnect/);
});

test('no token ever reaches the output channel or a notification', async () => {
  const { auth } = servers();
  const a = await api();
  const everything =
    a.logText() +
    '\n' +
    a
      .notices()
      .map((n) => n.message)
      .join('\n');
  assert.ok(a.logText().length > 0);
  assert.ok(!everything.includes(auth.token), 'the right token leaked');
  assert.ok(!everything.includes(auth.wrongToken), 'the wrong token leaked');
  assert.ok(!everything.includes(auth.token.split('.')[2]), 'the right token signature leaked');
  assert.match(a.logText(), /refused the auth token/);
});

test('setting the right token again reconnects', async () => {
  const { auth } = servers();
  await run('mnemos.setAuthToken', { token: auth.token });
  await waitOpen('remote');
  const r = await run<Saved>('mnemos.saveMemory', { summary: 'back in', topic: 'auth-server' });
  assert.ok(await remoteHas(auth.url, r.id, auth.token));
});

test('without a stored token, TURSO_AUTH_TOKEN from the environment is used', async () => {
  const { auth } = servers();
  const a = await api();
  await run('mnemos.clearAuthToken');
  await waitFor(() => a.status().state === 'error', 10_000, 'the server to refuse a missing token');
  process.env.TURSO_AUTH_TOKEN = auth.token;
  try {
    await run('mnemos.refresh');
    await waitOpen('remote');
    const info = await run<Record<string, unknown>>('mnemos.showStoreInfo', { quiet: true });
    assert.equal(info.token, 'from TURSO_AUTH_TOKEN');
    assert.ok(!a.logText().includes(auth.token));
  } finally {
    delete process.env.TURSO_AUTH_TOKEN;
  }
});

test('an export from a remote store holds memories only, never the token', async () => {
  const { auth } = servers();
  await run('mnemos.setAuthToken', auth.token);
  await waitOpen('remote');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-ext-')), 'remote-export.json');
  const r = await run<{ count: number }>('mnemos.export', { path: file });
  assert.ok(r.count >= 2);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(!text.includes(auth.token));
  assert.ok(!/authToken|auth_token/i.test(text));
  await run('mnemos.clearAuthToken');
  await setSettings({ 'database.url': undefined });
  await waitOpen('local');
});

test('an embedded replica reads locally, writes to the primary, syncs on its interval and on demand', async () => {
  const { plain } = servers();
  const a = await api();
  await waitOpen('local');
  localCount = await (await a.getStore()).count();
  try {
    await setSettings({ 'database.syncUrl': plain.url, 'database.syncInterval': 1 });
    await waitOpen('replica');
    assert.match(a.statusBar().text, /Mnemos replica/);
    const rs = await a.getStore();
    const first = await run<Saved>('mnemos.saveMemory', { summary: 'first through the replica', topic: 'replica' });
    assert.equal((await rs.get(first.id))?.id, first.id, 'read-your-writes on the replica');
    const r = await run<Saved>('mnemos.saveMemory', { summary: 'written through the replica', topic: 'replica' });
    assert.ok(await remoteHas(plain.url, r.id), 'the write reached the primary');
    // Reading one memory, then another, must return the one asked for (a cached statement must not keep its first arguments).
    assert.equal((await rs.get(r.id))?.id, r.id, 'get on the replica returned another memory (or none)');
    assert.equal((await rs.get(first.id))?.id, first.id);

    const ev = nextEvent(a.onDidChangeData, 15_000, 'change event after a write to the primary');
    const w = await writeFromAnotherProcess(plain.url, 'teammate', 'seen through the replica');
    const latency = (await ev.fired) - w.at;
    figure('live refresh, replica with 1 s interval (primary write → event)', `${latency} ms`);
    assert.ok(latency <= 2500, `replica change event came ${latency} ms after the write`);
    assert.ok(await (await a.getStore()).get(w.id));

    const s = await run<{ synced: boolean; ms: number }>('mnemos.syncNow');
    assert.equal(s.synced, true);
    figure('replica syncNow', `${s.ms} ms`);
  } finally {
    await resetDatabaseSettings();
  }
  assert.equal(await (await a.getStore()).count(), localCount);
});
