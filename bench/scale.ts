/**
 * Many writer processes at once (prints figures; not a test): W processes × N store() calls each,
 * back to back, on one local WAL file, on one sqld over loopback, and on embedded replicas of that
 * sqld (one replica file per process). Reports throughput, p50/p99 per store, and verifies by
 * counting that nothing acknowledged is missing and nothing is stored twice.
 *
 * sqld 0.24.32 with its default WAL can stop serving writes under many back-to-back writers (a
 * write-queue wedge, test/faults/restart.test.ts): a watchdog notices W seconds without a write,
 * records the wedge, kills sqld and starts it again on the same data, and the run goes on (the
 * clients retry). `sqld-libsql-wal` is the same server with `--use-custom-wal libsql-wal`, which
 * did not wedge (it cannot serve replicas: its replication is "not yet implemented").
 *
 * usage: node scripts/build.mjs && node --import tsx bench/scale.ts
 *          [--writers 32] [--per 500] [--modes local,sqld,sqld-libsql-wal,replica] [--stall-s 10] [--max-wedges 3]
 */
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore, type StoreConfig } from '../src/store';
import { freePort, SQLD_BIN, startSqld } from '../test/helpers/sqld';
import {
  ensureBuilt,
  ensureWriterBundle,
  type LineChild,
  type Msg,
  quantile,
  sleep,
  spawnWriter,
} from '../test/faults/helpers';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const WRITERS = Number(arg('writers', '32'));
const PER = Number(arg('per', '500'));
const MODES = arg('modes', 'local,sqld,sqld-libsql-wal,replica').split(',') as Mode[];
const STALL_MS = Number(arg('stall-s', '10')) * 1000;
/** After this many wedges the mode is abandoned (its figures then cover what was acknowledged). */
const MAX_WEDGES = Number(arg('max-wedges', '3'));
type Mode = 'local' | 'sqld' | 'sqld-libsql-wal' | 'replica';

/** A sqld the bench can kill and start again on the same data and port. */
interface Server {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function defaultSqld(): Promise<Server> {
  const s = await startSqld();
  return {
    url: s.url,
    async kill() {
      const p = s.proc;
      if (p.exitCode !== null || p.signalCode) return;
      const dead = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await dead;
    },
    start: () => s.restart(),
    stop: () => s.stop(),
  };
}

/** test/helpers/sqld.ts takes no extra flags: the libsql-wal server is started here. */
async function libsqlWalSqld(): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-scale-lw-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  const server: Server = {
    url,
    async start() {
      proc = spawn(
        SQLD_BIN,
        [
          '--db-path',
          path.join(dir, 'data.sqld'),
          '--http-listen-addr',
          `127.0.0.1:${port}`,
          '--no-welcome',
          '--use-custom-wal',
          'libsql-wal',
        ],
        {
          stdio: 'ignore',
          env: { ...process.env, RUST_LOG: 'error' },
        },
      );
      for (let i = 0; i < 400; i++) {
        if (proc.exitCode !== null) throw new Error(`sqld --use-custom-wal libsql-wal exited (${proc.exitCode})`);
        try {
          if ((await fetch(`${url}/health`)).status < 500) return;
        } catch {
          /* not yet */
        }
        await sleep(50);
      }
      throw new Error('sqld (libsql-wal) did not start');
    },
    async kill() {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode) return;
      const dead = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await dead;
    },
    stop: () => server.kill(),
  };
  await server.start();
  return server;
}

interface Result {
  mode: Mode;
  writers: number;
  per: number;
  acked: number;
  failed: number;
  /** Failed calls by error (code and the message's start). */
  failReasons: Record<string, number>;
  rows: number;
  duplicates: number;
  missing: number;
  wallMs: number;
  storesPerSec: number;
  p50: number;
  p99: number;
  max: number;
  openP50: number;
  wedges: { afterStores: number; atMs: number }[];
  /** Stores acknowledged before the first wedge, and when it began (no write after that). */
  beforeWedge?: { stores: number; ms: number; storesPerSec: number };
  abandoned: boolean;
}

async function run(mode: Mode, dir: string): Promise<Result> {
  const server =
    mode === 'local' ? undefined : mode === 'sqld-libsql-wal' ? await libsqlWalSqld() : await defaultSqld();
  const file = path.join(dir, `${mode}.db`);
  const primary: StoreConfig = server ? { mode: 'remote', url: server.url } : { mode: 'local', path: file };
  // The schema first, once: W processes creating it at once is the concurrency test's business.
  await (await openStore(primary)).close();
  const configFor = (w: number): StoreConfig =>
    mode === 'replica'
      ? { mode: 'replica', path: path.join(dir, `replica-${w}.db`), syncUrl: server!.url, syncIntervalSec: 0 }
      : primary;

  const writers: LineChild[] = [];
  const acks: Msg[] = [];
  let fails = 0;
  const failReasons: Record<string, number> = {};
  const wedges: Result['wedges'] = [];
  try {
    for (let w = 0; w < WRITERS; w++) {
      const c = spawnWriter({
        config: configFor(w),
        prefix: `${mode}-w${w}`,
        topic: `scale-w${w}`,
        count: PER,
        gate: true,
        lat: true,
      });
      c.onMsg = (m) => {
        if (m.t === 'ack') acks.push(m);
        if (m.t === 'fail') {
          fails++;
          const why = `${m.code}: ${String(m.msg)
            .replace(/\/tmp\/\S+/g, 'FILE')
            .replace(/http:\/\/\S+/g, 'URL')
            .slice(0, 110)}`;
          failReasons[why] = (failReasons[why] ?? 0) + 1;
        }
      };
      writers.push(c);
    }
    const ready = await Promise.all(writers.map((c) => c.waitFor((m) => m.t === 'ready' || m.t === 'err')));
    const bad = ready.findIndex((m) => m?.t !== 'ready');
    if (bad >= 0)
      throw new Error(`writer ${bad} did not open the store: ${JSON.stringify(ready[bad])} ${writers[bad].stderr}`);
    const openP50 = quantile(
      ready.map((m) => Number(m!.openMs)).sort((a, b) => a - b),
      0.5,
    );

    const t0 = performance.now();
    const tGo = Date.now();
    for (const c of writers) c.send('go');
    const done = Promise.all(writers.map((c) => c.exited));
    let finished = false;
    void done.then(() => (finished = true));
    // Watchdog: no acknowledged write for STALL_MS while writers are still going = sqld wedged.
    let seen = 0;
    let lastChange = performance.now();
    let abandoned = false;
    let beforeWedge: Result['beforeWedge'];
    while (!finished) {
      await sleep(200);
      if (acks.length !== seen) {
        seen = acks.length;
        lastChange = performance.now();
      } else if (server && performance.now() - lastChange > STALL_MS) {
        const stalledFrom = lastChange - t0;
        wedges.push({ afterStores: acks.length, atMs: Math.round(stalledFrom) });
        beforeWedge ??= {
          stores: acks.length,
          ms: Math.round(stalledFrom),
          storesPerSec: Math.round((acks.length / stalledFrom) * 1000),
        };
        await server.kill();
        if (wedges.length >= MAX_WEDGES) {
          console.log(
            `  ${mode}: no write for ${STALL_MS / 1000} s after ${acks.length} stores, ${wedges.length} times: abandoned`,
          );
          abandoned = true;
          for (const c of writers) c.kill();
          await done;
          await server.start(); // for the checks below
          break;
        }
        console.log(
          `  ${mode}: no write for ${STALL_MS / 1000} s after ${acks.length} stores: killed sqld, starting it again on the same data`,
        );
        await server.start();
        lastChange = performance.now();
      }
    }
    // Wall time up to the last acknowledged write (an abandoned run's stall is not counted).
    const wallMs = abandoned ? Number(acks[acks.length - 1]?.at ?? 0) - tGo : performance.now() - t0;
    const exits = await done;
    if (!abandoned) {
      exits.forEach((e, w) => {
        if (e.code !== 0)
          throw new Error(
            `writer ${w} exited ${e.code}: ${JSON.stringify(writers[w].msgs.find((m) => m.t === 'err'))} ${writers[w].stderr}`,
          );
      });
    }
    // Per-store latency: from the done lines, or (abandoned: writers were killed) from the acks.
    const lat = (
      abandoned
        ? acks.map((m) => Number(m.ms))
        : writers.flatMap((c) => (c.msgs.find((m) => m.t === 'done')?.lat as number[]) ?? [])
    ).sort((a, b) => a - b);

    // Verify by counting, on the primary.
    const check = await openStore(primary);
    let rows = 0;
    let duplicates = 0;
    let missing = 0;
    try {
      const [c] = await check.sql(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, COUNT(DISTINCT summary) AS texts FROM memories`,
      );
      rows = Number(c.n);
      duplicates = rows - Math.min(Number(c.ids), Number(c.texts));
      const ids = acks.map((m) => String(m.id));
      if (new Set(ids).size !== ids.length) duplicates += ids.length - new Set(ids).size;
      const [p] = await check.sql(`SELECT COUNT(*) AS n FROM memories WHERE id IN (SELECT value FROM json_each(?))`, [
        JSON.stringify(ids),
      ]);
      missing = ids.length - Number(p.n);
      // And by content: every acknowledged text once.
      const [t] = await check.sql(
        `SELECT COUNT(*) AS n FROM memories WHERE summary IN (SELECT value FROM json_each(?))`,
        [JSON.stringify(acks.map((m) => m.c))],
      );
      missing = Math.max(missing, ids.length - Number(t.n));
    } finally {
      await check.close();
    }
    return {
      mode,
      writers: WRITERS,
      per: PER,
      acked: acks.length,
      failed: fails,
      failReasons,
      rows,
      duplicates,
      missing,
      wallMs: Math.round(wallMs),
      storesPerSec: Math.round((acks.length / wallMs) * 1000),
      p50: quantile(lat, 0.5),
      p99: quantile(lat, 0.99),
      max: lat[lat.length - 1] ?? NaN,
      openP50,
      wedges,
      beforeWedge,
      abandoned,
    };
  } finally {
    for (const c of writers) c.kill();
    await server?.stop();
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  ensureWriterBundle();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-scale-'));
  const loadBefore = execSync('uptime').toString().trim();
  console.log(
    `# ${WRITERS} writer processes × ${PER} store() calls; ${os.cpus().length} CPUs (${os.cpus()[0]?.model}); ${loadBefore}`,
  );
  const results: Result[] = [];
  for (const mode of MODES) {
    const load = execSync('uptime')
      .toString()
      .trim()
      .replace(/^.*load average: /, '');
    const r = { ...(await run(mode, dir)), loadBefore: load };
    results.push(r);
    console.log(
      `${mode}: ${r.acked}/${WRITERS * PER} acknowledged in ${(r.wallMs / 1000).toFixed(1)} s = ${r.storesPerSec} stores/s; per store p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms; ` +
        `open p50 ${r.openP50.toFixed(0)} ms; load before ${r.loadBefore}; rows ${r.rows}, missing ${r.missing}, duplicated ${r.duplicates}, failed calls ${r.failed}; ` +
        `${r.failed ? `failures ${JSON.stringify(r.failReasons)}; ` : ''}sqld wedges ${r.wedges.length ? JSON.stringify(r.wedges) : 0}${r.beforeWedge ? `; before the first: ${r.beforeWedge.stores} stores in ${r.beforeWedge.ms} ms = ${r.beforeWedge.storesPerSec} stores/s` : ''}${r.abandoned ? ' (abandoned)' : ''}`,
    );
  }
  const loadAfter = execSync('uptime').toString().trim();
  console.log(`# ${loadAfter}`);
  console.log(
    '\n| store | stores/s | p50 per store | p99 per store | acknowledged | rows | missing | duplicated | failed calls | sqld wedged |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    const wedged = r.wedges.length
      ? `${r.wedges.length}× (first after ${r.wedges[0].afterStores} stores, ${(r.wedges[0].atMs / 1000).toFixed(1)} s, ${r.beforeWedge!.storesPerSec} stores/s until then)${r.abandoned ? ', abandoned' : ''}`
      : 'no';
    console.log(
      `| ${r.mode} | ${r.storesPerSec} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.acked} | ${r.rows} | ${r.missing} | ${r.duplicates} | ${r.failed} | ${wedged} |`,
    );
  }
  const out = path.join(__dirname, 'results', `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify({ date: new Date().toISOString(), loadBefore, loadAfter, cpus: os.cpus().length, results }, null, 2),
  );
  console.log(`\n(${out})`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
