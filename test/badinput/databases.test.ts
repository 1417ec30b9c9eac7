/**
 * Database files that are not what Mnemos expects, opened through the store, the CLI and the MCP
 * server: a directory, random bytes, a text file, a corrupted database, another application's
 * database, a path below a file, a path with a NUL byte, and an ICM database whose vectors have a
 * dimension Mnemos does not use (768, with sqlite-vec's vec_memories). Each gets its specific error
 * (and the file is left byte for byte as it was) or works without touching what it does not own.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../cli/helpers';
import { buildIcmDb, fakeEmbedding, embeddingBlob, openWithVec } from '../fixtures/icm/build-icm-db';
import { openStore } from '../../src/store';
import { EXIT_OF, tmpDir, watchProcess } from './fixture';
import { runChild, tryServe } from './procs';

const MODELS = path.resolve(__dirname, '../fixtures/models');
const watch = watchProcess();
after(() => watch.check());

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
/** Every file under dir with its hash (what "unchanged" means for a folder). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    out[path.relative(dir, p)] = e.isFile() ? sha(p) : 'dir';
  }
  return out;
}
/** Deterministic bytes (no two runs differ). */
function noise(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** A real Mnemos database with enough rows to span many pages, checkpointed into the main file. */
async function realDb(file: string, rows = 400): Promise<void> {
  const s = await openStore({ mode: 'local', path: file });
  await s.storeMany(
    Array.from({ length: rows }, (_, i) => ({
      topic: `topic-${i % 7}`,
      summary: `memory number ${i}: ${noise(120, i).toString('base64')}`,
      keywords: [`k${i}`],
    })),
  );
  await s.sql('PRAGMA wal_checkpoint(TRUNCATE)');
  await s.close();
  // libsql frees the native connection only when its statements are garbage-collected, and SQLite then
  // deletes the (empty) WAL and shared-memory files at an unpredictable moment: remove them now, so a
  // test's before/after snapshot of the folder does not depend on the garbage collector.
  for (const extra of ['-wal', '-shm']) {
    const f = file + extra;
    if (fs.existsSync(f) && (extra === '-shm' || fs.statSync(f).size === 0)) fs.rmSync(f, { force: true });
  }
}

interface BadFile {
  name: string;
  make(dir: string): Promise<string> | string;
  code: 'invalid_input' | 'corrupt' | 'connection';
  message: RegExp;
  todo?: string;
}

const BAD_FILES: BadFile[] = [
  {
    name: 'a directory',
    make: (dir) => {
      const d = path.join(dir, 'a-folder');
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'keep.txt'), 'not a database');
      return d;
    },
    code: 'invalid_input',
    message: /database path .*a-folder is a directory; give a file path such as .*a-folder\/memories\.db/,
  },
  {
    name: 'random bytes',
    make: (dir) => {
      const f = path.join(dir, 'random.db');
      fs.writeFileSync(f, noise(64 * 1024));
      return f;
    },
    code: 'corrupt',
    message:
      /random\.db is not a SQLite\/libSQL database \(file is not a database\); point Mnemos at another file or move this one aside/,
  },
  {
    name: 'a text file',
    make: (dir) => {
      const f = path.join(dir, 'notes.txt');
      fs.writeFileSync(f, 'These are my notes, not a database.\n'.repeat(500));
      return f;
    },
    code: 'corrupt',
    message: /notes\.txt is not a SQLite\/libSQL database/,
  },
  {
    name: 'a JSON export given as the database',
    make: (dir) => {
      const f = path.join(dir, 'export.json');
      fs.writeFileSync(f, JSON.stringify({ format: 'mnemos-export', version: 1, memories: [] }));
      return f;
    },
    code: 'corrupt',
    message: /export\.json is not a SQLite\/libSQL database/,
  },
  {
    name: 'a database whose first page is overwritten',
    make: async (dir) => {
      const f = path.join(dir, 'header.db');
      await realDb(f, 50);
      const fd = fs.openSync(f, 'r+');
      fs.writeSync(fd, noise(4096, 3), 0, 4096, 0);
      fs.closeSync(fd);
      return f;
    },
    code: 'corrupt',
    message: /header\.db is not a SQLite\/libSQL database/,
  },
  {
    name: 'a path below a regular file',
    make: (dir) => {
      fs.writeFileSync(path.join(dir, 'plain-file'), 'x');
      return path.join(dir, 'plain-file', 'memories.db');
    },
    code: 'connection',
    message: /cannot create the folder for .*plain-file\/memories\.db/,
  },
  {
    name: "another application's database with a table called memories",
    make: (dir) => {
      const f = path.join(dir, 'other-app.db');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Database = require('libsql');
      const db = new Database(f);
      db.exec(
        `CREATE TABLE memories (x INTEGER, y TEXT); INSERT INTO memories VALUES (1, 'their data'); CREATE TABLE notes (a TEXT)`,
      );
      db.close();
      return f;
    },
    code: 'corrupt',
    message: /other-app\.db .*memories/,
  },
];

describe('database files that are not databases, or not ours', () => {
  for (const c of BAD_FILES) {
    test(`db: ${c.name}`, c.todo ? { todo: c.todo } : {}, async () => {
      const dir = tmpDir();
      const file = await c.make(dir);
      const before = tree(dir);

      await assert.rejects(openStore({ mode: 'local', path: file }), (e: Error & { code?: string }) => {
        assert.equal(e.code, c.code, `store: ${e.message}`);
        assert.match(e.message, c.message);
        return true;
      });
      for (const cmd of [['topics'], ['store', '-t', 'x', '-c', 'a write attempt'], ['recall', 'anything']]) {
        const r = await runCli(['--db', file, '--format', 'json', ...cmd]);
        assert.equal(r.code, EXIT_OF[c.code], `mnemos ${cmd[0]}: exit ${r.code}: ${r.stderr}`);
        assert.equal(r.stdout, '');
        const err = r.errJson().error;
        assert.equal(err.code, c.code);
        assert.match(err.message, c.message);
      }
      const t = await runCli(['--db', file, 'topics']);
      assert.match(t.stderr, /^mnemos: /, 'text mode: one line');
      assert.equal(t.stderr.trim().split('\n').length, 1, 'one line, no stack trace');

      const srv = await tryServe({ MNEMOS_DB: file });
      if (srv.ok) await srv.served.close();
      assert.equal(srv.ok, false, 'the MCP server refuses to serve it');
      if (!srv.ok) {
        assert.match(srv.stderr, /^mnemos MCP server: /m);
        assert.match(srv.stderr, c.message);
        assert.doesNotMatch(srv.stderr, /\n\s+at /, 'no stack trace');
      }
      assert.deepEqual(tree(dir), before, 'nothing in the folder was created or changed');
    });
  }

  test(`db: a corrupted copy of a real database (pages in the middle overwritten) fails with "corrupted", whatever reads it`, async () => {
    const dir = tmpDir();
    const original = path.join(tmpDir(), 'real.db');
    await realDb(original, 400);
    const file = path.join(dir, 'corrupt.db');
    fs.copyFileSync(original, file);
    const size = fs.statSync(file).size;
    const pages = size / 4096;
    assert.ok(pages > 30, `a database of ${pages} pages`);
    const fd = fs.openSync(file, 'r+');
    for (let p = Math.floor(pages / 3); p < Math.floor((2 * pages) / 3); p++)
      fs.writeSync(fd, noise(4096, p), 0, 4096, p * 4096);
    fs.closeSync(fd);
    const hash = sha(file);
    const corrupt =
      /corrupt\.db is corrupted \(database disk image is malformed\); restore a backup or export what can be read/;

    // Store: wherever the damage is met (open, list, recall, a write), the error is the typed "corrupt" one.
    let met = 0;
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        assert.equal((e as { code?: string }).code, 'corrupt', `${what}: ${(e as Error).message}`);
        assert.match((e as Error).message, corrupt);
        met++;
        return false;
      }
      return true;
    };
    let s: Awaited<ReturnType<typeof openStore>> | undefined;
    if (await attempt('open', async () => (s = await openStore({ mode: 'local', path: file })))) {
      await attempt('list every memory', async () => {
        for await (const _ of s!.iterate()) void _;
      });
      await attempt('recall', () => s!.recall('memory number', { limit: 1000, bumpAccess: false }));
      await attempt('count', () => s!.count());
      await s!.close().catch(() => undefined);
    }
    assert.ok(met > 0, 'the damage is reported');
    for (const cmd of [
      ['list', '--all'],
      ['recall', 'memory', 'number', '-l', '1000'],
      ['export', '-'],
    ]) {
      const r = await runCli(['--db', file, '--format', 'json', ...cmd]);
      assert.equal(r.code, 5, `mnemos ${cmd[0]}: ${r.stderr}`);
      assert.equal(r.errJson().error.code, 'corrupt');
      assert.match(r.errJson().error.message, corrupt);
    }
    const srv = await tryServe({ MNEMOS_DB: file });
    if (srv.ok) {
      const r = await srv.served.call('icm_memory_recall', { query: 'memory number', limit: 100 });
      await srv.served.close();
      assert.equal(r.isError, true);
      assert.match(r.text, corrupt);
    } else {
      assert.match(srv.stderr, corrupt);
    }
    assert.equal(sha(file), hash, 'the damaged file is left as it was (nothing "repaired" over it)');
    const intact = await openStore({ mode: 'local', path: original });
    assert.equal(await intact.count(), 400, 'the database it was copied from is fine');
    await intact.close();
  });

  test('db: an empty file is a new, empty database', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'empty.db');
    fs.writeFileSync(file, '');
    const s = await openStore({ mode: 'local', path: file });
    assert.equal(await s.count(), 0);
    await s.close();
    const r = await runCli([
      '--db',
      file,
      '--format',
      'json',
      'store',
      '-t',
      'x',
      '-c',
      'first memory in an empty file',
    ]);
    assert.equal(r.code, 0, r.stderr);
  });

  test('db: a NUL byte in the path is refused with a clear error, and the process survives', async () => {
    const dir = tmpDir();
    const r = await runChild(path.join(__dirname, 'nul-path-child.ts'), [dir]);
    assert.equal(r.signal, null, `the process was killed by ${r.signal}: ${r.stderr.slice(0, 300)}`);
    assert.equal(r.code, 0, r.stderr.slice(0, 500));
    const [store, cli] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(store.code, 'invalid_input');
    assert.match(store.message, /NUL/);
    assert.equal(cli.exit, 2);
    assert.match(JSON.parse(cli.stderr).error.message, /NUL/);
    assert.deepEqual(fs.readdirSync(dir), [], 'no file created');
  });
});

describe('an ICM database with 768-dimensional vectors and a sqlite-vec vec_memories table', () => {
  const DIMS = 768;
  let dir: string;
  let file: string;
  let icmIds: string[];
  let icmBefore: { vec: string; blobs: string; meta: string; vecSql: string; others: string };

  /** What Mnemos must never touch, read through a connection that has sqlite-vec loaded. */
  function icmState(): typeof icmBefore {
    const db = openWithVec(file);
    try {
      const q = (sql: string) =>
        JSON.stringify(
          db
            .prepare(sql)
            .all([])
            .map((r) =>
              Object.fromEntries(
                Object.entries(r).map(([k, v]) => [
                  k,
                  v instanceof Uint8Array || Buffer.isBuffer(v)
                    ? createHash('sha256')
                        .update(v as Uint8Array)
                        .digest('hex')
                    : v,
                ]),
              ),
            ),
        );
      return {
        vec: q(`SELECT memory_id, embedding FROM vec_memories ORDER BY memory_id`),
        blobs: q(
          `SELECT id, embedding FROM memories WHERE id IN (${icmIds.map((i) => `'${i}'`).join(',')}) ORDER BY id`,
        ),
        meta: q(`SELECT key, value FROM icm_metadata WHERE key IN ('embedding_dims', 'hook_counter') ORDER BY key`),
        vecSql: q(`SELECT sql FROM sqlite_master WHERE name = 'vec_memories'`),
        others: q(
          `SELECT (SELECT count(*) FROM memoirs) AS memoirs, (SELECT count(*) FROM concepts) AS concepts, (SELECT count(*) FROM facts) AS facts, (SELECT count(*) FROM sessions) AS sessions`,
        ),
      };
    } finally {
      db.close();
    }
  }

  before(() => {
    dir = tmpDir();
    file = path.join(dir, 'icm-768.db');
    const built = buildIcmDb(file, { dims: DIMS });
    icmIds = built.memories.map((m) => m.id);
    icmBefore = icmState();
    assert.match(icmBefore.meta, /"embedding_dims","value":"768"/);
    assert.match(icmBefore.vecSql, /float\[768\]/);
    assert.ok(JSON.parse(icmBefore.vec).length >= 10, 'ICM mirrored its vectors into vec_memories');
  });

  test('icm-768: the store opens it, reads, searches, writes and deletes its own memory', async () => {
    const s = await openStore({ mode: 'local', path: file });
    try {
      assert.equal(await s.count(), icmIds.length);
      const hit = await s.recall('busy_timeout parallel hooks', { limit: 5, bumpAccess: false });
      assert.match(hit.items[0].memory.summary, /SQLITE_BUSY during parallel hooks/);
      const { id } = await s.store({
        topic: 'mnemos-on-icm',
        summary: 'written by Mnemos into an ICM database with 768-d vectors',
      });
      assert.equal((await s.get(id))?.topic, 'mnemos-on-icm');
      await s.update(id, { summary: 'updated by Mnemos next to ICM vectors' });
      await s.forget(id);
      assert.equal(await s.count(), icmIds.length);
    } finally {
      await s.close();
    }
    assert.deepEqual(icmState(), icmBefore);
  });

  test("icm-768: the CLI works on it, also with its own (64-d) embedding model, and leaves ICM's vectors alone", async () => {
    const st = await runCli([
      '--db',
      file,
      '--format',
      'json',
      'store',
      '-t',
      'mnemos-on-icm',
      '-c',
      'the CLI stored this next to 768-d vectors',
    ]);
    assert.equal(st.code, 0, st.stderr);
    const r = await runCli(['--db', file, '--format', 'json', 'recall', 'libSQL', 'Turso', 'team']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.json().items[0].memory.summary, /Chose libSQL over plain SQLite/);
    const env = { MNEMOS_EMBED_MODEL: 'tiny-bert', MNEMOS_MODEL_DIR: MODELS, MNEMOS_EMBED_OFFLINE: '1' };
    const h = await runCli(['--db', file, '--format', 'json', 'recall', 'next', 'to', 'vectors'], { env });
    assert.equal(h.code, 0, h.stderr);
    assert.equal(h.json().mode, 'hybrid');
    assert.equal(h.json().items[0].memory.id, st.json().id);
    const f = await runCli(['--db', file, '--format', 'json', 'forget', st.json().id]);
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(icmState(), icmBefore);
  });

  test('icm-768: the MCP server serves it, and ICM can still run a 768-d KNN search afterwards', async () => {
    const srv = await tryServe({ MNEMOS_DB: file, MNEMOS_MCP_COMPACT: '0' });
    assert.ok(srv.ok, srv.ok ? '' : srv.stderr);
    if (!srv.ok) return;
    try {
      const stored = await srv.served.call('icm_memory_store', {
        topic: 'mnemos-on-icm',
        content: 'stored over MCP next to ICM vectors',
        keywords: ['icm'],
      });
      assert.equal(stored.isError, false, stored.text);
      const id = /([0-9A-HJKMNP-TV-Z]{26})/.exec(stored.text)![1];
      const rec = await srv.served.call('icm_memory_recall', { query: 'sqlite-vec vec_memories KNN' });
      assert.equal(rec.isError, false, rec.text);
      assert.match(rec.text, /vec_memories mirrors memories\.embedding/);
      const stats = await srv.served.call('icm_memory_stats');
      assert.match(stats.text, new RegExp(`${icmIds.length + 1}`));
      assert.equal((await srv.served.call('icm_memory_forget', { id })).isError, false);
    } finally {
      await srv.served.close();
    }
    assert.deepEqual(icmState(), icmBefore);
    const db = openWithVec(file);
    try {
      const knn = db
        .prepare(`SELECT memory_id FROM vec_memories WHERE embedding MATCH ? ORDER BY distance LIMIT 3`)
        .all([embeddingBlob(fakeEmbedding(1, DIMS))]);
      assert.equal(knn[0].memory_id, icmIds[0], "ICM's nearest neighbour of its own first vector is that memory");
    } finally {
      db.close();
    }
  });
});
