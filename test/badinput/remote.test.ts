/**
 * Bad server URLs and bad tokens, through the store, the CLI (--url, TURSO_AUTH_TOKEN) and the MCP
 * server (TURSO_DATABASE_URL, TURSO_AUTH_TOKEN), against a real sqld with JWT auth: each is refused
 * with an error that says what is wrong (a URL rule, "refused the auth token", "cannot reach"),
 * never echoes a secret, and changes nothing on the server.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../cli/helpers';
import { type Sqld, startSqld } from '../helpers/sqld';
import { type MnemosStore, openStore, type StoreConfig } from '../../src/store';
import { EXIT_OF, snapshot, tmpDir, watchProcess } from './fixture';
import { tryServe } from './procs';

let sqld: Sqld;
let good: MnemosStore;
let baseline: string;
const watch = watchProcess();

before(async () => {
  sqld = await startSqld({ auth: true });
  good = await openStore({ mode: 'remote', url: sqld.url, authToken: sqld.token });
  await good.storeMany([
    { topic: 'remote', summary: 'a memory on the server that no bad request may change', keywords: ['server'] },
    { topic: 'remote', summary: 'a second one, for good measure' },
  ]);
  baseline = await snapshot(good);
});
after(async () => {
  await good?.close();
  await sqld?.stop();
  watch.check();
});

async function serverUnchanged(what: string): Promise<void> {
  assert.equal(await snapshot(good), baseline, `${what} changed the server's rows`);
}

interface Expect {
  code: 'invalid_input' | 'auth' | 'connection';
  message: RegExp;
  /** Text that must appear in no output (a secret carried by the bad value). */
  secret?: string;
}

/** The same refusal from the store, the CLI (a read and a write), and the MCP server (it does not start). */
async function refusedEverywhere(
  cfg: StoreConfig,
  cli: { args: string[]; env: Record<string, string> },
  mcpEnv: Record<string, string>,
  e: Expect,
): Promise<void> {
  const noSecret = (text: string, where: string) => {
    if (e.secret) assert.ok(!text.includes(e.secret), `${where} repeats the secret: ${text.slice(0, 300)}`);
  };
  await assert.rejects(openStore(cfg), (err: Error & { code?: string }) => {
    assert.equal(err.code, e.code, `store: ${err.message}`);
    assert.match(err.message, e.message, 'store');
    noSecret(err.message + String((err as { stack?: string }).stack), 'the store error');
    return true;
  });
  // An unreachable server costs the CLI its retries: one command is enough there.
  const cmds =
    e.code === 'connection'
      ? [['topics']]
      : [['topics'], ['store', '-t', 'remote', '-c', 'a write that must not land']];
  for (const cmd of cmds) {
    const r = await runCli([...cli.args, '--format', 'json', ...cmd], { env: cli.env });
    assert.equal(r.code, EXIT_OF[e.code], `mnemos ${cmd[0]}: exit ${r.code}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const err = r.errJson().error;
    assert.equal(err.code, e.code);
    assert.match(err.message, e.message, `mnemos ${cmd[0]}`);
    noSecret(r.stdout + r.stderr, `mnemos ${cmd[0]}`);
    if (e.secret) {
      const dbg = await runCli([...cli.args, ...cmd], { env: { ...cli.env, MNEMOS_DEBUG: '1' } });
      noSecret(dbg.stdout + dbg.stderr, `mnemos ${cmd[0]} with MNEMOS_DEBUG=1 (stack traces)`);
    }
  }
  // A process environment cannot hold a NUL byte: that value never reaches an MCP server.
  if (Object.values(mcpEnv).some((v) => v.includes('\u0000'))) return;
  const srv = await tryServe(mcpEnv);
  if (srv.ok) await srv.served.close();
  assert.equal(srv.ok, false, 'the MCP server does not start');
  if (!srv.ok) {
    assert.match(srv.stderr, /^mnemos MCP server: /m);
    assert.match(srv.stderr, e.message, 'MCP server');
    noSecret(srv.stderr + srv.error, 'the MCP server');
  }
}

interface UrlCase extends Expect {
  name: string;
  url: string;
  todo?: string;
}
const SCHEME =
  /unsupported URL scheme "([a-z]+):"; use libsql:\/\/, https:\/\/, wss:\/\/ \(or http:\/\/ on localhost\)/;
const NOT_URL = /is not a URL; expected libsql:\/\/, https:\/\/, wss:\/\//;
const PLAIN = /refusing (http|ws):\/\/ to .+: tokens would travel unencrypted; use https:\/\/ or libsql:\/\//;
const IN_URL = /put the auth token in secret storage or TURSO_AUTH_TOKEN, not in the URL/;
const UNREACHABLE = /cannot reach libSQL server .+; check the URL and that the server is running/;
const URL_CASES: UrlCase[] = [
  { name: 'ftp://', url: 'ftp://example.com/memories.db', code: 'invalid_input', message: SCHEME },
  { name: 'file://', url: 'file:///tmp/memories.db', code: 'invalid_input', message: SCHEME },
  { name: 'javascript:', url: 'javascript:alert(1)', code: 'invalid_input', message: SCHEME },
  { name: 'plain http to a private address', url: 'http://10.0.0.1:8080', code: 'invalid_input', message: PLAIN },
  { name: 'plain ws to a LAN address', url: 'ws://192.168.1.1', code: 'invalid_input', message: PLAIN },
  { name: 'plain http to a public name', url: 'http://db.example.com', code: 'invalid_input', message: PLAIN },
  {
    name: 'libsql:// without a host',
    url: 'libsql://',
    code: 'invalid_input',
    message: /URL "libsql:\/\/" has no host/,
  },
  { name: 'garbage', url: 'garbage', code: 'invalid_input', message: NOT_URL },
  { name: 'a space', url: ' ', code: 'invalid_input', message: NOT_URL },
  { name: 'a space inside the host', url: 'https://exa mple.com', code: 'invalid_input', message: NOT_URL },
  { name: 'an unclosed IPv6 bracket', url: 'http://[::1', code: 'invalid_input', message: NOT_URL },
  {
    name: 'a token as the URL password',
    url: 'https://user:s3cretpassw0rd@db.example.com',
    code: 'invalid_input',
    message: IN_URL,
    secret: 's3cretpassw0rd',
  },
  {
    name: 'a token in the query string',
    url: 'https://db.example.com/?authToken=s3cretqueryt0ken',
    code: 'invalid_input',
    message: IN_URL,
    secret: 's3cretqueryt0ken',
  },
  {
    name: 'a JWT in a libsql:// query string',
    url: 'libsql://db.example.turso.io?authToken=eyJhbGciOiJFZERTQSJ9.eyJpYXQiOjE3MDB9.c2lnbmF0dXJlc2lnbmF0dXJl',
    code: 'invalid_input',
    message: IN_URL,
    secret: 'c2lnbmF0dXJlc2lnbmF0dXJl',
  },
  {
    name: 'a token in a URL that does not parse',
    url: 'https://user:unparsedsecret99@exa mple.com',
    code: 'invalid_input',
    message: NOT_URL,
    secret: 'unparsedsecret99',
  },
  {
    name: 'nothing listening (plain http on loopback)',
    url: 'http://127.0.0.1:1',
    code: 'connection',
    message: UNREACHABLE,
  },
  {
    name: 'nothing listening (https on localhost)',
    url: 'https://localhost:1',
    code: 'connection',
    message: UNREACHABLE,
  },
];

describe('server URLs that are refused or unreachable', () => {
  for (const c of URL_CASES) {
    test(`url: ${c.name}`, c.todo ? { todo: c.todo } : {}, async () => {
      const env = { TURSO_AUTH_TOKEN: sqld.token! };
      await refusedEverywhere(
        { mode: 'remote', url: c.url, authToken: sqld.token, retries: 0 },
        { args: ['--url', c.url], env },
        { TURSO_DATABASE_URL: c.url, TURSO_AUTH_TOKEN: sqld.token! },
        c,
      );
      // The same URL as a replica's primary: refused before a replica file is made.
      const dir = tmpDir();
      const replica = path.join(dir, 'replica.db');
      await assert.rejects(
        openStore({ mode: 'replica', path: replica, syncUrl: c.url, authToken: sqld.token, retries: 0 }),
        (e: Error & { code?: string }) => e.code === c.code,
      );
      const r = await runCli(['--db', replica, '--url', c.url, '--replica', '--format', 'json', 'topics'], { env });
      assert.equal(r.code, EXIT_OF[c.code], r.stderr);
      assert.deepEqual(fs.readdirSync(dir), [], 'no replica file is created');
      await serverUnchanged(c.name);
    });
  }

  test('url: an explicit empty --url is refused, not read as "use the local default"', async () => {
    const r = await runCli(['--url', '', '--format', 'json', 'topics']);
    assert.equal(r.code, 2, `exit ${r.code}: ${r.stdout}${r.stderr}`);
    assert.match(r.errJson().error.message, /--url/);
  });
});

interface TokenCase {
  name: string;
  token: () => string | undefined;
  /** ok: the server accepts it; auth: refused as a token; invalid_input: refused before sending. */
  expect: 'ok' | 'auth' | 'invalid_input' | 'ok-or-auth';
  todo?: string;
}
const REFUSED =
  /libSQL server http:\/\/127\.0\.0\.1:\d+ refused the auth token \(.*\); set a valid token with "Mnemos: Set Auth Token" or TURSO_AUTH_TOKEN/;
const BAD_CHARS = /auth token .*(line break|newline|control character|non-ASCII)/i;
const TOKEN_CASES: TokenCase[] = [
  { name: 'the right token', token: () => sqld.token, expect: 'ok' },
  {
    name: 'the right token with a trailing newline (as read from a file)',
    token: () => `${sqld.token}\n`,
    expect: 'ok',
  },
  { name: 'no token', token: () => undefined, expect: 'auth' },
  { name: 'an empty token', token: () => '', expect: 'auth' },
  { name: 'a random string', token: () => 'not-a-jwt-just-a-guess', expect: 'auth' },
  {
    name: 'the right token with its signature altered',
    token: () => sqld.token!.slice(0, -6) + 'AAAAAA',
    expect: 'auth',
  },
  {
    name: 'a token signed by another key',
    token: () => 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3MDAwMDAwMDB9.' + 'A'.repeat(86),
    expect: 'auth',
  },
  { name: 'an expired token', token: () => sqld.sign!({ exp: Math.floor(Date.now() / 1000) - 3600 }), expect: 'auth' },
  { name: 'a read-only token (for reading)', token: () => sqld.sign!({ a: 'ro' }), expect: 'ok' },
  { name: '"Bearer " pasted in front of the token', token: () => `Bearer ${sqld.token}`, expect: 'auth' },
  { name: 'a token of 10 kB', token: () => 'x'.repeat(10_000), expect: 'auth' },
  { name: 'a non-ASCII token', token: () => 'ünïcödé-tökén-🧠', expect: 'invalid_input' },
  { name: 'a space before the right token', token: () => ` ${sqld.token}`, expect: 'ok-or-auth' },
  {
    name: 'a newline inside the token',
    token: () => `${sqld.token!.slice(0, 20)}\n${sqld.token!.slice(20)}`,
    expect: 'invalid_input',
  },
  { name: 'a header injected after the token', token: () => `${sqld.token}\r\nX-Injected: 1`, expect: 'invalid_input' },
  {
    name: 'a NUL inside the token',
    token: () => `${sqld.token!.slice(0, 20)}\u0000${sqld.token!.slice(20)}`,
    expect: 'invalid_input',
  },
];

describe('tokens against sqld with JWT auth', () => {
  for (const c of TOKEN_CASES) {
    test(`token: ${c.name}`, c.todo ? { todo: c.todo } : {}, async () => {
      const token = c.token();
      const env: Record<string, string> = token === undefined ? {} : { TURSO_AUTH_TOKEN: token };
      const secret = token && token.trim().length >= 8 ? token.trim() : undefined;
      const cfg: StoreConfig = { mode: 'remote', url: sqld.url, authToken: token, retries: 0 };
      if (c.expect === 'ok' || c.expect === 'ok-or-auth') {
        let s: MnemosStore | undefined;
        try {
          s = await openStore(cfg);
        } catch (e) {
          assert.equal(c.expect, 'ok-or-auth', `store: ${(e as Error).message}`);
          assert.equal((e as { code?: string }).code, 'auth');
          assert.match((e as Error).message, REFUSED);
        }
        if (s) {
          assert.equal(await s.count('remote'), 2);
          await s.close();
        }
        const r = await runCli(['--url', sqld.url, '--format', 'json', 'topics'], { env });
        assert.ok(
          r.code === 0 || (c.expect === 'ok-or-auth' && r.code === 4),
          `mnemos topics: exit ${r.code}: ${r.stderr}`,
        );
        if (r.code === 0) assert.deepEqual(r.json(), { topics: [{ topic: 'remote', count: 2 }] });
        else assert.match(r.errJson().error.message, REFUSED);
        if (secret) assert.ok(!(r.stdout + r.stderr).includes(secret), 'no token in the CLI output');
        const srv = await tryServe({ TURSO_DATABASE_URL: sqld.url, ...env });
        if (srv.ok) {
          const t = await srv.served.call('icm_memory_list_topics');
          await srv.served.close();
          assert.match(t.text, /remote: 2 memories/);
          if (secret) assert.ok(!srv.served.stderr().includes(secret), 'no token in the MCP log');
        } else {
          assert.equal(c.expect, 'ok-or-auth', srv.stderr);
          assert.match(srv.stderr, REFUSED);
          if (secret) assert.ok(!srv.stderr.includes(secret), 'no token in the MCP log');
        }
      } else {
        await refusedEverywhere(
          cfg,
          { args: ['--url', sqld.url], env },
          { TURSO_DATABASE_URL: sqld.url, ...env },
          { code: c.expect, message: c.expect === 'auth' ? REFUSED : BAD_CHARS, secret },
        );
      }
      await serverUnchanged(c.name);
    });
  }

  test('token: a read-only token reads, and its writes are refused everywhere and land nowhere', async () => {
    const ro = sqld.sign!({ a: 'ro' });
    const s = await openStore({ mode: 'remote', url: sqld.url, authToken: ro, retries: 0 });
    try {
      assert.equal(await s.count(), 2);
      await assert.rejects(
        s.store({ topic: 'remote', summary: 'a write with a read-only token' }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'auth', e.message);
          assert.match(e.message, /refused the auth token \(.*403\)/);
          return true;
        },
      );
    } finally {
      await s.close();
    }
    const r = await runCli(
      ['--url', sqld.url, '--format', 'json', 'store', '-t', 'remote', '-c', 'a write with a read-only token'],
      { env: { TURSO_AUTH_TOKEN: ro } },
    );
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.errJson().error.message, /refused the auth token/);
    assert.ok(!r.stderr.includes(ro));
    const srv = await tryServe({ TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: ro });
    assert.ok(srv.ok, srv.ok ? '' : srv.stderr);
    if (srv.ok) {
      const w = await srv.served.call('icm_memory_store', {
        topic: 'remote',
        content: 'a write with a read-only token',
      });
      const topics = await srv.served.call('icm_memory_list_topics');
      await srv.served.close();
      assert.equal(w.isError, true);
      assert.match(w.text, /refused the auth token/);
      assert.ok(!w.text.includes(ro) && !srv.served.stderr().includes(ro));
      assert.match(topics.text, /remote: 2 memories/);
    }
    await serverUnchanged('writes with a read-only token');
  });
});
