/**
 * Writers killed with SIGKILL at random moments, round after round, on a local file and on a real
 * sqld (with embedded replicas among the writers). Each round runs three kinds of writer at once on
 * the same database — a store script (store/storeMany/update/forget, sometimes with the tiny model
 * writing vectors), the built CLI (`node dist/cli.js store`), and the MCP server
 * (`node dist/cli.js serve`) driven by an SDK client — and kills each at its own random moment
 * (sometimes while it is still opening the store). After every round a fresh connection checks
 * that every acknowledged write is there as acknowledged, nothing is half-written, FTS and vectors
 * agree with the rows, PRAGMA integrity_check is ok, and that the store opens and writes again.
 *
 *   MNEMOS_FAULT_ROUNDS (default 50, split between the two backends), MNEMOS_FAULT_SEED (replays the plan)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Embedder } from '../../src/embed/embedder';
import { blobToVec } from '../../src/store/vectors';
import { IMPORTANCES, type MnemosStore, openStore, type StoreConfig } from '../../src/store';
import { type Sqld, startSqld } from '../helpers/sqld';
import {
  cleanEnv,
  CLI,
  contentFor,
  ensureBuilt,
  ensureWriterBundle,
  LineChild,
  ROOT,
  seeded,
  sleep,
  spawnWriter,
  tinyEmbedder,
  tmpDir,
} from './helpers';
import { Ledger, verify } from './ledger';

const ROUNDS = Number(process.env.MNEMOS_FAULT_ROUNDS ?? 50);
const SEED = Number(process.env.MNEMOS_FAULT_SEED ?? Date.now() % 1_000_000);
const rand = seeded(SEED);
const between = (lo: number, hi: number) => lo + rand() * (hi - lo);

/** When to kill a process: mostly while it writes, sometimes while it is still starting or opening the store. */
interface KillPlan {
  early: boolean;
  delayMs: number;
}
const plan = (): KillPlan =>
  rand() < 0.2 ? { early: true, delayMs: between(0, 350) } : { early: false, delayMs: between(20, 320) };

interface Backend {
  name: 'local' | 'sqld';
  /** The database of round r (every process of the round writes it; the checker reads it). */
  config(r: number): StoreConfig;
  /** The store script's config in round r (sqld: a remote client or an embedded replica). */
  writerConfig(r: number): StoreConfig;
  /** Environment for `mnemos store` / `mnemos serve` in round r. */
  env(r: number): Record<string, string>;
  /** Round r writes a brand-new database (its ledger starts empty). */
  fresh(r: number): boolean;
}

interface RoundStats {
  acks: Record<string, number>;
  killedEarly: number;
  killedWriting: number;
}

/** Kills every process still alive when a round fails half-way. */
const live = new Set<() => void>();
function killAll(): void {
  for (const k of live) k();
  live.clear();
}

/** Everything decided before a round runs (from the seed). */
interface Round {
  r: number;
  b: Backend;
  ledger: Ledger;
  embed: boolean;
  /** The store script calls update() too (on sqld only in some rounds: see txn-kill.test.ts). */
  updates: boolean;
  script: KillPlan;
  mcp: KillPlan;
  cliKillMs: number;
  st: RoundStats;
}

/**
 * A process that has been started. Writers that are to be killed while writing are started one round
 * ahead and wait, store open, for the go: their start-up overlaps the previous round, and they are
 * long-lived connections that see other processes die around them.
 */
interface Started {
  go(): void;
  /** Kills it by the round's plan; resolves when it is dead and its acks are in the ledger. */
  run(): Promise<void>;
}

/** One store script (store, storeMany, update, forget; with the tiny model in some rounds). */
function startScript(x: Round): Started {
  const prefix = `r${x.r}-w`;
  const topic = 'fault-writer';
  x.ledger.writer(prefix, topic);
  const p = x.script;
  const w = spawnWriter({
    config: x.b.writerConfig(x.r),
    prefix,
    topic,
    mix: 'mixed',
    noUpdates: !x.updates,
    embed: x.embed,
    gate: !p.early,
  });
  live.add(() => w.kill());
  w.onMsg = (m) => {
    x.ledger.apply(m, topic);
    if (m.t === 'ack') x.st.acks.script = (x.st.acks.script ?? 0) + 1;
  };
  const failure = () => {
    const err = w.msgs.find((m) => m.t === 'err');
    assert.equal(err, undefined, `round ${x.r}: the store script failed by itself: ${err?.msg}\n${w.stderr}`);
  };
  return {
    go: () => w.send('go'),
    async run() {
      if (!p.early) {
        await w.waitFor((m) => m.t === 'ready' || m.t === 'err');
        failure();
        w.send('go');
      }
      await sleep(p.delayMs);
      w.kill();
      const exit = await w.exited;
      failure();
      assert.equal(
        exit.signal,
        'SIGKILL',
        `round ${x.r}: the store script ended by itself (${exit.code}): ${w.stderr}`,
      );
      if (w.msgs.some((m) => m.t === 'ready')) x.st.killedWriting++;
      else x.st.killedEarly++;
    },
  };
}

/** The MCP server (`mnemos serve`) with three tool calls in flight at a time. */
function startMcp(x: Round): Started {
  const prefix = `r${x.r}-mcp`;
  const topic = 'fault-mcp';
  x.ledger.writer(prefix, topic);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'serve'],
    env: cleanEnv(x.b.env(x.r)),
    cwd: ROOT,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  const client = new Client({ name: 'mnemos-fault-test', version: '0.0.0' });
  const p = x.mcp;
  let killed = false;
  let ready = false;
  const kill = () => {
    killed = true;
    if (transport.pid) process.kill(transport.pid, 'SIGKILL');
  };
  live.add(() => transport.pid && process.kill(transport.pid, 'SIGKILL'));
  const connected = client.connect(transport).then(
    () => (ready = true),
    (e: Error) => {
      if (!killed) throw new Error(`round ${x.r}: the MCP server did not start: ${e.message}\n${stderr}`);
    },
  );
  connected.catch(() => undefined);
  let n = 0;
  const lane = async () => {
    while (!killed) {
      const i = n++;
      const c = contentFor(prefix, i);
      try {
        const reply = await client.callTool({
          name: 'icm_memory_store',
          arguments: { topic, content: c, importance: IMPORTANCES[i % 4], keywords: ['faults', prefix] },
        });
        const text = (reply.content as { text?: string }[]).map((t) => t.text ?? '').join('\n');
        assert.ok(!reply.isError, `round ${x.r}: icm_memory_store failed: ${text}\n${stderr}`);
        const id = /^ok:([0-9A-HJKMNP-TV-Z]{26})/.exec(text)?.[1];
        assert.ok(id, `round ${x.r}: not a store reply: ${text}`);
        x.ledger.ackStore(id, topic, c);
        x.st.acks.mcp = (x.st.acks.mcp ?? 0) + 1;
      } catch (e) {
        if (killed) return; // the reply never came: not acknowledged
        throw e;
      }
    }
  };
  return {
    go: () => undefined,
    async run() {
      if (p.early) {
        await sleep(p.delayMs);
        kill();
        await connected;
        if (ready) x.st.killedWriting++;
        else x.st.killedEarly++;
      } else {
        await connected;
        const lanes = Promise.all([lane(), lane(), lane()]);
        await sleep(p.delayMs);
        kill();
        x.st.killedWriting++;
        await lanes;
      }
      await client.close().catch(() => undefined);
    },
  };
}

/** `mnemos store` invocations one after another; the one running at the kill moment dies. */
async function runCli(x: Round): Promise<void> {
  const { r, ledger, st } = x;
  const prefix = `r${r}-cli`;
  const topic = 'fault-cli';
  ledger.writer(prefix, topic);
  const killAt = Date.now() + x.cliKillMs;
  let killed = false;
  for (let i = 0; !killed; i++) {
    const c = contentFor(prefix, i);
    const child = new LineChild(
      spawn(
        process.execPath,
        [CLI, '--json', 'store', '-t', topic, '-c', c, '-i', IMPORTANCES[i % 4], '-k', `faults,${prefix}`],
        {
          cwd: ROOT,
          env: cleanEnv(x.b.env(r)),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
    );
    const timer = setTimeout(
      () => {
        killed = true;
        child.kill();
      },
      Math.max(0, killAt - Date.now()),
    );
    live.add(() => child.kill());
    const exit = await child.exited;
    clearTimeout(timer);
    if (exit.signal === 'SIGKILL') {
      st.killedWriting++;
      break;
    }
    assert.equal(exit.code, 0, `round ${r}: mnemos store failed by itself: ${child.stderr}`);
    const out = child.msgs[0] as { id?: string; action?: string };
    assert.equal(out?.action, 'created', `round ${r}: mnemos store output: ${JSON.stringify(child.msgs)}`);
    ledger.ackStore(out.id!, topic, c);
    st.acks.cli = (st.acks.cli ?? 0) + 1;
  }
}

/** The store opens again and takes a write, which is then found by keyword. */
async function reopenAndWrite(b: Backend, r: number, ledger: Ledger): Promise<void> {
  const s = await openStore(b.config(r));
  try {
    const prefix = `marker-r${r}`;
    ledger.writer(prefix, 'fault-marker');
    const c = contentFor(prefix, 0);
    const res = await s.store({
      topic: 'fault-marker',
      summary: c,
      importance: IMPORTANCES[0],
      keywords: ['faults', prefix],
    });
    assert.equal(res.action, 'created');
    ledger.ackStore(res.id, 'fault-marker', c);
    const hits = await s.recallKeyword(c, { bumpAccess: false, limit: 2 });
    assert.equal(hits[0]?.memory.id, res.id, `round ${r}: the new write is found by keyword`);
    assert.equal(hits.filter((h) => h.fullMatch).length, 1, `round ${r}: only the new write matches all of its words`);
  } finally {
    await s.close();
  }
}

/** Every stored vector is the tiny model's vector of its memory's current text (none for stale text). */
async function checkVectorsMatchText(check: MnemosStore, e: Embedder, label: string): Promise<number> {
  const rows = await check.sql(
    `SELECT v.vec, m.topic, m.summary FROM mnemos_vectors v JOIN memories m ON m.id = v.memory_id WHERE v.model = 'tiny-bert'`,
  );
  if (!rows.length) return 0;
  {
    const fresh = await e.embed(
      rows.map((x) => `${String(x.topic)} ${String(x.summary)}`),
      'passage',
    );
    rows.forEach((x, i) => {
      const stored = blobToVec(x.vec)!;
      let dot = 0;
      let n1 = 0;
      let n2 = 0;
      for (let k = 0; k < stored.length; k++) {
        dot += stored[k] * fresh[i][k];
        n1 += stored[k] ** 2;
        n2 += fresh[i][k] ** 2;
      }
      const cos = dot / Math.sqrt(n1 * n2);
      assert.ok(
        cos > 0.999,
        `${label}: the vector of "${String(x.summary).slice(0, 60)}" is of other text (cosine ${cos.toFixed(3)})`,
      );
    });
  }
  return rows.length;
}

async function crashRounds(b: Backend, rounds: number[]): Promise<void> {
  let ledger: Ledger | undefined;
  let files = 0;
  const plans: Round[] = rounds.map((r) => {
    if (!ledger || b.fresh(r)) {
      ledger = new Ledger();
      files++;
    }
    const embed = r % 4 === 1;
    // With the model, kill while vectors are being written (its load takes about a second, before the go).
    const script = embed ? { early: false, delayMs: between(60, 400) } : plan();
    // A client killed inside update() on sqld stalls every writer ~5 s (txn-kill.test.ts): only every 5th round there.
    const updates = b.name === 'local' || r % 5 === 0;
    return {
      r,
      b,
      ledger,
      embed,
      updates,
      script,
      mcp: plan(),
      cliKillMs: between(0, 900),
      st: { acks: {}, killedEarly: 0, killedWriting: 0 },
    };
  });
  const totals = { acks: {} as Record<string, number>, killedEarly: 0, killedWriting: 0 };
  const t0 = Date.now();
  let last = { rows: 0, acked: 0, vectors: 0 };
  let vectorsChecked = 0;
  const embedder = tinyEmbedder();
  const phases = { writers: 0, verify: 0, reopen: 0 };
  const ahead = (x: Round) => ({
    script: x.script.early ? undefined : startScript(x),
    mcp: x.mcp.early ? undefined : startMcp(x),
  });
  let next: { script?: Started; mcp?: Started } = ahead(plans[0]);
  let checker: { config: string; store: MnemosStore } | undefined;
  try {
    for (let i = 0; i < plans.length; i++) {
      const x = plans[i];
      let t = Date.now();
      const kinds = [(next.script ?? startScript(x)).run(), (next.mcp ?? startMcp(x)).run(), runCli(x)];
      // The next round's writers start now and wait with the store open: they live through this round's kills.
      next = i + 1 < plans.length ? ahead(plans[i + 1]) : {};
      const kindMs = kinds.map((k) => k.then(() => Date.now() - t));
      await Promise.all(kinds);
      const km = await Promise.all(kindMs);
      phases.writers += Date.now() - t;
      t = Date.now();
      // The checker's own connection, one per database (reopening is what reopenAndWrite tests).
      if (checker?.config !== JSON.stringify(b.config(x.r))) {
        await checker?.store.close();
        checker = { config: JSON.stringify(b.config(x.r)), store: await openStore(b.config(x.r)) };
      }
      last = await verify(checker.store, x.ledger, `${b.name} round ${x.r}`);
      if (x.embed) vectorsChecked += await checkVectorsMatchText(checker.store, embedder, `${b.name} round ${x.r}`);
      phases.verify += Date.now() - t;
      t = Date.now();
      await reopenAndWrite(b, x.r, x.ledger);
      phases.reopen += Date.now() - t;
      if (process.env.MNEMOS_FAULT_DEBUG)
        console.log(`# round ${x.r}: script/mcp/cli ${km.join('/')} ms, ${JSON.stringify(x.st)}`);
      for (const [k, v] of Object.entries(x.st.acks)) totals.acks[k] = (totals.acks[k] ?? 0) + v;
      totals.killedEarly += x.st.killedEarly;
      totals.killedWriting += x.st.killedWriting;
    }
  } finally {
    await checker?.store.close();
    await embedder.dispose();
    killAll();
  }
  assert.ok(
    vectorsChecked > 0 || !plans.some((x) => x.embed),
    `${b.name}: the rounds with the model left vectors to check`,
  );
  assert.ok(
    Object.values(totals.acks).reduce((a, n) => a + n, 0) > rounds.length,
    `${b.name}: the writers got writes acknowledged`,
  );
  console.log(
    `# crash ${b.name}: ${rounds.length} rounds in ${((Date.now() - t0) / 1000).toFixed(1)} s (seed ${SEED}); acknowledged writes ${JSON.stringify(totals.acks)}; ` +
      `SIGKILLs ${totals.killedWriting} while writing, ${totals.killedEarly} while starting/opening; ${files} database(s); last: ${last.rows} rows, ${last.vectors} vectors; ` +
      `${vectorsChecked} vectors checked against their text; ms in writers ${phases.writers}, checks ${phases.verify}, reopen+write ${phases.reopen}`,
  );
}

describe('writers killed with SIGKILL at random moments', { concurrency: false }, () => {
  let sqld: Sqld | undefined;
  const dir = tmpDir('mnemos-crash-');
  const localRounds = Array.from({ length: Math.ceil(ROUNDS / 2) }, (_, i) => i);
  const sqldRounds = Array.from({ length: Math.floor(ROUNDS / 2) }, (_, i) => i + localRounds.length);

  before(async () => {
    ensureBuilt();
    ensureWriterBundle();
    sqld = await startSqld({ auth: true });
  });
  after(async () => {
    await sqld?.stop();
  });

  test(
    `local file, ${localRounds.length} rounds (store script, CLI, MCP server; a new file every 6th round): every acknowledged write present, nothing half-written, FTS and vectors in step, integrity ok, the store reopens and writes`,
    { timeout: 120_000 },
    async () => {
      const file = (r: number) => path.join(dir, `local-${Math.floor(r / 6)}.db`);
      await crashRounds(
        {
          name: 'local',
          config: (r) => ({ mode: 'local', path: file(r) }),
          writerConfig: (r) => ({ mode: 'local', path: file(r) }),
          env: (r) => ({ MNEMOS_DB: file(r) }),
          fresh: (r) => r % 6 === 0,
        },
        localRounds,
      );
    },
  );

  test(
    `sqld, ${sqldRounds.length} rounds (store script as a remote client or an embedded replica, CLI, MCP server): every acknowledged write present, nothing half-written, FTS and vectors in step, integrity ok, the store and the replicas reopen and write`,
    { timeout: 120_000 },
    async () => {
      const s = sqld!;
      const replicaFile = (r: number) => path.join(dir, `replica-${r % 3}.db`);
      const used = new Set<string>();
      await crashRounds(
        {
          name: 'sqld',
          config: () => ({ mode: 'remote', url: s.url, authToken: s.token }),
          writerConfig: (r) => {
            if (r % 2 === 0) return { mode: 'remote', url: s.url, authToken: s.token };
            used.add(replicaFile(r));
            return { mode: 'replica', path: replicaFile(r), syncUrl: s.url, authToken: s.token, syncIntervalSec: 0 };
          },
          env: () => ({ TURSO_DATABASE_URL: s.url, TURSO_AUTH_TOKEN: s.token! }),
          fresh: (r) => r === sqldRounds[0],
        },
        sqldRounds,
      );
      // Replica files killed mid-pull open again, catch up with the primary and are sound.
      const primary = await openStore({ mode: 'remote', url: s.url, authToken: s.token });
      const total = await primary.count();
      await primary.close();
      for (const f of used) {
        const rep = await openStore({
          mode: 'replica',
          path: f,
          syncUrl: s.url,
          authToken: s.token,
          syncIntervalSec: 0,
        });
        try {
          assert.equal(await rep.count(), total, `${f} caught up with the primary`);
          const integrity = await rep.sql(`PRAGMA integrity_check`);
          assert.deepEqual(
            integrity.map((x) => Object.values(x)[0]),
            ['ok'],
            `${f}: PRAGMA integrity_check`,
          );
          const fts = await rep.sql(`SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH 'faultprobe'`);
          assert.equal(Number(fts[0].n), total, `${f}: its full-text index has every row`);
        } finally {
          await rep.close();
        }
      }
    },
  );
});
