/**
 * Tokens are secrets: against a real sqld with JWT auth, every CLI command (in-process and the built
 * bin, text and JSON, remote and embedded replica, successes and failures, with MNEMOS_DEBUG stack
 * traces) and every MCP tool (stdio-entry and `mnemos serve`, compact and verbose, a token that expires
 * mid-session) runs with the right token and with wrong ones. Everything they print, every exported
 * file, the replica file and its metadata files and the server's own data files are then searched for
 * each token and for each token's signature. A missing or wrong token is refused with a message that
 * says so: exit 4 from the CLI, the refusal in the MCP server's error text.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../cli/helpers';
import { type Sqld, startSqld } from '../helpers/sqld';
import { tryServe } from '../badinput/procs';
import { tmpDir } from '../badinput/fixture';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'dist/cli.js');
const MODELS = path.join(ROOT, 'test/fixtures/models');
const REFUSED =
  /libSQL server http:\/\/127\.0\.0\.1:\d+ refused the auth token \(.+\); set a valid token with "Mnemos: Set Auth Token" or TURSO_AUTH_TOKEN/;

let sqld: Sqld;
let TOKEN: string;
/** Wrong tokens: an expired JWT from the server's own key, a JWT from another key, and a plain string. */
let WRONG: Record<string, string>;
let work: string;
/** Everything any front end printed or returned, with where it came from. */
const transcript: { where: string; text: string }[] = [];
/** Folders whose every file is searched at the end. */
const folders: string[] = [];

const record = (where: string, ...texts: string[]) => transcript.push({ where, text: texts.join('\n') });
function secrets(): [string, string][] {
  const out: [string, string][] = [
    ['the token', TOKEN],
    ["the token's signature", TOKEN.split('.')[2]],
  ];
  for (const [k, v] of Object.entries(WRONG)) {
    out.push([`wrong token (${k})`, v]);
    if (v.split('.').length === 3) out.push([`wrong token (${k}) signature`, v.split('.')[2]]);
  }
  return out;
}
function assertNoSecret(where: string, text: string | Buffer): void {
  for (const [what, s] of secrets()) assert.ok(!text.includes(s), `${what} appears in ${where}`);
}

before(async () => {
  sqld = await startSqld({ auth: true });
  TOKEN = sqld.token!;
  const other = crypto.generateKeyPairSync('ed25519').privateKey;
  const h = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify({ iat: Math.floor(Date.now() / 1000) })).toString('base64url');
  WRONG = {
    expired: sqld.sign!({ exp: Math.floor(Date.now() / 1000) - 60 }),
    'other key': `${h}.${p}.${crypto.sign(null, Buffer.from(`${h}.${p}`), other).toString('base64url')}`,
    plain: `wrong-${crypto.randomBytes(16).toString('hex')}`,
  };
  work = tmpDir('mnemos-sec-');
  folders.push(work, path.dirname(sqld.dbPath));
});
after(async () => {
  await sqld?.stop();
});

/** In-process `mnemos`, recorded. */
async function cli(where: string, args: string[], env: Record<string, string>, stdin?: string) {
  const r = await runCli(args, { env, stdin, cwd: work });
  record(`mnemos ${args.join(' ')} [${where}]`, r.stdout, r.stderr);
  return r;
}
/** The built bin as a process, recorded. */
function bin(
  where: string,
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: work, XDG_DATA_HOME: path.join(work, 'xdg'), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => {
      record(`bin ${args.join(' ')} [${where}]`, stdout, stderr);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(stdin);
  });
}

describe('the CLI with the right token', () => {
  test('every command, text and JSON, on the server: works, and prints no token', async () => {
    const env = { TURSO_AUTH_TOKEN: TOKEN };
    const url = ['--url', sqld.url];
    const exportFile = path.join(work, 'remote-export.json');
    const ok = async (args: string[], stdin?: string) => {
      for (const fmt of [[], ['--format', 'json']]) {
        const r = await cli('right token', [...url, ...fmt, ...args], env, stdin);
        assert.equal(r.code, 0, `mnemos ${args.join(' ')}: ${r.stderr}`);
      }
    };
    const stored = await cli(
      'right token',
      [
        ...url,
        '--json',
        'store',
        '-t',
        'sec',
        '-c',
        'memory one about tokens and secrets',
        '-k',
        'auth,jwt',
        '-r',
        'raw excerpt',
      ],
      env,
    );
    assert.equal(stored.code, 0, stored.stderr);
    const id = stored.json().id;
    await ok(['store', '-t', 'sec-b', '-c', 'memory two about tokens']);
    await ok(['store', '-t', 'sec-b', '-c', 'memory three about secrets']);
    await ok(['recall', 'tokens', 'secrets']);
    await ok(['list']);
    await ok(['list', '--all']);
    await ok(['list', '-l', '1']);
    await ok(['get', id]);
    await ok(['update', id, '-c', 'memory one, updated', '-i', 'high']);
    await ok(['topics']);
    await ok(['stats']);
    await ok(['health']);
    await ok(['health', '-t', 'sec']);
    await ok(['decay', '-f', '0.99']);
    await ok(['prune', '--dry-run']);
    await ok(['prune', '-t', '0.01']);
    await ok(['export', exportFile]);
    await ok(['export', '-']);
    await ok(['import', exportFile]);
    await ok(['import', '-'], fs.readFileSync(exportFile, 'utf8'));
    await ok(['sync']);
    await ok(['--version']);
    await ok(['help']);
    await ok(['help', 'store']);
    await ok(['consolidate', '-t', 'sec-b', '-c', 'tokens and secrets, consolidated']);
    const emb = await cli('right token', [...url, '--json', 'embed'], {
      ...env,
      MNEMOS_EMBED_MODEL: 'tiny-bert',
      MNEMOS_MODEL_DIR: MODELS,
      MNEMOS_EMBED_OFFLINE: '1',
    });
    assert.equal(emb.code, 0, emb.stderr);
    const hybrid = await cli('right token', [...url, '--json', 'recall', 'tokens'], {
      ...env,
      MNEMOS_EMBED_MODEL: 'tiny-bert',
      MNEMOS_MODEL_DIR: MODELS,
      MNEMOS_EMBED_OFFLINE: '1',
    });
    assert.equal(hybrid.json().mode, 'hybrid');
    assert.equal((await cli('right token', [...url, 'forget', id], env)).code, 0);
    assert.equal((await cli('right token', [...url, '--json', 'forget', '-t', 'sec-b'], env)).code, 0);
    // A local file with a token in the environment: the file never holds it (searched at the end).
    for (const cmd of [
      ['store', '-t', 'local', '-c', 'a local memory while a token is set'],
      ['recall', 'local'],
      ['export', path.join(work, 'local-export.json')],
    ]) {
      const r = await cli(
        'local file, token in the environment',
        ['--db', path.join(work, 'local.db'), '--json', ...cmd],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
    }
    // LIBSQL_AUTH_TOKEN is read too
    const lib = await cli('LIBSQL_AUTH_TOKEN', [...url, '--json', 'topics'], { LIBSQL_AUTH_TOKEN: TOKEN });
    assert.equal(lib.code, 0, lib.stderr);
    const exported = fs.readFileSync(exportFile, 'utf8');
    assertNoSecret('the export file', exported);
    assert.doesNotMatch(exported, /authToken|auth_token|Bearer/i);
    assert.equal((fs.statSync(exportFile).mode & 0o777).toString(8), '600', 'the export file is private');
  });

  test('failures with the right token (not found, usage, invalid input, conflict), also with MNEMOS_DEBUG stack traces', async () => {
    const url = ['--url', sqld.url];
    for (const debug of [{}, { MNEMOS_DEBUG: '1' }] as Record<string, string>[]) {
      const env = { TURSO_AUTH_TOKEN: TOKEN, ...debug };
      const a = await cli('right token', [...url, '--json', 'store', '-t', 'conflict', '-c', 'first text'], env);
      const b = await cli('right token', [...url, '--json', 'store', '-t', 'conflict', '-c', 'second text'], env);
      assert.equal((await cli('right token', [...url, 'get', '01JZZZZZZZZZZZZZZZZZZZZZZZ'], env)).code, 1);
      assert.equal((await cli('right token', [...url, 'store', '-t', 'x'], env)).code, 2);
      assert.equal((await cli('right token', [...url, 'store', '-t', '', '-c', 'x'], env)).code, 2);
      assert.equal((await cli('right token', [...url, 'recall', 'x', '-l', '0'], env)).code, 2);
      assert.equal((await cli('right token', [...url, 'import', '-'], env, '{"memories": [{"topic": ""}]}')).code, 2);
      assert.equal(
        (await cli('right token', [...url, 'export', path.join(work, 'no-such-dir', 'x.json')], env)).code,
        5,
      );
      assert.equal(
        (await cli('right token', [...url, 'update', b.json().id, '-c', 'first text'], env)).code,
        5,
        'conflict',
      );
      await cli('right token', [...url, 'forget', a.json().id], env);
      await cli('right token', [...url, 'forget', b.json().id], env);
    }
  });
});

describe('the CLI with a missing or wrong token', () => {
  const commands = [
    ['topics'],
    ['stats'],
    ['recall', 'tokens'],
    ['list', '--all'],
    ['store', '-t', 'sec', '-c', 'must not land'],
    ['export', '-'],
    ['import', '-'],
    ['sync'],
    ['forget', '-t', 'sec'],
  ];
  test('every command is refused with exit 4 and a message that says the token was refused, in text, JSON and debug output', async () => {
    const cases: [string, Record<string, string>][] = [
      ['no token', {}],
      ...Object.entries(WRONG).map(([k, v]) => [k, { TURSO_AUTH_TOKEN: v }] as [string, Record<string, string>]),
      ['wrong LIBSQL_AUTH_TOKEN', { LIBSQL_AUTH_TOKEN: WRONG.plain }],
    ];
    for (const [what, env] of cases) {
      for (const cmd of commands) {
        const j = await cli(what, ['--url', sqld.url, '--format', 'json', ...cmd], env, '{"memories": []}');
        assert.equal(j.code, 4, `${what}: mnemos ${cmd.join(' ')} exited ${j.code}: ${j.stderr}`);
        assert.equal(j.stdout, '');
        assert.deepEqual(Object.keys(j.errJson().error), ['code', 'message']);
        assert.equal(j.errJson().error.code, 'auth');
        assert.match(j.errJson().error.message, REFUSED);
        if (!['topics', 'store', 'export'].includes(cmd[0])) continue;
        const t = await cli(what, ['--url', sqld.url, ...cmd], { ...env, MNEMOS_DEBUG: '1' }, '{"memories": []}');
        assert.equal(t.code, 4);
        assert.match(t.stderr, /^mnemos: libSQL server .* refused the auth token/);
        assert.match(t.stderr, /caused by: /, 'MNEMOS_DEBUG prints the cause chain (which must be redacted too)');
      }
      // Bad arguments are still reported as such (checked before the server is asked).
      const u = await cli(what, ['--url', sqld.url, 'store', '-t', 'x'], env);
      assert.equal(u.code, 2);
    }
  });

  test('through the built bin: a wrong token exits 4 with the refusal, the right one works', async () => {
    const w = await bin('wrong token', ['--url', sqld.url, '--json', 'recall', 'tokens'], {
      TURSO_AUTH_TOKEN: WRONG['other key'],
    });
    assert.equal(w.code, 4, w.stderr);
    assert.match(JSON.parse(w.stderr).error.message, REFUSED);
    const m = await bin('no token', ['--url', sqld.url, 'topics'], { MNEMOS_DEBUG: '1' });
    assert.equal(m.code, 4);
    const file = path.join(work, 'bin-export.json');
    const r = await bin('right token', ['--url', sqld.url, '--json', 'store', '-t', 'bin', '-c', 'stored by the bin'], {
      TURSO_AUTH_TOKEN: TOKEN,
    });
    assert.equal(r.code, 0, r.stderr);
    const e = await bin('right token', ['--url', sqld.url, 'export', file], {
      TURSO_AUTH_TOKEN: TOKEN,
      MNEMOS_DEBUG: '1',
    });
    assert.equal(e.code, 0, e.stderr);
    assertNoSecret('the bin export file', fs.readFileSync(file));
  });
});

describe('an embedded replica', () => {
  test('stores, recalls, syncs and exports through its file, is refused with a wrong token, and no replica file holds a token', async () => {
    const dir = path.join(work, 'replica');
    fs.mkdirSync(dir);
    const db = path.join(dir, 'replica.db');
    const env = { TURSO_AUTH_TOKEN: TOKEN };
    const args = ['--db', db, '--url', sqld.url, '--replica'];
    for (const cmd of [
      ['store', '-t', 'replica', '-c', 'written through the replica'],
      ['recall', 'replica'],
      ['sync'],
      ['list', '--all'],
      ['stats'],
      ['export', path.join(dir, 'replica-export.json')],
    ]) {
      const r = await cli('replica, right token', [...args, '--format', 'json', ...cmd], env);
      assert.equal(r.code, 0, `${cmd[0]}: ${r.stderr}`);
    }
    const b = await bin('replica, right token', [...args, 'sync'], { ...env, MNEMOS_DEBUG: '1' });
    assert.equal(b.code, 0, b.stderr);
    for (const [what, tok] of Object.entries(WRONG)) {
      const r = await cli(`replica, ${what}`, [...args, '--format', 'json', 'recall', 'replica'], {
        TURSO_AUTH_TOKEN: tok,
      });
      assert.equal(r.code, 4, `${what}: ${r.stderr}`);
      assert.match(r.errJson().error.message, /refused the auth token/);
    }
    const files = fs.readdirSync(dir);
    assert.ok(
      files.some((f) => f !== 'replica.db' && f.startsWith('replica.db')),
      `the replica's metadata files are there to search: ${files.join(', ')}`,
    );
    // MCP on the replica (its own file, as the extension gives it)
    const srv = await tryServe({
      TURSO_DATABASE_URL: sqld.url,
      TURSO_AUTH_TOKEN: TOKEN,
      ICM_TURSO_REPLICA: '1',
      MNEMOS_DB: path.join(dir, 'replica.mcp.db'),
    });
    assert.ok(srv.ok, srv.ok ? '' : srv.stderr);
    if (srv.ok) {
      const s = await srv.served.call('icm_memory_store', {
        topic: 'replica',
        content: 'written by the MCP server through its replica',
      });
      const r = await srv.served.call('icm_memory_recall', { query: 'replica' });
      await srv.served.close();
      record('MCP on a replica', s.text, r.text, srv.served.stderr());
      assert.equal(s.isError, false, s.text);
    }
  });
});

describe('the MCP server', () => {
  const ALL_TOOLS: [string, Record<string, unknown>][] = [
    [
      'icm_memory_store',
      {
        topic: 'mcp-sec',
        content: 'stored over MCP behind JWT auth',
        keywords: ['jwt'],
        raw_excerpt: 'raw',
        importance: 'high',
      },
    ],
    ['icm_memory_store', { topic: 'mcp-sec', content: 'a second MCP memory' }],
    ['icm_memory_recall', { query: 'JWT auth' }],
    ['icm_memory_recall', { query: 'MCP', topic: 'mcp', keyword: 'jwt', project: 'sec', importance: 'high', limit: 3 }],
    ['icm_memory_list_topics', {}],
    ['icm_memory_stats', {}],
    ['icm_memory_health', {}],
    ['icm_memory_health', { topic: 'mcp-sec' }],
    ['icm_memory_embed_all', {}],
    ['icm_wake_up', { format: 'plain' }],
    ['icm_memory_update', { id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', content: 'not found' }],
    ['icm_memory_forget', { id: "'; DROP TABLE memories; --" }],
    ['icm_memory_store', { topic: '', content: 'invalid' }],
    ['icm_memory_store', { topic: 't', content: 'x', keywords: 42 }],
    ['icm_memory_consolidate', { topic: 'mcp-sec', summary: 'MCP memories, consolidated' }],
    ['icm_memory_forget_topic', { topic: 'mcp-sec' }],
  ];

  test('every tool, compact and verbose, with the right token: no token in any reply or log line', async () => {
    for (const compact of ['1', '0']) {
      const srv = await tryServe({
        TURSO_DATABASE_URL: sqld.url,
        TURSO_AUTH_TOKEN: TOKEN,
        MNEMOS_MCP_COMPACT: compact,
        MNEMOS_DEBUG: '1',
      });
      assert.ok(srv.ok, srv.ok ? '' : srv.stderr);
      if (!srv.ok) return;
      for (const [name, args] of ALL_TOOLS) {
        const r = await srv.served.call(name, args);
        record(`MCP ${name} (compact=${compact})`, r.text);
      }
      await srv.served.close();
      record(`MCP stderr (compact=${compact})`, srv.served.stderr());
    }
  });

  test('a missing or wrong token: the server says the token was refused, and does not start', async () => {
    const cases: [string, Record<string, string>][] = [
      ['no token', {}],
      ...Object.entries(WRONG).map(([k, v]) => [k, { TURSO_AUTH_TOKEN: v }] as [string, Record<string, string>]),
    ];
    for (const [what, env] of cases) {
      const srv = await tryServe({ TURSO_DATABASE_URL: sqld.url, ...env });
      if (srv.ok) await srv.served.close();
      assert.equal(srv.ok, false, `${what}: the server must not start`);
      if (!srv.ok) {
        record(`MCP start, ${what}`, srv.stderr, srv.error);
        assert.match(srv.stderr, /^mnemos MCP server: libSQL server .* refused the auth token/m, what);
      }
    }
  });

  test('a token the server stops accepting mid-session (its key rotated): the tools answer with the refusal as error text', async () => {
    const first = await startSqld({ auth: true });
    let second: Sqld | undefined;
    const old = first.token!;
    const srv = await tryServe({ TURSO_DATABASE_URL: first.url, TURSO_AUTH_TOKEN: old });
    assert.ok(srv.ok, srv.ok ? '' : srv.stderr);
    if (!srv.ok) return;
    try {
      assert.equal(
        (await srv.served.call('icm_memory_store', { topic: 'rotated', content: 'stored before the key changed' }))
          .isError,
        false,
      );
      await first.stop();
      second = await startSqld({ auth: true, dbPath: first.dbPath, port: first.port });
      for (const [name, args] of [
        ['icm_memory_recall', { query: 'stored before' }],
        ['icm_memory_store', { topic: 'rotated', content: 'after the key changed' }],
        ['icm_memory_stats', {}],
      ] as const) {
        const r = await srv.served.call(name, args);
        record(`MCP ${name} after the key rotated`, r.text);
        assert.ok(!r.text.includes(old) && !r.text.includes(old.split('.')[2]), `${name}: no token in the reply`);
        assert.equal(r.isError, true, `${name}: ${r.text}`);
        assert.match(r.text, REFUSED, name);
      }
    } finally {
      await srv.served.close();
      await second?.stop();
      await first.stop();
    }
    record('MCP stderr after the key rotated', srv.served.stderr());
    assert.ok(
      !srv.served.stderr().includes(old) && !srv.served.stderr().includes(old.split('.')[2]),
      'no token in the log',
    );
  });

  test('`mnemos serve` from the built bin: tools work, and stderr holds no token', async () => {
    const p = spawn(process.execPath, [BIN, '--url', sqld.url, 'serve', '--verbose'], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: work, TURSO_AUTH_TOKEN: TOKEN, MNEMOS_DEBUG: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const send = (o: unknown) => p.stdin.write(JSON.stringify(o) + '\n');
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'sec', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'icm_memory_store', arguments: { topic: 'serve', content: 'stored through mnemos serve' } },
    });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'icm_memory_stats', arguments: {} } });
    send({
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'icm_memory_store', arguments: { topic: '', content: 'bad' } },
    });
    const end = Date.now() + 20_000;
    while (Date.now() < end && !/"id":4/.test(out)) await new Promise((r) => setTimeout(r, 50));
    p.stdin.end();
    await new Promise((r) => p.once('close', r));
    record('mnemos serve stdout', out);
    record('mnemos serve stderr', err);
    const replies = new Map(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((m) => [m.id, m]),
    );
    assert.match(replies.get(2).result.content[0].text, /^Stored memory: [0-9A-Z]{26}$/);
    assert.equal(replies.get(4).result.isError, true);
    assert.match(err, /serving remote http:\/\/127\.0\.0\.1:\d+ over stdio/);
  });
});

describe('what was printed and written', () => {
  test("no token or token signature in any output, exported file, replica file or metadata file, or the server's data files", () => {
    assert.ok(transcript.length > 150, `a real transcript (${transcript.length} outputs)`);
    for (const t of transcript) assertNoSecret(t.where, t.text);
    let files = 0;
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) {
          files++;
          assertNoSecret(p, fs.readFileSync(p));
        }
      }
    };
    for (const d of folders) walk(d);
    assert.ok(files >= 8, `searched ${files} files`);
  });
});
