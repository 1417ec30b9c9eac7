// Store write cost: µs per memory for bulk storeMany (batches of 1,000) and for one durable store()
// at a time, on a local file and on sqld over loopback. Baselines, measured in the same run on the
// same rows: raw `libsql` / `@libsql/client` INSERTs into the same table without FTS, and (local)
// raw INSERTs into ICM's full schema with its FTS triggers, to split the FTS cost from the store's own.
// Local figures are wall time and this process's CPU time (less sensitive to a busy machine).
// Then a profile of the local bulk path (CPU µs per row, best of 3, on the store's own schema) and
// concurrent writers: 16 processes × 200 store() on a local file, on sqld, and on 16 embedded replicas.
//
//   node --import tsx bench/store-write.ts
// Env: BENCH_BULK (default 20000), BENCH_SINGLE (default 1000 local / 300 sqld), BENCH_SQLD=0 to skip sqld,
//      BENCH_PROFILE=0, BENCH_CONCURRENT=0 to skip those sections, BENCH_WRITERS (16), BENCH_PER_WRITER (200).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClient } from '@libsql/client';
import { openStore, type StoreConfig, summaryHash } from '../src/store';
import { startSqld } from '../test/helpers/sqld';
import { type CorpusMemory, generateCorpus } from './lib/corpus';
import { fmtUs, printMachine, ratio, table } from './lib/timing';
import { runWriters, serverAcceptsWrites } from './lib/writers';

const BULK = Number(process.env.BENCH_BULK ?? 20_000);
const SINGLE_LOCAL = Number(process.env.BENCH_SINGLE ?? 1000);
const SINGLE_SQLD = Number(process.env.BENCH_SINGLE ?? 300);
const BATCH = 1000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-bench-write-'));

const COLUMNS = `id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL DEFAULT '', last_accessed TEXT NOT NULL,
  access_count INTEGER DEFAULT 0, weight REAL DEFAULT 1.0, topic TEXT NOT NULL, summary TEXT NOT NULL, raw_excerpt TEXT, keywords TEXT,
  importance TEXT NOT NULL, source_type TEXT NOT NULL, source_data TEXT, related_ids TEXT, summary_hash TEXT`;
const rawSchema = (t: string) => [
  `CREATE TABLE ${t} (${COLUMNS})`,
  `CREATE INDEX ${t}_topic ON ${t}(topic)`,
  `CREATE INDEX ${t}_weight ON ${t}(weight)`,
  `CREATE INDEX ${t}_created ON ${t}(created_at)`,
  `CREATE UNIQUE INDEX ${t}_hash ON ${t}(LOWER(topic), summary_hash) WHERE summary_hash IS NOT NULL`,
];
const insertSql = (t: string) =>
  `INSERT OR IGNORE INTO ${t} (id, created_at, updated_at, last_accessed, access_count, weight, topic, summary, raw_excerpt, keywords, importance, source_type, source_data, related_ids, summary_hash) VALUES (?, ?, ?, ?, 0, 1.0, ?, ?, NULL, ?, ?, 'manual', NULL, '[]', ?)`;
let idSeq = 0;
const rawArgs = (m: CorpusMemory) => {
  const now = new Date().toISOString().replace('Z', '+00:00');
  return [
    `RAW${(idSeq++).toString().padStart(23, '0')}`,
    now,
    now,
    now,
    m.topic,
    m.summary,
    JSON.stringify(m.keywords),
    m.importance,
    summaryHash(m.topic, m.summary),
  ];
};

type SyncDb = {
  exec(s: string): void;
  prepare(s: string): { run(a: unknown[]): unknown; all(a: unknown[]): Record<string, unknown>[] };
  close(): void;
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('libsql') as new (p: string) => SyncDb;
function rawLocal(file: string, schema: string[]): SyncDb {
  const db = new Database(file);
  db.exec(
    'PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON',
  );
  for (const s of schema) db.exec(s);
  return db;
}

/** ICM's memories table + FTS5 + triggers, as plain DDL (what the store creates, minus Mnemos's own objects). */
const ICM_SCHEMA = [
  ...rawSchema('memories'),
  `CREATE VIRTUAL TABLE memories_fts USING fts5(id, topic, summary, keywords, content='memories', content_rowid='rowid')`,
  `CREATE TRIGGER memories_ai AFTER INSERT ON memories BEGIN INSERT INTO memories_fts(rowid, id, topic, summary, keywords) VALUES (new.rowid, new.id, new.topic, new.summary, new.keywords); END`,
];

async function main() {
  printMachine('store write benchmark');
  const corpus = generateCorpus(BULK + SINGLE_LOCAL + SINGLE_SQLD + 2000, 11);
  const bulkRows = corpus.slice(0, BULK);
  const singleRows = corpus.slice(BULK, BULK + SINGLE_LOCAL);
  const sqldSingleRows = corpus.slice(BULK + SINGLE_LOCAL, BULK + SINGLE_LOCAL + SINGLE_SQLD);
  console.log(
    `# corpus: ${corpus.length} generated developer memories, mean summary ${Math.round(corpus.reduce((a, m) => a + m.summary.length, 0) / corpus.length)} chars`,
  );
  const rows: (string | number)[][] = [];
  const add = (mode: string, op: string, n: number, ms: number, baseMs: number, baseLabel: string, extra = '') =>
    rows.push([mode, op, n, fmtUs(ms / n), fmtUs(baseMs / n), ratio(ms, baseMs), baseLabel + extra]);

  // ---------------------------------------------------------------- local file
  {
    // Bulk: three rounds of (raw no FTS, raw + ICM's FTS trigger, storeMany), each on a fresh file,
    // interleaved so load changes hit all three; the median round is reported (first-round JIT included).
    const rounds: { raw: number; fts: number; st: number; stCpu: number }[] = [];
    const bulkInto = (db: SyncDb) => {
      const ins = db.prepare(insertSql('memories'));
      const t = performance.now();
      for (let i = 0; i < bulkRows.length; i += BATCH) {
        db.exec('BEGIN IMMEDIATE');
        for (const m of bulkRows.slice(i, i + BATCH)) ins.run(rawArgs(m));
        db.exec('COMMIT');
      }
      return performance.now() - t;
    };
    for (let r = 0; r < 3; r++) {
      const raw = rawLocal(path.join(dir, `raw-${r}.db`), rawSchema('memories'));
      const rawMs = bulkInto(raw);
      raw.close();
      const fts = rawLocal(path.join(dir, `raw-fts-${r}.db`), ICM_SCHEMA);
      const ftsMs = bulkInto(fts);
      fts.close();
      const st = await openStore({ mode: 'local', path: path.join(dir, `store-bulk-${r}.db`) });
      const t = performance.now();
      const c = cpuMs();
      for (let i = 0; i < bulkRows.length; i += BATCH) await st.storeMany(bulkRows.slice(i, i + BATCH));
      rounds.push({ raw: rawMs, fts: ftsMs, st: performance.now() - t, stCpu: cpuMs() - c });
      if ((await st.count()) !== BULK) throw new Error(`expected ${BULK} rows`);
      await st.close();
    }
    const med = (k: 'raw' | 'fts' | 'st' | 'stCpu') => [...rounds.map((x) => x[k])].sort((a, b) => a - b)[1];
    const rawBulk = med('raw');
    const ftsBulk = med('fts');
    const stBulk = med('st');
    const stBulkCpu = med('stCpu');
    console.log(
      `# bulk rounds (µs/memory, wall): ${rounds.map((x) => `raw ${fmtUs(x.raw / BULK)} · +FTS ${fmtUs(x.fts / BULK)} · storeMany ${fmtUs(x.st / BULK)} (CPU ${fmtUs(x.stCpu / BULK)})`).join(' | ')}`,
    );

    // One at a time, each its own transaction.
    const raw = rawLocal(path.join(dir, 'raw.db'), rawSchema('memories'));
    const ins = raw.prepare(insertSql('memories'));
    let t0 = performance.now();
    for (const m of singleRows) ins.run(rawArgs(m));
    const rawSingle = performance.now() - t0;
    raw.close();
    const fts = rawLocal(path.join(dir, 'raw-fts.db'), ICM_SCHEMA);
    const insF = fts.prepare(insertSql('memories'));
    t0 = performance.now();
    for (const m of singleRows) insF.run(rawArgs(m));
    const ftsSingle = performance.now() - t0;
    fts.close();
    const store = await openStore({ mode: 'local', path: path.join(dir, 'store.db') });
    t0 = performance.now();
    const c0 = cpuMs();
    for (const m of singleRows) await store.store(m);
    const stSingle = performance.now() - t0;
    const stSingleCpu = cpuMs() - c0;
    const n = await store.count();
    await store.close();
    if (n !== SINGLE_LOCAL) throw new Error(`expected ${SINGLE_LOCAL} rows, got ${n}`);

    add(
      'local file',
      `storeMany, batches of ${BATCH} (median of 3 rounds)`,
      BULK,
      stBulk,
      rawBulk,
      'raw libsql INSERTs, no FTS',
      ` (with ICM's FTS trigger: ${fmtUs(ftsBulk / BULK)}); store CPU ${fmtUs(stBulkCpu / BULK)}`,
    );
    add(
      'local file',
      'store(), one at a time (own transaction)',
      SINGLE_LOCAL,
      stSingle,
      rawSingle,
      'raw libsql autocommit INSERT, no FTS',
      ` (with FTS: ${fmtUs(ftsSingle / SINGLE_LOCAL)}); store CPU ${fmtUs(stSingleCpu / SINGLE_LOCAL)}`,
    );
  }

  // ---------------------------------------------------------------- sqld over loopback
  if (process.env.BENCH_SQLD !== '0') {
    const sqld = await startSqld();
    try {
      const client = createClient({ url: sqld.url });
      for (const s of rawSchema('raw_memories')) await client.execute(s);
      let t0 = performance.now();
      for (let i = 0; i < bulkRows.length; i += BATCH) {
        await client.batch(
          bulkRows.slice(i, i + BATCH).map((m) => ({ sql: insertSql('raw_memories'), args: rawArgs(m) as never })),
          'write',
        );
      }
      const rawBulk = performance.now() - t0;
      t0 = performance.now();
      for (const m of sqldSingleRows)
        await client.execute({ sql: insertSql('raw_memories'), args: rawArgs(m) as never });
      const rawSingle = performance.now() - t0;
      client.close();

      const store = await openStore({ mode: 'remote', url: sqld.url });
      t0 = performance.now();
      for (let i = 0; i < bulkRows.length; i += BATCH) await store.storeMany(bulkRows.slice(i, i + BATCH));
      const stBulk = performance.now() - t0;
      t0 = performance.now();
      for (const m of sqldSingleRows) await store.store(m);
      const stSingle = performance.now() - t0;
      const n = await store.count();
      await store.close();
      if (n !== BULK + SINGLE_SQLD) throw new Error(`expected ${BULK + SINGLE_SQLD} rows on sqld, got ${n}`);
      add(
        'sqld, loopback HTTP',
        `storeMany, batches of ${BATCH}`,
        BULK,
        stBulk,
        rawBulk,
        '@libsql/client batch of raw INSERTs, no FTS',
      );
      add(
        'sqld, loopback HTTP',
        'store(), one at a time',
        SINGLE_SQLD,
        stSingle,
        rawSingle,
        '@libsql/client execute(INSERT), no FTS',
      );
    } finally {
      await sqld.stop();
    }
  }

  console.log();
  console.log(
    table(['mode', 'operation', 'memories', 'store µs/memory', 'baseline µs/memory', 'ratio', 'baseline'], rows),
  );
  console.log(`\n# target: bulk ≤ 40 µs/memory on a local file`);
  if (process.env.BENCH_PROFILE !== '0') await profile(corpus.slice(0, Math.min(BULK, 20_000)));
  if (process.env.BENCH_CONCURRENT !== '0') await concurrent();
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Where a bulk row's time goes, on the schema the store creates (opened once by openStore, then
 * written with raw statements): CPU µs per row, best of 3, batches of 1,000 in one transaction.
 */
async function profile(rows: CorpusMemory[]) {
  const SELECT_BACK = `SELECT id, created_at, updated_at, last_accessed, access_count, weight, topic, summary, raw_excerpt, keywords, importance, source_type, source_data, related_ids, summary_hash
    FROM memories WHERE id = ? OR (LOWER(topic) = LOWER(?) AND summary_hash = ?) ORDER BY id = ? DESC LIMIT 1`;
  const variants: [string, (db: SyncDb) => void, (db: SyncDb, batch: CorpusMemory[]) => void][] = [];
  const dropTriggers = (db: SyncDb, like: string) => {
    for (const r of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?`).all([like]))
      db.exec(`DROP TRIGGER ${String(r.name)}`);
  };
  const insertOnly = (db: SyncDb, batch: CorpusMemory[]) => {
    const s = db.prepare(insertSql('memories'));
    for (const m of batch) s.run(rawArgs(m));
  };
  variants.push(['INSERT, no triggers (table + 4 indexes)', (db) => dropTriggers(db, '%'), insertOnly]);
  variants.push([
    "+ Mnemos's change_seq triggers (delete and edit only since schema 3: inserts fire none)",
    (db) => dropTriggers(db, 'memories_%'),
    insertOnly,
  ]);
  variants.push([
    "+ ICM's FTS5 trigger (the store's schema as is; what storeMany sends since RETURNING was dropped)",
    () => undefined,
    insertOnly,
  ]);
  variants.push([
    '+ a per-row SELECT back (what storeMany sent before f340a6c)',
    () => undefined,
    (db, batch) => {
      const s = db.prepare(insertSql('memories'));
      const q = db.prepare(SELECT_BACK);
      for (const m of batch) {
        const a = rawArgs(m);
        s.run(a);
        q.all([a[0], a[4], a[8], a[0]]);
      }
    },
  ]);
  variants.push([
    'INSERT … RETURNING id instead (what storeMany sent from f340a6c until the changed-row count replaced it)',
    () => undefined,
    (db, batch) => {
      const s = db.prepare(insertSql('memories') + ' RETURNING id');
      for (const m of batch) s.all(rawArgs(m));
    },
  ]);
  variants.push(['proposal: INSERT with all triggers, batches of 5,000 instead of 1,000', () => undefined, insertOnly]);
  const out: (string | number)[][] = [];
  for (const [label, setup, body] of variants) {
    const best: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const file = path.join(dir, `profile-${out.length}-${rep}.db`);
      const s = await openStore({ mode: 'local', path: file });
      await s.close();
      const db = new Database(file);
      db.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000');
      setup(db);
      const batch = label.includes('5,000') ? 5000 : BATCH;
      const c0 = cpuMs();
      for (let i = 0; i < rows.length; i += batch) {
        db.exec('BEGIN IMMEDIATE');
        body(db, rows.slice(i, i + batch));
        db.exec('COMMIT');
      }
      best.push((cpuMs() - c0) / rows.length);
      db.close();
    }
    out.push([label, fmtUs(Math.min(...best))]);
  }
  const best: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const s = await openStore({ mode: 'local', path: path.join(dir, `profile-store-${rep}.db`) });
    const c0 = cpuMs();
    for (let i = 0; i < rows.length; i += BATCH) await s.storeMany(rows.slice(i, i + BATCH));
    best.push((cpuMs() - c0) / rows.length);
    await s.close();
  }
  out.push(['storeMany itself (adds validation, hashing, row mapping)', fmtUs(Math.min(...best))]);
  console.log(`\n# profile: local bulk insert of ${rows.length} memories, CPU per row, best of 3`);
  console.log(table(['step', 'CPU µs/row'], out));
}

/** The server's own words in a driver error (e.g. `snapshot not found`), without paths. */
function cause(e: string): string {
  return (/message: "([^"]+)"/.exec(e)?.[1] ?? e.replace(/^writer \d+: /, '').replace(/\/tmp\/\S+/g, '…')).slice(
    0,
    100,
  );
}

/** 16 processes × 200 individual store() calls at once (test/store/writer-proc.ts), per mode. */
async function concurrent() {
  const writers = Number(process.env.BENCH_WRITERS ?? 16);
  const perWriter = Number(process.env.BENCH_PER_WRITER ?? 200);
  const out: (string | number)[][] = [];
  type Mode = { label: string; configFor: (w: number, url: string) => StoreConfig; raw?: boolean };
  const modes: Mode[] = [
    { label: 'local file', configFor: () => ({ mode: 'local', path: path.join(dir, 'concurrent.db') }) },
    { label: 'sqld, plain @libsql/client (no Mnemos)', configFor: (_w, url) => ({ mode: 'remote', url }), raw: true },
    { label: 'sqld', configFor: (_w, url) => ({ mode: 'remote', url }) },
    {
      label: 'embedded replicas',
      configFor: (w, url) => ({
        mode: 'replica',
        path: path.join(dir, `replica-${w}.db`),
        syncUrl: url,
        syncIntervalSec: 0,
      }),
    },
  ];
  for (const m of modes) {
    // A fresh server per mode: a deadlocked or restarted server must not colour the next row.
    const sqld = m.label === 'local file' ? undefined : await startSqld();
    try {
      if (sqld) {
        const c = createClient({ url: sqld.url });
        await c.execute('CREATE TABLE raw_concurrency (id TEXT PRIMARY KEY, v TEXT)');
        c.close();
        if (!m.raw) await (await openStore({ mode: 'remote', url: sqld.url })).close();
      }
      const run = await runWriters({
        writers,
        perWriter,
        configFor: (w) => m.configFor(w, sqld?.url ?? ''),
        rawUrl: m.raw ? sqld!.url : undefined,
        retries: 8,
        stallMs: 15_000,
        onStall: async () => {
          if (!sqld || (await serverAcceptsWrites(sqld.url))) return undefined;
          return 'server stopped accepting writes';
        },
      });
      const acked = run.acks.flat().length;
      out.push([
        m.label,
        `${writers} × ${perWriter}`,
        acked,
        run.complete ? (acked === writers * perWriter ? 'yes' : 'no: writers gave up') : `no: ${run.stallNote}`,
        (run.wallMs / 1000).toFixed(1),
        ((acked / run.wallMs) * 1000).toFixed(0),
        run.retryMessages.length,
        run.actions.filter((a) => a === 'unchanged').length,
        run.errors.length ? `${run.errors.length}: ${[...new Set(run.errors.map(cause))].join(' | ')}` : 0,
      ]);
      console.log(`# concurrent ${m.label}: ${JSON.stringify(out[out.length - 1])}`);
    } finally {
      await sqld?.stop();
    }
  }
  console.log(
    `\n# concurrent writers: each a separate node process doing individual store() calls; writers retry a failed call up to 8 times`,
  );
  console.log(
    table(
      [
        'mode',
        'writers × stores',
        'acknowledged',
        'all acknowledged',
        'seconds',
        'stores/s',
        'retried calls',
        'retries that found the first attempt had landed',
        'gave up',
      ],
      out,
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
