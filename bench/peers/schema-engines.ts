/**
 * What one stored memory costs in SQL, apart from the MCP servers: ICM's schema (as Mnemos makes the
 * file) against @ai-devkit/memory's (its own migrations, read from the installed package), each on
 * libsql (Mnemos's local engine) and on better-sqlite3 (the peer's, from the peers folder). Every
 * store holds N memories first (the FTS index merged), then one memory per commit, as an agent
 * stores them, in interleaved blocks of 50, so a loaded machine slows every variant alike:
 *   - ICM's schema: Mnemos's INSERT (one statement, autocommit: the per-call path of src/store/memories.ts);
 *   - the peer's schema: its transaction (BEGIN, its two duplicate lookups, its INSERT, COMMIT).
 * Then each engine's cost of a call (`SELECT 1`) and of reading one row by rowid, and the WAL frames
 * (pages) one commit writes in each schema (500 commits, checkpoints off, frames counted from the WAL's size).
 *
 *   node --import tsx bench/peers/schema-engines.ts [--n 10000] [--calls 5000]
 *
 * Needs the peers installed (bench/peers/install.sh): better-sqlite3 and @ai-devkit/memory's migrations.
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configFromEnv, newId, openStore } from '../../src/store';
import { prepareMemory } from '../../src/store/memories';
import { nowRfc3339 } from '../../src/store/model';
import { INSERT_MEMORY, insertArgs } from '../../src/store/rows';
import { fmtUs, percentile, printMachine, ratio, summarize, table } from '../lib/timing';
import { type BenchMemory, generateMemories } from './corpus';
import { findPeer } from './servers';

const { values: opt } = parseArgs({
  options: { n: { type: 'string', default: '10000' }, calls: { type: 'string', default: '5000' } },
});
const N = Number(opt.n.replace(/_/g, ''));
const CALLS = Number(opt.calls.replace(/_/g, ''));
const BLOCK = 50;
const FRAME_COMMITS = 500;
if (!(N >= 100) || !(CALLS >= BLOCK)) throw new Error('bad --n or --calls');

interface Stmt {
  run(args?: unknown[]): unknown;
  get(args?: unknown[]): unknown;
}
interface Db {
  exec(sql: string): void;
  prepare(sql: string): Stmt;
  close(): void;
}
type Engine = new (file: string) => Db;

const PEER_INSERT = `INSERT INTO knowledge (id, title, content, tags, scope, normalized_title, content_hash,
  created_at, updated_at, embedding, embedding_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The peer's row for a memory, as its storeKnowledge builds it (title: entity-like name + topic, as in servers.ts). */
function peerRow(m: BenchMemory, i: number): unknown[] {
  const title = `${m.topic} ${i}`;
  const now = new Date().toISOString();
  const hash = createHash('sha256').update(m.content).digest('hex');
  return [
    randomUUID(),
    title,
    m.content,
    JSON.stringify(m.keywords),
    'global',
    title.toLowerCase(),
    hash,
    now,
    now,
    null,
    null,
  ];
}

function oursArgs(m: BenchMemory): unknown[] {
  const p = prepareMemory(
    { id: newId(), topic: m.topic, summary: m.content, importance: m.importance, keywords: m.keywords },
    nowRfc3339(),
  );
  return insertArgs(p.memory, p.hash);
}

function open(engine: Engine, file: string): Db {
  const db = new engine(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  return db;
}

async function main(): Promise<void> {
  const bsqlDir = findPeer('better-sqlite3');
  const peerDir = findPeer('@ai-devkit/memory');
  if (!bsqlDir || !peerDir) throw new Error('better-sqlite3 / @ai-devkit/memory not found: run bench/peers/install.sh');
  /* eslint-disable @typescript-eslint/no-require-imports -- engines loaded by path at run time (one outside this repo) */
  const engines: [string, Engine][] = [
    ['libsql', require('libsql') as Engine],
    ['better-sqlite3', require(bsqlDir) as Engine],
  ];
  /* eslint-enable @typescript-eslint/no-require-imports */
  const migrations = path.join(peerDir, 'dist', 'database', 'migrations');
  const peerDdl = ['001_initial.sql', '002_semantic_embeddings.sql']
    .map((f) => readFileSync(path.join(migrations, f), 'utf8'))
    .join('\n');

  printMachine(`schema × engine, one memory per commit, N = ${N}, ${CALLS} commits each`);
  const all = generateMemories(N + CALLS + FRAME_COMMITS);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schema-engines-'));
  try {
    // The two schemas with N memories each, indexes merged; copied once per engine.
    const oursBase = path.join(dir, 'ours.db');
    const store = await openStore(configFromEnv({ db: oursBase }, {}));
    for (let i = 0; i < N; i += 500)
      await store.storeMany(
        all
          .slice(i, Math.min(N, i + 500))
          .map((m) => ({ topic: m.topic, summary: m.content, importance: m.importance, keywords: m.keywords })),
      );
    await store.sql(`INSERT INTO memories_fts(memories_fts) VALUES('optimize')`);
    await store.sql('PRAGMA wal_checkpoint(TRUNCATE)'); // the copies below take the main file only
    await store.close();
    const peerBase = path.join(dir, 'peer.db');
    {
      const db = open(engines[0][1], peerBase);
      db.exec(peerDdl);
      const ins = db.prepare(PEER_INSERT);
      db.exec('BEGIN');
      for (let i = 0; i < N; i++) ins.run(peerRow(all[i], i));
      db.exec('COMMIT');
      db.exec(`INSERT INTO knowledge_fts(knowledge_fts) VALUES('optimize')`);
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    }

    interface Variant {
      schema: string;
      engine: string;
      file: string;
      db: Db;
      store: (m: BenchMemory, i: number) => void;
      times: number[];
    }
    const variants: Variant[] = [];
    const probes: { engine: string; db: Db; one: Stmt; row: Stmt; oneTimes: number[]; rowTimes: number[] }[] = [];
    const count = (db: Db, table: string) =>
      Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);
    for (const [engineName, engine] of engines) {
      const oursFile = path.join(dir, `ours-${engineName}.db`);
      copyFileSync(oursBase, oursFile);
      const ours = open(engine, oursFile);
      if (count(ours, 'memories') !== N) throw new Error('the copy of the ICM-schema store is incomplete');
      const ins = ours.prepare(INSERT_MEMORY);
      variants.push({
        schema: "ICM's schema",
        engine: engineName,
        file: oursFile,
        db: ours,
        store: (m) => ins.run(oursArgs(m)),
        times: [],
      });

      const peerFile = path.join(dir, `peer-${engineName}.db`);
      copyFileSync(peerBase, peerFile);
      const peer = open(engine, peerFile);
      if (count(peer, 'knowledge') !== N) throw new Error('the copy of the peer-schema store is incomplete');
      const [begin, commit, byTitle, byHash, pins] = [
        'BEGIN',
        'COMMIT',
        'SELECT id FROM knowledge WHERE normalized_title = ? AND scope = ?',
        'SELECT id FROM knowledge WHERE content_hash = ? AND scope = ?',
        PEER_INSERT,
      ].map((sql) => peer.prepare(sql));
      variants.push({
        schema: "the peer's schema",
        engine: engineName,
        file: peerFile,
        db: peer,
        store: (m, i) => {
          const row = peerRow(m, i);
          begin.run();
          byTitle.get([row[5], 'global']);
          byHash.get([row[6], 'global']);
          pins.run(row);
          commit.run();
        },
        times: [],
      });
      probes.push({
        engine: engineName,
        db: ours,
        one: ours.prepare('SELECT 1 AS x'),
        row: ours.prepare('SELECT * FROM memories WHERE rowid = ?'),
        oneTimes: [],
        rowTimes: [],
      });
    }

    let next = N;
    for (let b = 0; b * BLOCK < CALLS; b++, next += BLOCK) {
      const k = b % variants.length;
      for (const v of [...variants.slice(k), ...variants.slice(0, k)]) {
        for (let i = next; i < next + BLOCK; i++) {
          const t = performance.now();
          v.store(all[i], i);
          v.times.push(performance.now() - t);
        }
      }
      for (const p of b % 2 ? [...probes].reverse() : probes) {
        for (let i = 0; i < BLOCK; i++) {
          let t = performance.now();
          p.one.get();
          p.oneTimes.push(performance.now() - t);
          t = performance.now();
          p.row.get([1 + ((b * BLOCK + i) % N)]);
          p.rowTimes.push(performance.now() - t);
        }
      }
    }
    const base = summarize(variants[0].times);
    console.log(
      '\n' +
        table(
          ['one memory per commit', 'p50', 'p90 (≈ p95 − checkpoints)', 'mean', 'p50 ÷ ICM schema on libsql'],
          variants.map((v) => {
            const s = summarize(v.times);
            const p90 = percentile(
              [...v.times].sort((a, b) => a - b),
              90,
            );
            return [`${v.schema}, ${v.engine}`, fmtUs(s.p50), fmtUs(p90), fmtUs(s.mean), ratio(s.p50, base.p50)];
          }),
        ),
    );
    console.log(
      '\n' +
        table(
          ['engine', 'SQLite', 'a call (`SELECT 1`) p50', 'one memory row by rowid p50'],
          probes.map((p) => [
            p.engine,
            String((p.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v),
            fmtUs(summarize(p.oneTimes).p50),
            fmtUs(summarize(p.rowTimes).p50),
          ]),
        ),
    );

    // Pages a commit writes: the WAL's growth over FRAME_COMMITS commits, checkpoints off.
    const frames: (string | number)[][] = [];
    for (const v of variants.filter((x) => x.engine === 'libsql')) {
      v.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      v.db.exec('PRAGMA wal_autocheckpoint = 0');
      const before = statSync(`${v.file}-wal`).size;
      for (let i = next; i < next + FRAME_COMMITS; i++) v.store(all[i], i);
      const pageSize = Number((v.db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
      const perCommit = (statSync(`${v.file}-wal`).size - Math.max(before, 32)) / (pageSize + 24) / FRAME_COMMITS;
      frames.push([v.schema, perCommit.toFixed(2)]);
    }
    console.log('\n' + table(['schema', 'WAL frames (pages) per commit'], frames));
    for (const v of variants) v.db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
