/**
 * The server process itself, spoken to byte by byte: malformed and oversized input, end of input,
 * SIGTERM, a store that cannot be opened. Stdout must only ever carry JSON-RPC.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type MnemosStore, openStore } from '../../src/store';
import { type Sqld, startSqld } from '../helpers/sqld';
import { baseEnv, NODE_ARGS, ROOT, tmpDir } from './harness';

interface Raw {
  proc: ChildProcess;
  send(msg: unknown): void;
  /** Resolves with the first stdout message matching `pred` (already received or future). */
  next(pred: (m: Record<string, any>) => boolean, ms?: number): Promise<Record<string, any>>;
  messages: Record<string, any>[];
  stderr(): string;
  exit: Promise<number | null>;
}

function rawServer(env: Record<string, string>): Raw {
  const proc = spawn(process.execPath, NODE_ARGS, { cwd: ROOT, env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: Record<string, any>[] = [];
  const waiters: { pred: (m: Record<string, any>) => boolean; resolve: (m: Record<string, any>) => void }[] = [];
  let buf = '';
  let err = '';
  proc.stdout.on('data', (d) => {
    buf += String(d);
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const m = JSON.parse(line); // anything but JSON on stdout fails the test
      assert.equal(m.jsonrpc, '2.0', `stdout carries only JSON-RPC: ${line.slice(0, 200)}`);
      messages.push(m);
      for (const w of waiters.filter((w) => w.pred(m))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  proc.stderr.on('data', (d) => (err += String(d)));
  proc.stdin.on('error', () => undefined);
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc,
    messages,
    stderr: () => err,
    exit,
    send: (msg) => proc.stdin.write((typeof msg === 'string' ? msg : JSON.stringify(msg)) + '\n'),
    next(pred, ms = 15_000) {
      const have = messages.find(pred);
      if (have) return Promise.resolve(have);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching message in ${ms} ms; stderr:\n${err}`)), ms);
        waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
      });
    },
  };
}

const INIT = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
const call = (id: number, name: string, args: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});
const byId = (id: unknown) => (m: Record<string, any>) => m.id === id;

async function handshake(s: Raw): Promise<void> {
  s.send(INIT);
  await s.next(byId(0));
  s.send(INITIALIZED);
}

describe('mcp server process', () => {
  let sqld: Sqld;
  let remote: MnemosStore;
  before(async () => {
    sqld = await startSqld({ auth: true });
    remote = await openStore({ mode: 'remote', url: sqld.url, authToken: sqld.token });
  });
  after(async () => {
    await remote?.close();
    await sqld?.stop();
  });

  test('a malformed line gets a JSON-RPC error reply and the server keeps serving', { timeout: 45_000 }, async () => {
    const s = rawServer({ MNEMOS_DB: path.join(tmpDir(), 'm.db') });
    await handshake(s);
    s.send('this is not json');
    s.send('{"jsonrpc":"2.0","id":7,"method":42}');
    s.send('[1,2,3]');
    s.send({ jsonrpc: '2.0', id: 8, method: 'no/such/method' });
    s.send(call(9, 'icm_memory_store', { topic: 't', content: 'still alive' }));
    const parse = await s.next((m) => m.error?.code === -32700);
    assert.equal(parse.id, null);
    const invalid = await s.next(byId(7));
    assert.equal(invalid.error.code, -32600);
    assert.equal((await s.next(byId(8))).error.code, -32601);
    const ok = await s.next(byId(9));
    assert.match(ok.result.content[0].text, /^ok:/);
    assert.equal(
      s.messages.filter((m) => m.error?.code === -32600).length,
      2,
      'the array and the bad method both answered',
    );
    s.proc.stdin!.end();
    assert.equal(await s.exit, 0);
  });

  test(
    'a message larger than 16 MiB is discarded with an error and the next one is answered',
    { timeout: 45_000 },
    async () => {
      const s = rawServer({ MNEMOS_DB: path.join(tmpDir(), 'm.db') });
      await handshake(s);
      const huge = JSON.stringify(call(1, 'icm_memory_store', { topic: 't', content: 'x'.repeat(17 * 1024 * 1024) }));
      s.send(huge);
      s.send(call(2, 'icm_memory_store', { topic: 't', content: 'after the flood' }));
      const tooBig = await s.next((m) => m.error?.code === -32600, 30_000);
      assert.match(tooBig.error.message, /larger than 16777216 bytes/);
      assert.match((await s.next(byId(2), 30_000)).result.content[0].text, /^ok:/);
      assert.equal(
        s.messages.some((m) => m.id === 1),
        false,
        'the oversized request is not executed',
      );
      s.proc.stdin!.end();
      assert.equal(await s.exit, 0);
    },
  );

  test(
    'closing stdin answers every request already sent, writes them all, then exits 0',
    { timeout: 45_000 },
    async () => {
      const db = path.join(tmpDir(), 'm.db');
      const s = rawServer({ MNEMOS_DB: db });
      s.send(INIT);
      s.send(INITIALIZED);
      for (let i = 1; i <= 50; i++) s.send(call(i, 'icm_memory_store', { topic: 'pipe', content: `piped ${i}` }));
      s.proc.stdin!.end();
      assert.equal(await s.exit, 0, s.stderr());
      const answered = s.messages.filter((m) => typeof m.id === 'number' && m.id > 0);
      assert.equal(answered.length, 50);
      assert.ok(
        answered.every((m) => /^ok:/.test(m.result.content[0].text)),
        'every store succeeded',
      );
      const store = await openStore({ mode: 'local', path: db });
      try {
        assert.equal(await store.count('pipe'), 50);
      } finally {
        await store.close();
      }
    },
  );

  test(
    'SIGTERM finishes what is in flight, flushes the pending access bumps to the remote store, and exits 0',
    { timeout: 45_000 },
    async () => {
      await remote.sql(`DELETE FROM memories`);
      const { id } = await remote.store({ topic: 'sig', summary: 'recalled right before shutdown' });
      const s = rawServer({ TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: sqld.token! });
      await handshake(s);
      s.send(call(1, 'icm_memory_recall', { query: 'shutdown' }));
      assert.equal((await s.next(byId(1))).result.content[0].text, '[sig] recalled right before shutdown');
      // Remote access bumps are coalesced for 250 ms; SIGTERM now must still write this one.
      s.proc.kill('SIGTERM');
      assert.equal(await s.exit, 0, s.stderr());
      assert.equal((await remote.get(id))!.accessCount, 1);
      assert.match(s.stderr(), /SIGTERM/);
      assert.ok(!s.stderr().includes(sqld.token!), 'no token in the log');
    },
  );

  test(
    'a store that cannot be opened exits 1 with a clear message that never contains the token',
    { timeout: 45_000 },
    async () => {
      const bad = 'eyJhbGciOiJFZERTQSJ9.eyJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlc2lnbmF0dXJl';
      const wrong = rawServer({ TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: bad });
      assert.equal(await wrong.exit, 1);
      assert.match(wrong.stderr(), /mnemos MCP server: .*(auth|token|401|Unauthorized)/i);
      assert.ok(!wrong.stderr().includes(bad), wrong.stderr());
      const plain = rawServer({ TURSO_DATABASE_URL: 'http://example.com', TURSO_AUTH_TOKEN: bad });
      assert.equal(await plain.exit, 1);
      assert.match(plain.stderr(), /refusing http:\/\/ to example\.com/);
      assert.ok(!plain.stderr().includes(bad), plain.stderr());
      assert.equal(wrong.messages.length + plain.messages.length, 0, 'nothing on stdout');
    },
  );
});
