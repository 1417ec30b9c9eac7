/**
 * Mnemos against one peer MCP server, both running at once and measured in alternation, so that a
 * loaded machine (2 shared cores) slows both alike and the ratio stays meaningful when absolute
 * figures do not:
 *   - store: N memories one per call, in blocks of --block calls, the server going first alternating
 *     block by block; every call timed;
 *   - search: the corpus's 200 queries (needles and natural queries), each sent to both servers in
 *     alternating order, --reps times; every call timed; answers scored as in run.ts;
 *   - ping: 200 × --reps MCP pings, alternating the same way: the round trip every call pays,
 *     whatever the server does.
 * The client is a bare JSON-RPC line writer/reader on the server's stdio (no SDK client, no schema
 * validation on the client side), so what is timed is the server, the pipe and JSON, and the client's
 * own cost is the same small constant for both.
 *
 *   node --import tsx bench/peers/paired.ts [--n 10000] [--peer ai-devkit-memory] [--block 50] [--reps 3]
 *
 * `--peer mcp-memory-keeper` races that peer instead; `--peer mnemos:<dir>` races another Mnemos build
 * (a copy of a whole `dist/` folder, e.g. from `git worktree add` + `node scripts/build.mjs`), which
 * makes the same harness an A/B of two Mnemos builds under the same load.
 *
 * `--pin 0:1` runs this client on CPU 0 and both servers on CPU 1 (taskset). Unpinned, the scheduler
 * puts each server near the client or not, and on this VM that alone moved a server's ping p50
 * between ≈ 35 and ≈ 70 µs for the whole run (an IPI to wake an idle vCPU): a server with the
 * cheaper placement gained 15–30 µs on every call, whichever server it was.
 *
 * Prints p50/p95 of each call kind per server, the ratio peer/Mnemos of the p50s (> 1: Mnemos faster)
 * and the median of the per-block ratios, the answers, and the load average.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { generateCorpus } from './corpus';
import { aiDevkitSpec, memoryKeeperSpec, mnemosSpec, type ServerSpec } from './servers';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    peer: { type: 'string', default: 'ai-devkit-memory' },
    block: { type: 'string', default: '50' },
    reps: { type: 'string', default: '3' },
    mnemos: { type: 'string', default: 'bundle' },
    /** `<client cpus>:<server cpus>` for taskset, e.g. `0:1`: the same placement for both servers. */
    pin: { type: 'string', default: '' },
  },
});
const N = Number(opt.n.replace(/_/g, ''));
const BLOCK = Number(opt.block);
const REPS = Number(opt.reps);
if (!(N >= 10) || !(BLOCK >= 1) || !(REPS >= 1)) throw new Error('bad --n, --block or --reps');
const PIN = opt.pin ? /^([\d,-]+):([\d,-]+)$/.exec(opt.pin) : null;
if (opt.pin && !PIN) throw new Error('bad --pin: expected <client cpus>:<server cpus>, e.g. 0:1');

/** A bare JSON-RPC client over a child's stdio, shaped like the SDK Client where the specs use it. */
class LineClient {
  private next = 1;
  private exited: string | undefined;
  private readonly waiting = new Map<number, (msg: { result?: unknown; error?: { message: string } }) => void>();
  constructor(readonly child: ChildProcess) {
    child.on('exit', (code, signal) => {
      this.exited = `the server exited (${signal ?? `code ${code}`}): run it by hand to see why`;
      for (const done of this.waiting.values()) done({ error: { message: this.exited } });
      this.waiting.clear();
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: { id?: number; result?: unknown; error?: { message: string } };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        return; // a server's stray log line
      }
      const done = msg.id === undefined ? undefined : this.waiting.get(msg.id);
      if (done) {
        this.waiting.delete(msg.id!);
        done(msg);
      }
    });
  }
  request(method: string, params: unknown): Promise<unknown> {
    const id = this.next++;
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (msg) => (msg.error ? reject(new Error(msg.error.message)) : resolve(msg.result)));
      this.child.stdin!.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  }
  async init(): Promise<void> {
    await this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'paired-bench', version: '1' },
    });
    this.child.stdin!.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
  }
  callTool(p: { name: string; arguments: Record<string, unknown> }): Promise<unknown> {
    return this.request('tools/call', p);
  }
}

interface Side {
  spec: ServerSpec;
  dir: string;
  client: LineClient;
  store: number[];
  search: number[];
  /** Search times by query kind (needle, phrase, words). */
  byKind: Map<string, number[]>;
  ping: number[];
  hits: { needle: number; natural: number };
}

function start(spec: ServerSpec): Side {
  const dir = mkdtempSync(path.join(os.tmpdir(), `paired-${spec.id}-`));
  const [cmd, args] = PIN
    ? ['taskset', ['-c', PIN[2], process.execPath, ...spec.args(dir)]]
    : [process.execPath, spec.args(dir)];
  const child = spawn(cmd, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...spec.env(dir) },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  return {
    spec,
    dir,
    client: new LineClient(child),
    store: [],
    search: [],
    byKind: new Map(),
    ping: [],
    hits: { needle: 0, natural: 0 },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const median = (xs: number[]) => pct(xs, 0.5);
const ms = (x: number) => x.toFixed(3);

async function main(): Promise<void> {
  if (PIN) execFileSync('taskset', ['-a', '-pc', PIN[1], String(process.pid)], { stdio: 'ignore' });
  const { memories, queries } = generateCorpus(N);
  const contentIndex = new Map(memories.map((m, i) => [m.content, i]));
  const peerSpec = opt.peer.startsWith('mnemos:')
    ? mnemosSpec(contentIndex, 'bundle', path.resolve(opt.peer.slice('mnemos:'.length)))
    : opt.peer === 'mcp-memory-keeper'
      ? memoryKeeperSpec()
      : aiDevkitSpec();
  const sides = [start(mnemosSpec(contentIndex, opt.mnemos as 'bundle' | 'source')), start(peerSpec)];
  const [me, peer] = sides;
  const c = (s: Side) => s.client as unknown as Client;
  try {
    await Promise.all(sides.map((s) => s.client.init()));
    const load0 = os.loadavg()[0];
    const storeBlockRatios: number[] = [];
    for (let b = 0; b * BLOCK < N; b++) {
      const order = b % 2 ? [peer, me] : [me, peer];
      const blockTimes = new Map<Side, number[]>();
      for (const s of order) {
        const times: number[] = [];
        for (let i = b * BLOCK; i < Math.min(N, (b + 1) * BLOCK); i++) {
          const t = performance.now();
          try {
            await s.spec.storeOne(c(s), memories[i], 60_000);
          } catch (e) {
            // @ai-devkit/memory refuses short content and repeats: those are not timed
            if (s === me) throw e;
            continue;
          }
          times.push(performance.now() - t);
        }
        s.store.push(...times);
        blockTimes.set(s, times);
      }
      storeBlockRatios.push(median(blockTimes.get(peer)!) / median(blockTimes.get(me)!));
    }
    const load1 = os.loadavg()[0];
    const searchRatios: number[] = [];
    for (let r = 0; r < REPS; r++) {
      for (const [qi, q] of queries.entries()) {
        const order = (qi + r) % 2 ? [peer, me] : [me, peer];
        const t = new Map<Side, number>();
        for (const s of order) {
          const t0 = performance.now();
          const got = await s.spec.search(c(s), q.text, 60_000);
          const dt = performance.now() - t0;
          s.search.push(dt);
          const kind = q.form ?? q.kind;
          if (!s.byKind.has(kind)) s.byKind.set(kind, []);
          s.byKind.get(kind)!.push(dt);
          t.set(s, dt);
          if (r === 0 && got.includes(q.answer)) s.hits[q.kind === 'needle' ? 'needle' : 'natural'] += 1;
        }
        searchRatios.push(t.get(peer)! / t.get(me)!);
      }
    }
    // The floor every call pays (pipe, wake-ups, JSON-RPC): MCP ping, alternating as the queries are.
    for (let i = 0; i < 200 * REPS; i++) {
      for (const s of i % 2 ? [peer, me] : [me, peer]) {
        const t0 = performance.now();
        await s.client.request('ping', {});
        s.ping.push(performance.now() - t0);
      }
    }
    const load2 = os.loadavg()[0];
    console.log(`N = ${N}, store blocks of ${BLOCK} alternating, ${REPS} × ${queries.length} queries alternating`);
    console.log(`load average (1 min): ${load0.toFixed(1)} → ${load1.toFixed(1)} → ${load2.toFixed(1)}`);
    if (PIN) console.log(`pinned: this client on CPU ${PIN[1]}, both servers on CPU ${PIN[2]} (taskset)`);
    console.log(
      '| server | stored | store p50 ms | store p95 ms | search p50 ms | search p95 ms | ping p50 ms | needle / natural in top 5 |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of sides) {
      const nq = queries.filter((q) => q.kind === 'needle').length;
      console.log(
        `| ${s.spec.label} ${s.spec.version} | ${s.store.length} | ${ms(median(s.store))} | ${ms(pct(s.store, 0.95))} | ${ms(median(s.search))} | ${ms(pct(s.search, 0.95))} | ${ms(median(s.ping))} | ${s.hits.needle}/${nq} / ${s.hits.natural}/${queries.length - nq} |`,
      );
    }
    const kinds = [...me.byKind.keys()];
    console.log(
      `search p50 ms by query kind (${kinds.join(', ')}): ` +
        sides.map((s) => `${s.spec.label} ${kinds.map((k) => ms(median(s.byKind.get(k)!))).join(' / ')}`).join('; '),
    );
    console.log(
      `store: peer/Mnemos p50 ${(median(peer.store) / median(me.store)).toFixed(2)}×, median of block ratios ${median(storeBlockRatios).toFixed(2)}×`,
    );
    console.log(
      `search: peer/Mnemos p50 ${(median(peer.search) / median(me.search)).toFixed(2)}×, median of per-query ratios ${median(searchRatios).toFixed(2)}×`,
    );
  } finally {
    for (const s of sides) {
      s.client.child.kill();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
