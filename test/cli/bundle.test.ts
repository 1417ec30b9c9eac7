/**
 * The real bin: `node scripts/build.mjs`, then `node dist/cli.js …` as separate processes, so the
 * bundle's externals (libsql, @libsql/client), the shebang, exit codes and stdin/stdout piping are real.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Sqld, startSqld } from '../helpers/sqld';
import { seedExport, tmpDir } from './helpers';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'dist/cli.js');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function mnemos(args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string; cwd?: string } = {}): Promise<Proc> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, XDG_DATA_HOME: tmpDir('mnemos-bin-home-'), ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: opts.cwd,
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const kill = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
    p.stdin.end(opts.stdin ?? '');
  });
}

let sqld: Sqld;
before(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  sqld = await startSqld({ auth: true });
});
after(async () => {
  await sqld?.stop();
});

describe('the built bin dist/cli.js', () => {
  test('is an executable node script that prints its version', async () => {
    const head = fs.readFileSync(BIN, 'utf8').slice(0, 40);
    assert.match(head, /^#!\/usr\/bin\/env node\n/);
    assert.ok(fs.statSync(BIN).mode & 0o100, 'executable bit');
    const r = await mnemos(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `mnemos ${VERSION}\n`);
  });

  test('stores, recalls and reports with real exit codes on a local file, and exits on its own', async () => {
    const db = path.join(tmpDir(), 'bin.db');
    const stored = await mnemos([
      '--db',
      db,
      '--json',
      'store',
      '-t',
      'bin',
      '-c',
      'the bundle really runs',
      '-k',
      'bundle',
    ]);
    assert.equal(stored.code, 0, stored.stderr);
    const { id } = JSON.parse(stored.stdout);
    const recall = await mnemos(['recall', 'bundle', 'runs'], { env: { MNEMOS_DB: db } });
    assert.equal(recall.code, 0, recall.stderr);
    assert.equal(recall.stdout, `${id}  [bin] the bundle really runs\n`);
    assert.equal((await mnemos(['--db', db, 'get', '01JZZZZZZZZZZZZZZZZZZZZZZZ'])).code, 1);
    const usage = await mnemos(['--db', db, 'store', '-t', 'bin']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, 'mnemos: store needs -c CONTENT (see: mnemos help store)\n');
    assert.ok(recall.ms < 15_000, `took ${recall.ms} ms`);
  });

  test('serve runs from its own bundle next to the bin; the commands that do not serve never load it', async () => {
    const db = path.join(tmpDir(), 'serve.db');
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'icm_memory_store', arguments: { topic: 'served', content: 'via the bin' } },
      },
    ];
    const r = await mnemos(['--db', db, 'serve'], { stdin: lines.map((l) => JSON.stringify(l)).join('\n') + '\n' });
    assert.equal(r.code, 0, r.stderr);
    const replies = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(replies.find((x) => x.id === 1)?.result?.serverInfo?.name, 'mnemos');
    assert.match(replies.find((x) => x.id === 2)?.result?.content?.[0]?.text, /^ok:/);
    assert.deepEqual(JSON.parse((await mnemos(['--db', db, '--json', 'topics'])).stdout).topics, [
      { topic: 'served', count: 1 },
    ]);
    const bin = fs.readFileSync(BIN, 'utf8');
    assert.ok(
      !bin.includes('@modelcontextprotocol') && !bin.includes('zod'),
      'the MCP SDK and zod are in dist/mcp.js only',
    );
  });

  test('imports from a pipe and exports to stdout byte for byte the same memories', async () => {
    const db = path.join(tmpDir(), 'pipe.db');
    const seed = seedExport(25, 'piped');
    const imp = await mnemos(['--db', db, '--json', 'import', '-'], { stdin: JSON.stringify(seed) });
    assert.equal(imp.code, 0, imp.stderr);
    assert.deepEqual(JSON.parse(imp.stdout), { imported: 25, skipped: 0 });
    const exp = await mnemos(['--db', db, 'export', '-']);
    assert.equal(exp.code, 0, exp.stderr);
    assert.deepEqual(JSON.parse(exp.stdout).memories, seed.memories);
  });

  test('talks to sqld with the token from the environment, and a wrong token exits 4 without printing it', async () => {
    const env = { TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: sqld.token };
    const s = await mnemos(['--json', 'store', '-t', 'remote', '-c', 'through the bin to sqld'], { env });
    assert.equal(s.code, 0, s.stderr);
    const r = await mnemos(['--json', 'recall', 'sqld'], { env });
    assert.equal(JSON.parse(r.stdout).items[0].memory.id, JSON.parse(s.stdout).id);
    const wrong = sqld.sign!({ exp: 1 }); // a real signature, long expired
    const bad = await mnemos(['stats'], { env: { ...env, TURSO_AUTH_TOKEN: wrong } });
    assert.equal(bad.code, 4, bad.stderr);
    assert.equal(bad.stdout, '');
    assert.ok(!bad.stderr.includes(wrong) && !bad.stderr.includes(sqld.token!));
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  });

  test('an embedded replica works through the bin and its stdout stays pure JSON', async () => {
    const replica = path.join(tmpDir(), 'replica.db');
    const env = {
      TURSO_DATABASE_URL: sqld.url,
      TURSO_AUTH_TOKEN: sqld.token,
      ICM_TURSO_REPLICA: '1',
      MNEMOS_DB: replica,
    };
    const s = await mnemos(['--json', 'store', '-t', 'replica', '-c', 'written via the replica'], { env });
    assert.equal(s.code, 0, s.stderr);
    const list = await mnemos(['--json', 'list', '-t', 'replica'], { env });
    assert.equal(list.code, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).items[0].summary, 'written via the replica');
    const stats = await mnemos(['--json', 'stats'], { env });
    assert.equal(JSON.parse(stats.stdout).mode, 'replica');
  });

  describe('a replica whose token the primary refuses', () => {
    let r: Proc;
    before(async () => {
      const env = {
        TURSO_DATABASE_URL: sqld.url,
        TURSO_AUTH_TOKEN: 'not-the-token-0123456789',
        ICM_TURSO_REPLICA: '1',
        MNEMOS_DB: path.join(tmpDir(), 'refused.db'),
      };
      r = await mnemos(['--json', 'stats'], { env });
    });
    test("fails with one JSON error line, nothing on stdout (libSQL's native logs are silenced), and no token", () => {
      assert.notEqual(r.code, 0);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(JSON.parse(r.stderr).error.message);
      assert.ok(!r.stderr.includes('not-the-token-0123456789'));
    });
    test('exits 4 like a refused token on a server', () => {
      assert.equal(r.code, 4, r.stderr);
    });
  });

  test('init connects and disconnects an agent (jsonc-parser bundled from its ESM build), and its hook runs', async () => {
    // The bundled init once crashed on jsonc-parser's UMD require('./impl/format') (scripts/build.mjs aliases it).
    const ws = tmpDir('mnemos-bin-init-');
    const home = tmpDir('mnemos-bin-init-home-');
    const db = path.join(ws, 'agent memories.db');
    fs.mkdirSync(path.join(ws, '.claude'));
    const mine = '{\n    "permissions": { "allow": ["Bash(ls)"] }\n}\n';
    fs.writeFileSync(path.join(ws, '.claude/settings.json'), mine);
    const r = await mnemos(['--db', db, 'init', '--agent', 'claude', '--scope', 'workspace'], {
      cwd: ws,
      env: { HOME: home },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^updated +\S+settings\.json {2}\(claude: hooks\)$/m);
    const settings = JSON.parse(fs.readFileSync(path.join(ws, '.claude/settings.json'), 'utf8'));
    assert.deepEqual(settings.permissions, { allow: ['Bash(ls)'] });
    const start = settings.hooks.SessionStart[0].hooks[0].command as string;
    assert.equal(start, `mnemos hook start --agent claude --db "${db}"`);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(ws, '.mcp.json'), 'utf8')).mcpServers.mnemos.args, [
      'serve',
      '--db',
      db,
    ]);
    // The written hook line, run through the bundle, reaches that database: a stored memory comes back as context.
    assert.equal(
      (await mnemos(['--db', db, 'store', '-t', 'preferences', '-c', 'tabs over spaces in the zebra parser'])).code,
      0,
    );
    const prompt = settings.hooks.UserPromptSubmit[0].hooks[0].command as string;
    const hookArgs = prompt
      .replace(/^mnemos /, '')
      .replace(/"([^"]*)"/g, '$1')
      .split(/ (?=--)| (?=prompt)/);
    const argv = ['hook', 'prompt', '--agent', 'claude', '--db', db];
    assert.deepEqual(hookArgs.join(' '), argv.join(' '));
    const payload = JSON.stringify({
      session_id: 's1',
      hook_event_name: 'UserPromptSubmit',
      cwd: ws,
      prompt: 'how do we indent the zebra parser, tabs or spaces?',
    });
    const h = await mnemos(argv, {
      stdin: payload,
      env: { MNEMOS_STATE_DIR: tmpDir('mnemos-bin-state-'), MNEMOS_HOOK_MIN_SCORE: '0' },
    });
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /zebra parser/);
    const removed = await mnemos(['init', '--agent', 'claude', '--remove'], { cwd: ws, env: { HOME: home } });
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(fs.readFileSync(path.join(ws, '.claude/settings.json'), 'utf8'), mine);
    assert.ok(!fs.existsSync(path.join(ws, '.mcp.json')));
  });

  test('a reader that closes the pipe early ends the bin quietly', async () => {
    const db = path.join(tmpDir(), 'epipe.db');
    await mnemos(['--db', db, 'import', '-'], { stdin: JSON.stringify(seedExport(400, 'lots')) });
    const r = await new Promise<Proc>((resolve) => {
      const t0 = Date.now();
      const p = spawn(process.execPath, [BIN, '--db', db, 'export', '-'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH },
      });
      let stderr = '';
      p.stderr.on('data', (d) => (stderr += d));
      p.stdout.once('data', () => p.stdout.destroy());
      p.on('close', (code) => resolve({ code, stdout: '', stderr, ms: Date.now() - t0 }));
    });
    assert.equal(r.stderr, '');
    assert.ok(r.code === 0 || r.code === null, String(r.code));
  });
});
