/**
 * The warm helper (src/hooks/helper.ts) through the built entries, as agents and shells run them:
 * started by the first hook, reused, gone when idle, a stale socket replaced, the work done in-process
 * when the helper dies mid-request or hangs, one store per request's file, and the socket's guards.
 * Each test has its own runtime folder (MNEMOS_RUNTIME_DIR) and a short idle time; no test depends on timing
 * beyond "eventually" (polls with generous bounds).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store';
import { buildOnce, fixture, projectDir, readLog, ROOT, runHookBin, tmpDir } from './helpers';

const CLI = path.join(ROOT, 'dist/cli.js');

async function seeded(summary: string): Promise<string> {
  const db = path.join(tmpDir('mnemos-helper-db-'), 'm.db');
  const s = await openStore({ mode: 'local', path: db });
  await s.store({ topic: 'errors-resolved', summary, importance: 'high', keywords: ['redis'] });
  await s.close();
  return db;
}

async function until<T>(what: string, f: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const files = (rt: string, ext: string) =>
  fs.existsSync(rt)
    ? fs
        .readdirSync(rt)
        .filter((f) => f.endsWith(ext))
        .map((f) => path.join(rt, f))
    : [];
const helperPid = (rt: string): number | undefined => {
  const lock = files(rt, '.pid')[0];
  if (!lock) return undefined;
  const pid = Number(fs.readFileSync(lock, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

const started: number[] = [];
after(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGTERM');
});

describe('the warm hook helper', () => {
  let cwd: string;
  let db: string;
  before(async () => {
    buildOnce();
    cwd = projectDir();
    db = await seeded('The root cause was redis-cache refusing connections on 127.0.0.1:6379 in the billing tests');
  });
  const prompt = () => fixture('claude', 'UserPromptSubmit.json', { cwd });
  const envFor = (rt: string, state: string, extra: NodeJS.ProcessEnv = {}) => ({
    MNEMOS_DB: db,
    MNEMOS_STATE_DIR: state,
    MNEMOS_RUNTIME_DIR: rt,
    MNEMOS_HOOK_ONCE_MS: '0',
    MNEMOS_HOOK_MIN_SCORE: '0', // one memory in the store: its BM25 is small
    MNEMOS_HELPER_IDLE_MS: '60000',
    ...extra,
  });

  test('the first hook answers in-process and starts a helper; the next ones are answered by it', async () => {
    const rt = path.join(tmpDir('mnemos-rt-'), 'rt');
    const state = tmpDir();
    const env = envFor(rt, state);
    const first = await runHookBin(['prompt', '--agent', 'claude'], prompt(), env);
    assert.equal(first.code, 0);
    assert.match(first.stdout, /redis-cache refusing connections/);
    const pid = await until('the helper', () => helperPid(rt));
    started.push(pid);
    await until('its socket', () => files(rt, '.sock').length === 1);
    assert.equal(fs.statSync(rt).mode & 0o777, 0o700, 'the runtime folder is 0700');
    assert.equal(fs.statSync(files(rt, '.key')[0]).mode & 0o777, 0o600, 'the key file is 0600');
    for (let i = 0; i < 2; i++) {
      const r = await runHookBin(['prompt', '--agent', 'claude'], prompt(), env);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, first.stdout, 'the helper answers exactly what the in-process hook answered');
    }
    // Through `mnemos hook` (dist/cli.js) too, and still the same helper.
    const viaCli = (await runCli(['hook', 'prompt', '--agent', 'claude'], env, prompt())).stdout;
    assert.equal(viaCli, first.stdout);
    const pids = readLog(state)
      .filter((l) => String(l.msg).startsWith('recalled'))
      .map((l) => l.pid);
    assert.equal(pids.length, 4);
    assert.notEqual(pids[0], pid, 'the first answer came from the hook process itself');
    assert.deepEqual(pids.slice(1), [pid, pid, pid], 'the next answers came from the helper');
    assert.equal(helperPid(rt), pid, 'no second helper was started');
  });

  test('a helper exits when idle and removes its socket; a bad argument still exits 64 through it', async () => {
    const rt = path.join(tmpDir('mnemos-rt-'), 'rt');
    const env = envFor(rt, tmpDir(), { MNEMOS_HELPER_IDLE_MS: '1500' });
    await runHookBin(['prompt', '--agent', 'claude'], prompt(), env);
    const pid = await until('the helper', () => helperPid(rt));
    started.push(pid);
    await until('its socket', () => files(rt, '.sock').length === 1);
    const bad = await runHookBin(['prompt', '--agent', 'nobody'], prompt(), env);
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /unknown agent/);
    await until('the idle exit', () => !alive(pid));
    assert.deepEqual(fs.readdirSync(rt), [], 'socket, key and lock removed');
  });

  test('a stale socket (a helper killed with SIGKILL) is replaced, and nothing is lost meanwhile', async () => {
    const rt = path.join(tmpDir('mnemos-rt-'), 'rt');
    const state = tmpDir();
    const env = envFor(rt, state);
    const first = await runHookBin(['prompt', '--agent', 'claude'], prompt(), env);
    const pid = await until('the helper', () => helperPid(rt));
    await until('its socket', () => files(rt, '.sock').length === 1);
    process.kill(pid, 'SIGKILL');
    await until('the kill', () => !alive(pid));
    assert.equal(files(rt, '.sock').length, 1, 'the dead helper left its socket behind');
    const r = await runHookBin(['prompt', '--agent', 'claude'], prompt(), env);
    assert.equal(r.stdout, first.stdout, 'answered in-process');
    const pid2 = await until('a new helper', () => {
      const p = helperPid(rt);
      return p !== pid && p;
    });
    started.push(pid2);
    let served = false;
    for (let i = 0; i < 40 && !served; i++) {
      const again = await runHookBin(['prompt', '--agent', 'claude'], prompt(), env);
      assert.equal(again.stdout, first.stdout);
      served = readLog(state).at(-1)?.pid === pid2;
      if (!served) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(served, 'the new helper serves');
  });

  test('each request names its store: one helper serves two files, each its own memories', async () => {
    const rt = path.join(tmpDir('mnemos-rt-'), 'rt');
    const state = tmpDir();
    const other = await seeded(
      'The root cause was redis-cache dropping 127.0.0.1:6379 connections under TLS in billing',
    );
    await runHookBin(['prompt', '--agent', 'claude'], prompt(), envFor(rt, state));
    const pid = await until('the helper', () => helperPid(rt));
    started.push(pid);
    await until('its socket', () => files(rt, '.sock').length === 1);
    const a = await runHookBin(['prompt', '--agent', 'claude'], prompt(), envFor(rt, state));
    const b = await runHookBin(['prompt', '--agent', 'claude'], prompt(), envFor(rt, state, { MNEMOS_DB: other }));
    assert.match(a.stdout, /refusing connections/);
    assert.doesNotMatch(a.stdout, /under TLS/);
    assert.match(b.stdout, /under TLS/);
    assert.doesNotMatch(b.stdout, /refusing connections/);
    assert.deepEqual(
      readLog(state)
        .slice(-2)
        .map((l) => l.pid),
      [pid, pid],
    );
    // The file replaced under the helper (deleted and made again): the helper opens the new one.
    fs.rmSync(path.dirname(other), { recursive: true });
    fs.mkdirSync(path.dirname(other));
    const s = await openStore({ mode: 'local', path: other });
    await s.store({
      topic: 'errors-resolved',
      summary: 'The fix was pinning redis-cache to 127.0.0.1:6379 for billing',
    });
    await s.close();
    const c = await runHookBin(['prompt', '--agent', 'claude'], prompt(), envFor(rt, state, { MNEMOS_DB: other }));
    assert.match(c.stdout, /pinning redis-cache/);
    assert.doesNotMatch(c.stdout, /under TLS/);
  });

  /** A fake helper on the socket path: it reads the request, then behaves as `onRequest` says. */
  async function fakeHelper(rt: string, onRequest: (sock: net.Socket, req: string) => void) {
    fs.mkdirSync(rt, { recursive: true, mode: 0o700 });
    // The id is the one the client computes from dist/cli-main.js.
    const { helperPaths } = await import('../../src/hooks/helperWire');
    const paths = helperPaths({ MNEMOS_RUNTIME_DIR: rt }, path.join(ROOT, 'dist/cli-main.js'), true)!;
    fs.writeFileSync(paths.key, 'a'.repeat(64), { mode: 0o600 });
    fs.writeFileSync(paths.lock, String(process.pid)); // "a helper is running": the client starts none
    const server = net.createServer({ allowHalfOpen: true }, (sock) => {
      let req = '';
      sock.on('data', (d) => (req += String(d)));
      sock.on('end', () => onRequest(sock, req));
    });
    await new Promise<void>((r) => server.listen(paths.sock, r));
    return { paths, close: () => new Promise((r) => server.close(r)) };
  }

  test('a helper that dies mid-request: the hook does the work in-process, even for a payload it claimed', async () => {
    const rt = path.join(tmpDir('mnemos-rt-'), 'rt');
    const state = tmpDir();
    const fake = await fakeHelper(rt, (sock) => sock.destroy());
    try {
      const env = envFor(rt, state, { MNEMOS_HOOK_ONCE_MS: '15000' });
      // The payload's once-claim is taken first, as a real helper would have before dying.
      const { claimOnce } = await import('../../src/hooks/local');
      const { createHash } = await import('node:crypto');
      const text = prompt();
      claimOnce(state, `prompt\0${createHash('sha256').update(text).digest('hex')}`, 15_000);
      const r = await runHookBin(['prompt', '--agent', 'claude'], text, env);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /redis-cache refusing connections/);
      assert.notEqual(readLog(state).at(-1)?.pid, undefined);
    } finally {
      await fake.close();
    }
  });

  test('a helper that hangs: the agent gets nothing, exit 0, within the hook budget; the CLI runs in-process', async () => {
    const rt = path.join(tmpDir('mnemos-rt-'), 'rt');
    const state = tmpDir();
    const held: net.Socket[] = [];
    const fake = await fakeHelper(rt, (sock) => held.push(sock));
    try {
      const t0 = Date.now();
      const r = await runHookBin(
        ['prompt', '--agent', 'claude'],
        prompt(),
        envFor(rt, state, { MNEMOS_HOOK_TIMEOUT_MS: '300' }),
      );
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.ok(Date.now() - t0 < 15_000);
      assert.match(JSON.stringify(readLog(state).at(-1)), /helper did not answer/);
      // A reply that is not the wire's (garbage, then close): the CLI does the work itself.
      const fake2Rt = path.join(tmpDir('mnemos-rt-'), 'rt');
      const fake2 = await fakeHelper(fake2Rt, (sock) => sock.end('{"code": "x"'));
      try {
        const c = await runCli(['recall', 'redis-cache', '--db', db], envFor(fake2Rt, state));
        assert.equal(c.code, 0);
        assert.match(c.stdout, /refusing connections/);
      } finally {
        await fake2.close();
      }
    } finally {
      for (const s of held) s.destroy();
      await fake.close();
    }
  });

  test('guards: a runtime folder others can enter is not used; a request without the token or too large is refused', async () => {
    // 0755: the client neither connects nor starts a helper there, and still answers.
    const loose = path.join(tmpDir('mnemos-rt-'), 'rt');
    fs.mkdirSync(loose, { mode: 0o755 });
    fs.chmodSync(loose, 0o755);
    const r = await runHookBin(['prompt', '--agent', 'claude'], prompt(), envFor(loose, tmpDir()));
    assert.match(r.stdout, /refusing connections/);
    await new Promise((res) => setTimeout(res, 1500));
    assert.deepEqual(fs.readdirSync(loose), []);

    const rt = path.join(tmpDir('mnemos-rt-'), 'rt');
    const env = envFor(rt, tmpDir());
    await runHookBin(['prompt', '--agent', 'claude'], prompt(), env);
    const pid = await until('the helper', () => helperPid(rt));
    started.push(pid);
    const sockPath = await until('its socket', () => files(rt, '.sock')[0]);
    const talk = (body: string | Buffer) =>
      new Promise<string>((resolve) => {
        const s = net.createConnection(sockPath);
        let out = '';
        s.on('data', (d) => (out += String(d)));
        s.on('error', () => resolve(out));
        s.on('close', () => resolve(out));
        s.end(body);
      });
    const req = { v: 1, kind: 'cli', argv: ['recall', 'redis'], cwd: '/', env: { MNEMOS_DB: db } };
    assert.equal(await talk(JSON.stringify({ ...req, token: 'b'.repeat(64) })), '', 'wrong token: no answer');
    assert.equal(await talk(Buffer.alloc(10 * 1024 * 1024, 32)), '', 'over 9 MiB: cut off');
    const token = fs.readFileSync(files(rt, '.key')[0], 'utf8');
    const notAllowed = JSON.parse(await talk(JSON.stringify({ ...req, token, argv: ['forget', 'x'] })));
    assert.match(notAllowed.decline, /command/, 'only the read-only commands');
    const ok = JSON.parse(await talk(JSON.stringify({ ...req, token })));
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /refusing connections/);
    assert.ok(alive(pid), 'the helper survived all of it');
  });

  test('mnemos recall / list / stats through the helper print exactly what they print in-process', async () => {
    const rt = path.join(tmpDir('mnemos-rt-'), 'rt');
    const env = envFor(rt, tmpDir());
    await runCli(['recall', 'redis'], env);
    const pid = await until('the helper', () => helperPid(rt));
    started.push(pid);
    await until('its socket', () => files(rt, '.sock').length === 1);
    for (const args of [
      ['recall', 'redis-cache', 'billing', '--db', db],
      ['recall', 'redis', '--json', '--db', db],
      ['recall', 'nothing-like-this', '--db', db],
      ['recall', '--db', db],
      ['list', '--db', db, '--format', 'json'],
      ['stats', '--db', db],
    ]) {
      const viaHelper = await runCli(args, env);
      const inProcess = await runCli(args, { ...env, MNEMOS_HELPER: 'off' });
      const norm = (s: string) => s.replace(/"lastAccessed":"[^"]*"|"accessCount":\d+|Oldest.*|Newest.*/g, '');
      assert.equal(viaHelper.code, inProcess.code, args.join(' '));
      assert.equal(norm(viaHelper.stdout), norm(inProcess.stdout), args.join(' '));
      assert.equal(viaHelper.stderr, inProcess.stderr, args.join(' '));
    }
  });
});
