/**
 * A few bad-input cases through the built bin (`node dist/cli.js`), as separate processes: real argv,
 * real stdin bytes (NUL, invalid UTF-8, 1 MB), real exit codes, and no crash (no signal) whatever comes in.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Sqld, startSqld } from '../helpers/sqld';
import { openStore } from '../../src/store';
import { SEED_ID, seededDb, snapshot, tmpDir } from './fixture';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'dist/cli.js');

interface Proc {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}
function mnemos(args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string | Buffer } = {}): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, XDG_DATA_HOME: tmpDir('mnemos-bad-home-'), ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
    p.stdin.end(opts.stdin ?? '');
  });
}
const errorOf = (r: Proc) => JSON.parse(r.stderr).error as { code: string; message: string };

let db: string;
let baseline: string;
let sqld: Sqld;
before(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  db = await seededDb();
  const s = await openStore({ mode: 'local', path: db });
  baseline = await snapshot(s);
  await s.close();
  sqld = await startSqld({ auth: true });
});
after(async () => {
  await sqld?.stop();
});
async function seedsUnchanged(what: string): Promise<void> {
  const s = await openStore({ mode: 'local', path: db });
  try {
    const now = await snapshot(s);
    // New rows from accepted cases are allowed; the seeded ones must be exactly as they were.
    const seeded = (x: string) =>
      JSON.stringify((JSON.parse(x).rows as { id: string }[]).filter((r) => Object.values(SEED_ID).includes(r.id)));
    assert.equal(seeded(now), seeded(baseline), `${what} changed a stored memory`);
  } finally {
    await s.close();
  }
}

describe('bad input through node dist/cli.js', () => {
  test('FTS5 syntax and SQL in a query are searched as words', async () => {
    for (const q of ['"NEAR(alpha', "'; DROP TABLE memories; --", 'summary:alpha OR (', '-alpha*']) {
      const r = await mnemos(['--db', db, '--json', 'recall', '--', q]);
      assert.equal(r.signal, null);
      assert.equal(r.code, 0, `${q}: ${r.stderr}`);
      assert.ok(Array.isArray(JSON.parse(r.stdout).items));
    }
    const hit = await mnemos(['--db', db, '--json', 'recall', '--', '"NEAR(alpha']);
    // No memory holds both words; the rarer one ranks first. With word forms `alpha` also matches
    // `alphabet` (two memories), so NEAR (one memory: fts) is the rarer word.
    const ids = JSON.parse(hit.stdout).items.map((i: { memory: { id: string } }) => i.memory.id);
    assert.equal(ids[0], SEED_ID.fts);
    assert.ok(ids.includes(SEED_ID.greek), 'the alpha memory is found too');
    await seedsUnchanged('hostile queries');
  });

  test('a NUL byte read from stdin is refused, and nothing is written', async () => {
    const r = await mnemos(['--db', db, '--json', 'store', '-t', 'bin', '-c', '-'], {
      stdin: Buffer.from('before\u0000after'),
    });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(errorOf(r).message, /content \(summary\) must not contain NUL bytes/);
    await seedsUnchanged('a NUL on stdin');
  });

  test('1 MB of content from stdin is refused with the size and what to do; 1 MB as the raw excerpt is kept', async () => {
    const big = 'x'.repeat(1 << 20);
    const r = await mnemos(['--db', db, '--json', 'store', '-t', 'bin', '-c', '-'], { stdin: big });
    assert.equal(r.code, 2);
    assert.match(errorOf(r).message, /summary exceeds 65536 bytes \(1048576\); put long text in the raw excerpt/);
    const ok = await mnemos(
      ['--db', db, '--json', 'store', '-t', 'bin', '-c', 'a long log, kept verbatim', '-r', '-'],
      { stdin: big },
    );
    assert.equal(ok.code, 0, ok.stderr);
    const got = await mnemos(['--db', db, '--json', 'get', JSON.parse(ok.stdout).id]);
    assert.equal(JSON.parse(got.stdout).memory.rawExcerpt.length, 1 << 20);
    await seedsUnchanged('1 MB on stdin');
  });

  test('invalid UTF-8 on stdin becomes U+FFFD, never a crash', async () => {
    const r = await mnemos(['--db', db, '--json', 'store', '-t', 'bin', '-c', '-'], {
      stdin: Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x62]),
    });
    assert.equal(r.code, 0, r.stderr);
    const got = await mnemos(['--db', db, '--json', 'get', JSON.parse(r.stdout).id]);
    assert.match(JSON.parse(got.stdout).memory.summary, /^a\ufffd+b$/);
  });

  test('emoji, combining marks and right-to-left text round-trip through argv; terminal escapes print escaped', async () => {
    const text = '🧠 cafe\u0301 שלום \u202eevil\u202c \u001b[2Jcleared?';
    const r = await mnemos(['--db', db, '--json', 'store', '-t', 'bin-unicode', '-c', text]);
    assert.equal(r.code, 0, r.stderr);
    const id = JSON.parse(r.stdout).id;
    const json = await mnemos(['--db', db, '--json', 'get', id]);
    assert.equal(JSON.parse(json.stdout).memory.summary, text);
    const plain = await mnemos(['--db', db, 'get', id]);
    assert.equal(plain.code, 0);
    assert.ok(
      !plain.stdout.includes('\u001b') && !plain.stdout.includes('\u202e'),
      'no raw escape or bidi override reaches the terminal',
    );
    assert.match(plain.stdout, /\\x1b\[2J/);
  });

  test('a directory, random bytes and a damaged database as --db: specific errors, exits 2 and 5, files untouched', async () => {
    const dir = tmpDir();
    const r1 = await mnemos(['--db', dir, 'topics']);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /^mnemos: database path .* is a directory; give a file path such as .*memories\.db\n$/);
    const rnd = path.join(dir, 'random.db');
    fs.writeFileSync(rnd, Buffer.from(Array.from({ length: 16384 }, (_, i) => (i * 7919 + 13) & 0xff)));
    const r2 = await mnemos(['--db', rnd, '--json', 'store', '-t', 'x', '-c', 'y']);
    assert.equal(r2.code, 5);
    assert.equal(errorOf(r2).code, 'corrupt');
    const copy = path.join(dir, 'copy.db');
    const s = await openStore({ mode: 'local', path: copy });
    await s.storeMany(
      Array.from({ length: 200 }, (_, i) => ({ topic: `t${i % 5}`, summary: `row ${i} ${'z'.repeat(300)}` })),
    );
    await s.sql('PRAGMA wal_checkpoint(TRUNCATE)');
    await s.close();
    for (const f of fs.readdirSync(dir)) if (/-(wal|shm)$/.test(f)) fs.rmSync(path.join(dir, f));
    const size = fs.statSync(copy).size;
    const fd = fs.openSync(copy, 'r+');
    for (let off = 4096; off < size; off += 4096) fs.writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, off);
    fs.closeSync(fd);
    const r3 = await mnemos(['--db', copy, '--json', 'list', '--all']);
    assert.equal(r3.signal, null);
    assert.equal(r3.code, 5, r3.stderr);
    assert.equal(errorOf(r3).code, 'corrupt');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['copy.db', 'random.db'], 'no journal files left beside them');
  });

  test('bad --url values and a wrong token: exits 2 and 4, with messages that say why, and no token in them', async () => {
    const r1 = await mnemos(['--url', 'ftp://example.com/db', 'topics']);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /unsupported URL scheme "ftp:"/);
    const r2 = await mnemos(['--url', 'http://10.0.0.1:8080', 'topics']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /tokens would travel unencrypted/);
    const wrong = sqld.sign!({ exp: 1 });
    const r3 = await mnemos(['--url', sqld.url, '--json', 'topics'], { env: { TURSO_AUTH_TOKEN: wrong } });
    assert.equal(r3.code, 4, r3.stderr);
    assert.match(errorOf(r3).message, /refused the auth token/);
    assert.ok(!r3.stderr.includes(wrong));
    const r4 = await mnemos(['--url', sqld.url, '--json', 'topics']);
    assert.equal(r4.code, 4, r4.stderr);
  });

  test('a token with a line break: a clear error, exit 2', async () => {
    const r = await mnemos(['--url', sqld.url, '--json', 'topics'], {
      env: { TURSO_AUTH_TOKEN: `${sqld.token}\r\nX-Injected: 1` },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(!r.stderr.includes(sqld.token!));
  });
});
