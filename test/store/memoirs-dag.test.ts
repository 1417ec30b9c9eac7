/**
 * The graph stays a DAG under concurrent writers. N processes add random links among a few concepts
 * of one memoir at once (so A→B and B→A race all the time) on a local file, on sqld, and through one
 * embedded replica per process. Then: no directed cycle, no duplicate (source, target, relation), no
 * self-link, every acknowledged link present, nothing present that was not acknowledged.
 * Also pins the SQLite fact the argument rests on (store.ts header): a deferred transaction that read
 * before another connection's commit cannot write on that stale read (SQLITE_BUSY_SNAPSHOT).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openConn } from '../../src/store/conn';
import { type Conn, MemoirStore, type StoreConfig } from '../../src/store';
import { type Sqld, startSqld } from '../helpers/sqld';
import { tmpDir } from './modes';

const ROOT = path.resolve(__dirname, '../..');
const PROC = path.join(ROOT, 'test/store/memoirs-dag-proc.ts');
const WRITERS = Number(process.env.MNEMOS_DAG_WRITERS ?? 6);
const CONCEPTS = 8;

interface Outcome {
  acks: { id: string; from: string; to: string; rel: string }[];
  cycles: number;
  dups: number;
  codes: (number | null)[];
  logs: string[];
  ms: number;
}

async function runWriters(configFor: (w: number) => StoreConfig, attempts: number): Promise<Outcome> {
  const out: Outcome = { acks: [], cycles: 0, dups: 0, codes: [], logs: [], ms: 0 };
  const procs = Array.from({ length: WRITERS }, (_, w) =>
    spawn(process.execPath, ['--import', 'tsx', PROC], {
      cwd: ROOT,
      env: {
        ...process.env,
        MNEMOS_DAG_CONFIG: JSON.stringify(configFor(w)),
        DAG_CONCEPTS: String(CONCEPTS),
        DAG_ATTEMPTS: String(attempts),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  let ready = 0;
  let release: () => void = () => undefined;
  const allReady = new Promise<void>((r) => (release = r));
  const exits = procs.map(
    (p, w) =>
      new Promise<void>((resolve) => {
        let buf = '';
        out.logs[w] = '';
        p.stderr.on('data', (d) => (out.logs[w] = (out.logs[w] + d).slice(-2000)));
        p.stdout.on('data', (d) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            const [kind, ...rest] = line.split(' ');
            if (kind === 'ready' && ++ready === WRITERS) release();
            else if (kind === 'ack') out.acks.push({ id: rest[0], from: rest[1], to: rest[2], rel: rest[3] });
            else if (kind === 'rej') {
              if (rest[0] === 'cycle') out.cycles++;
              else out.dups++;
            } else if (kind === 'err') out.logs[w] += line;
          }
        });
        p.on('exit', (code) => {
          out.codes[w] = code;
          if (ready < WRITERS) release(); // a writer died before starting: do not wait forever
          resolve();
        });
      }),
  );
  await allReady;
  const t0 = performance.now();
  for (const p of procs) p.stdin.write('go\n');
  await Promise.all(exits);
  out.ms = performance.now() - t0;
  return out;
}

async function setup(conn: Conn): Promise<void> {
  const m = new MemoirStore(conn);
  await m.init();
  await conn.batch(['concept_links', 'concepts', 'memoirs'].map((t) => ({ sql: `DELETE FROM ${t}` })));
  await m.createMemoir('dag');
  for (let i = 0; i < CONCEPTS; i++) await m.addConcept('dag', { name: `c${i}`, definition: `concept ${i}` });
}

async function verify(check: Conn, run: Outcome, label: string): Promise<void> {
  assert.deepEqual(
    run.codes,
    run.codes.map(() => 0),
    `every writer exited cleanly:\n${run.logs.filter(Boolean).join('\n')}`,
  );
  const rows = await check.query(
    `SELECT l.id, s.name AS src, t.name AS tgt, l.relation FROM concept_links l
     JOIN concepts s ON s.id = l.source_id JOIN concepts t ON t.id = l.target_id`,
  );
  const ids = new Set(rows.map((r) => String(r.id)));
  for (const a of run.acks) assert.ok(ids.has(a.id), `acknowledged link ${a.from}→${a.to} ${a.rel} is present`);
  assert.equal(rows.length, run.acks.length, 'no link landed that was not acknowledged');
  const keys = rows.map((r) => `${String(r.src)}>${String(r.tgt)}>${String(r.relation)}`);
  assert.equal(new Set(keys).size, keys.length, 'no duplicate (source, target, relation)');
  assert.ok(
    rows.every((r) => r.src !== r.tgt),
    'no self-link',
  );
  // Kahn's algorithm: every node is removed iff the graph has no directed cycle.
  const indeg = new Map<string, number>();
  const out = new Map<string, string[]>();
  for (let i = 0; i < CONCEPTS; i++) indeg.set(`c${i}`, 0);
  for (const r of rows) {
    out.set(String(r.src), [...(out.get(String(r.src)) ?? []), String(r.tgt)]);
    indeg.set(String(r.tgt), indeg.get(String(r.tgt))! + 1);
  }
  const queue = [...indeg].filter(([, d]) => d === 0).map(([n]) => n);
  let removed = 0;
  while (queue.length) {
    const n = queue.pop()!;
    removed++;
    for (const t of out.get(n) ?? []) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  assert.equal(removed, CONCEPTS, 'the links form a DAG (no directed cycle)');
  assert.ok(run.cycles > 0, 'the run did try to close cycles (otherwise it proves nothing)');
  console.log(
    `# ${label}: ${WRITERS} processes, ${run.acks.length} links acknowledged, ${run.cycles} cycle and ${run.dups} duplicate ` +
      `refusals in ${run.ms.toFixed(0)} ms; DAG, no duplicate, nothing lost`,
  );
}

describe('memoir links from concurrent processes keep the graph a DAG', { concurrency: false }, () => {
  test('local file', { timeout: 120_000 }, async () => {
    const file = path.join(tmpDir('mnemos-dag-'), 'memories.db');
    const check = await openConn({ mode: 'local', path: file });
    try {
      await setup(check);
      const run = await runWriters(() => ({ mode: 'local', path: file }), 60);
      await verify(check, run, 'local file');
    } finally {
      await check.close();
    }
  });

  describe('sqld and replicas', () => {
    let sqld: Sqld;
    before(async () => {
      sqld = await startSqld();
    });
    after(async () => sqld?.stop());

    test('sqld', { timeout: 120_000 }, async () => {
      const check = await openConn({ mode: 'remote', url: sqld.url });
      try {
        await setup(check);
        const run = await runWriters(() => ({ mode: 'remote', url: sqld.url }), 60);
        await verify(check, run, 'sqld');
      } finally {
        await check.close();
      }
    });

    test('one embedded replica per process', { timeout: 180_000 }, async () => {
      const dir = tmpDir('mnemos-dag-replica-');
      const check = await openConn({ mode: 'remote', url: sqld.url });
      try {
        await setup(check);
        const run = await runWriters(
          (w) => ({ mode: 'replica', path: path.join(dir, `r${w}.db`), syncUrl: sqld.url, syncIntervalSec: 0 }),
          30,
        );
        await verify(check, run, 'replicas');
      } finally {
        await check.close();
      }
    });
  });

  test('SQLite refuses a write on a read made before another commit (SQLITE_BUSY_SNAPSHOT)', () => {
    const file = path.join(tmpDir('mnemos-snap-'), 'x.db');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('libsql') as new (p: string) => {
      exec(s: string): void;
      prepare(s: string): { all(a: unknown[]): unknown[]; run(a: unknown[]): unknown };
      close(): void;
    };
    const a = new Database(file);
    const b = new Database(file);
    try {
      a.exec(`PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1)`);
      a.exec('BEGIN DEFERRED');
      a.prepare('SELECT COUNT(*) FROM t').all([]); // a's snapshot
      b.exec('INSERT INTO t VALUES (2)'); // another writer commits
      assert.throws(
        () => a.exec('INSERT INTO t VALUES (3)'),
        (e: { code?: string }) => e.code === 'SQLITE_BUSY_SNAPSHOT',
      );
      a.exec('ROLLBACK');
    } finally {
      a.close();
      b.close();
    }
  });
});
