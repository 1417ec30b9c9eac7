/**
 * Mnemos's MCP server against two peer MCP memory servers, same workload, official SDK client over
 * stdio, one server process per store:
 *   store N memories one per call (and batched where the server has a batch tool, in a fresh store),
 *   then 200 queries (100 needle identifiers, 100 natural 2–3-word queries, each with one known answer),
 *   then peak RSS of the server process (VmHWM) and the size of its files on disk.
 * Every phase is bounded (--timeout-min); a server that runs out of time is reported as not finishing.
 *
 *   node --import tsx bench/peers/run.ts [--n 1000,10000] [--timeout-min 5]
 *        [--servers mnemos,ai-devkit-memory,mcp-memory-keeper,server-memory,mcp-memory-libsql]
 *        [--mnemos bundle|source] [--out FILE]
 *
 * Peers not in this repository's node_modules are looked up in the folders named by MNEMOS_PEERS
 * (colon-separated), e.g. MNEMOS_PEERS=/work/peer2 after `npm install @ai-devkit/memory mcp-memory-keeper` there.
 * Each server is started with its store in a fresh temp dir; the notes printed with the figures say
 * what its commit guarantees (journal mode, synchronous).
 *
 * Prints a table and writes bench/results/peers-<date>.json.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { type BenchMemory, type BenchQuery, generateCorpus } from './corpus';
import {
  aiDevkitSpec,
  libsqlSpec,
  memoryKeeperSpec,
  mnemosSpec,
  ROOT,
  type ServerSpec,
  serverMemorySpec,
} from './servers';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '1000,10000' },
    'timeout-min': { type: 'string', default: '5' },
    servers: { type: 'string', default: 'mnemos,ai-devkit-memory,mcp-memory-keeper,server-memory,mcp-memory-libsql' },
    mnemos: { type: 'string', default: 'bundle' },
    out: { type: 'string' },
  },
});
const SIZES = opt.n.split(',').map((s) => Number(s.replace(/_/g, '')));
const TIMEOUT_MS = Number(opt['timeout-min']) * 60_000;
const WANT = new Set(opt.servers.split(','));
if (SIZES.some((n) => !Number.isInteger(n) || n < 10) || !(TIMEOUT_MS > 0)) throw new Error('bad --n or --timeout-min');

// ------------------------------------------------------------------------------------ measuring

const CLK_TCK = 100; // Linux USER_HZ

function procStatus(pid: number): { hwmKb: number; rssKb: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { hwmKb: kb('VmHWM'), rssKb: kb('VmRSS') };
}

/** User+system CPU of a process so far, in ms. */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const now = () => performance.now();
const load = () => os.loadavg().map((x) => Number(x.toFixed(2)));
/** Share of the last 10 s in which some runnable task waited for a CPU (Linux PSI), or NaN. */
function cpuPressure(): number {
  try {
    return Number(/some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

interface Proc {
  client: Client;
  pid: number;
  stderrTail: () => string;
  close: () => Promise<void>;
}

async function start(spec: ServerSpec, dir: string): Promise<Proc & { startMs: number }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: spec.args(dir),
    env: { ...getDefaultEnvironment(), ...spec.env(dir) },
    cwd: dir,
    stderr: 'pipe',
  });
  let tail = '';
  transport.stderr?.on('data', (b: Buffer) => (tail = (tail + b.toString()).slice(-4000)));
  const client = new Client({ name: 'mnemos-peer-bench', version: '0.1.0' });
  const t0 = now();
  await client.connect(transport, { timeout: 60_000 });
  const startMs = now() - t0;
  const pid = transport.pid;
  if (!pid) throw new Error(`${spec.id}: no pid`);
  return { client, pid, startMs, stderrTail: () => tail, close: () => client.close() };
}

interface Phase {
  finished: boolean;
  /** Memories stored (store phases) or queries answered (search phase). */
  done: number;
  wallMs: number;
  /** CPU the server process and this client process used during the phase. */
  serverCpuMs: number;
  clientCpuMs: number;
  latMs: number[];
  error?: string;
}

/** Runs `step(i)` for i < count, one at a time, until done or out of time. */
async function phase(
  pid: number,
  count: number,
  step: (i: number, remainingMs: number) => Promise<number>,
): Promise<Phase> {
  const deadline = now() + TIMEOUT_MS;
  const cpu0 = procCpuMs(pid);
  const c0 = process.cpuUsage();
  const t0 = now();
  const latMs: number[] = [];
  let done = 0;
  let error: string | undefined;
  let i = 0;
  while (i < count) {
    const remaining = deadline - now();
    if (remaining <= 0) break;
    const t = now();
    try {
      const k = await step(i, remaining);
      latMs.push(now() - t);
      done += k;
      i++;
    } catch (e) {
      // A call still running when the phase's time is up is "did not finish", not an error.
      if ((e as { code?: number }).code !== ErrorCode.RequestTimeout)
        error = e instanceof Error ? e.message : String(e);
      break;
    }
  }
  const wallMs = now() - t0;
  const c1 = process.cpuUsage(c0);
  let serverCpuMs = NaN;
  try {
    serverCpuMs = procCpuMs(pid) - cpu0;
  } catch {
    /* the process is gone */
  }
  return {
    finished: i >= count && !error,
    done,
    wallMs,
    serverCpuMs,
    clientCpuMs: (c1.user + c1.system) / 1000,
    latMs,
    error,
  };
}

function storePhase(spec: ServerSpec, p: Proc, ms: BenchMemory[], batch: number): Promise<Phase> {
  const calls = batch > 1 ? Math.ceil(ms.length / batch) : ms.length;
  return phase(p.pid, calls, async (i, remaining) => {
    if (batch > 1) {
      const chunk = ms.slice(i * batch, (i + 1) * batch);
      await spec.storeBatch!(p.client, chunk, remaining);
      return chunk.length;
    }
    await spec.storeOne(p.client, ms[i], remaining);
    return 1;
  });
}

interface SearchOutcome extends Phase {
  needleHits: number;
  needles: number;
  naturalHits: number;
  naturals: number;
  phraseHits: number;
  phrases: number;
  wordsHits: number;
  wordsQueries: number;
  /** Queries with no result at all. */
  empty: number;
  misses: { query: string; kind: string; got: number[] }[];
}

async function searchPhase(spec: ServerSpec, p: Proc, queries: BenchQuery[]): Promise<SearchOutcome> {
  const got: number[][] = [];
  const ph = await phase(p.pid, queries.length, async (i, remaining) => {
    got.push(await spec.search(p.client, queries[i].text, remaining));
    return 1;
  });
  const o: SearchOutcome = {
    ...ph,
    needleHits: 0,
    needles: 0,
    naturalHits: 0,
    naturals: 0,
    phraseHits: 0,
    phrases: 0,
    wordsHits: 0,
    wordsQueries: 0,
    empty: 0,
    misses: [],
  };
  queries.forEach((q, i) => {
    const r = got[i];
    const hit = !!r && r.includes(q.answer);
    if (r && !r.length) o.empty++;
    if (q.kind === 'needle') {
      o.needles++;
      if (hit) o.needleHits++;
    } else {
      o.naturals++;
      if (hit) o.naturalHits++;
      if (q.form === 'phrase') {
        o.phrases++;
        if (hit) o.phraseHits++;
      } else {
        o.wordsQueries++;
        if (hit) o.wordsHits++;
      }
    }
    if (r && !hit && o.misses.length < 12) o.misses.push({ query: q.text, kind: q.form ?? q.kind, got: r });
  });
  return o;
}

async function pingFloor(p: Proc, n = 50): Promise<number> {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    await p.client.ping();
    lat.push(now() - t);
  }
  return quantile(lat, 0.5);
}

// ----------------------------------------------------------------------------------- one server

interface ServerRun {
  server: string;
  version: string;
  n: number;
  loadBefore: number[];
  loadAfter?: number[];
  cpuPressureBefore: number;
  cpuPressureAfter?: number;
  startMs?: number;
  pingP50Ms?: number;
  perCall?: Phase;
  batched?: Phase & { batchSize: number };
  /** Which store the queries ran on. */
  queriedStore?: 'per-call' | 'batched';
  search?: SearchOutcome;
  peakRssKb?: number;
  rssAtEndKb?: number;
  diskBytes?: number;
  stderrTail?: string;
  error?: string;
}

const slim = (p: Phase) => ({
  ...p,
  latMs: undefined,
  p50Ms: quantile(p.latMs, 0.5),
  p95Ms: quantile(p.latMs, 0.95),
  maxMs: Math.max(...p.latMs, 0),
});

async function runServer(spec: ServerSpec, memories: BenchMemory[], queries: BenchQuery[]): Promise<ServerRun> {
  const run: ServerRun = {
    server: spec.id,
    version: spec.version,
    n: memories.length,
    loadBefore: load(),
    cpuPressureBefore: cpuPressure(),
  };
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), `peers-${spec.id}-`));
    dirs.push(d);
    return d;
  };
  const log = (s: string) => process.stderr.write(`  [${spec.id} N=${memories.length}] ${s}\n`);
  let a: (Proc & { startMs: number }) | undefined;
  let b: (Proc & { startMs: number }) | undefined;
  try {
    const dirA = fresh();
    a = await start(spec, dirA);
    run.startMs = a.startMs;
    run.pingP50Ms = await pingFloor(a);
    log(`started in ${a.startMs.toFixed(0)} ms, ping p50 ${run.pingP50Ms.toFixed(3)} ms; storing one per call`);
    run.perCall = await storePhase(spec, a, memories, 1);
    log(
      `per call: ${run.perCall.finished ? 'done' : `stopped after ${run.perCall.done}`} in ${(run.perCall.wallMs / 1000).toFixed(1)} s${run.perCall.error ? ` (${run.perCall.error})` : ''}`,
    );

    let q: Proc = a;
    let qDir = dirA;
    run.queriedStore = 'per-call';
    if (spec.batchMax > 1 && spec.storeBatch) {
      const dirB = fresh();
      b = await start(spec, dirB);
      const ph = await storePhase(spec, b, memories, spec.batchMax);
      run.batched = { ...ph, batchSize: spec.batchMax };
      log(
        `batched (${spec.batchMax}/call): ${ph.finished ? 'done' : `stopped after ${ph.done}`} in ${(ph.wallMs / 1000).toFixed(1)} s`,
      );
      if (!run.perCall.finished && ph.finished) {
        // The per-call store is incomplete: query the complete batched one instead.
        await a.close();
        a = undefined;
        q = b;
        qDir = dirB;
        run.queriedStore = 'batched';
      } else {
        await b.close();
        b = undefined;
      }
    }
    const complete = run.queriedStore === 'per-call' ? run.perCall.finished : run.batched?.finished;
    if (complete) {
      run.search = await searchPhase(spec, q, queries);
      const s = run.search;
      log(
        `search: ${s.done}/${queries.length} in ${(s.wallMs / 1000).toFixed(1)} s, needle ${s.needleHits}/${s.needles}, natural ${s.naturalHits}/${s.naturals}`,
      );
    } else {
      log('no complete store to query');
    }
    const st = procStatus(q.pid);
    run.peakRssKb = st.hwmKb;
    run.rssAtEndKb = st.rssKb;
    run.stderrTail = q.stderrTail().slice(-600);
    await q.close();
    if (q === a) a = undefined;
    else b = undefined;
    run.diskBytes = dirBytes(qDir);
  } catch (e) {
    run.error = e instanceof Error ? e.message : String(e);
    log(`failed: ${run.error}`);
  } finally {
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    run.loadAfter = load();
    run.cpuPressureAfter = cpuPressure();
  }
  return run;
}

// -------------------------------------------------------------------------------------- report

const fmt = (x: number | undefined, d = 0) =>
  x === undefined || !Number.isFinite(x)
    ? '—'
    : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const min = TIMEOUT_MS / 60_000;

function storeCell(p: Phase | undefined, n: number): string {
  if (!p) return '—';
  if (p.error) return `error after ${fmt(p.done)}`;
  const us = (p.wallMs * 1000) / Math.max(1, p.done);
  return p.finished ? fmt(us) : `DNF ${fmt(n)} in ${min} min (${fmt(p.done)} stored, ${fmt(us)})`;
}

function table(runs: ServerRun[]): string {
  const head = [
    'N',
    'server',
    'store µs/op (1 per call)',
    'store p50 µs (1 per call)',
    'store µs/op (batched)',
    'search p50 ms',
    'search p95 ms',
    'needle hit@5',
    'natural in top 5 (phrase / words)',
    'peak RSS MB',
    'disk MB',
  ];
  const rows = runs.map((r) => {
    const s = r.search;
    return [
      fmt(r.n),
      r.server,
      storeCell(r.perCall, r.n),
      r.perCall?.latMs.length ? fmt(quantile(r.perCall.latMs, 0.5) * 1000) : '—',
      r.batched ? `${storeCell(r.batched, r.n)} (${r.batched.batchSize}/call)` : '— (no batch tool)',
      s ? fmt(quantile(s.latMs, 0.5), 2) : r.error ? 'error' : '—',
      s ? fmt(quantile(s.latMs, 0.95), 2) : '—',
      s ? (s.finished ? `${s.needleHits}/${s.needles}` : `DNF (${s.done} queries)`) : '—',
      s && s.finished
        ? `${s.naturalHits}/${s.naturals} (${s.phraseHits}/${s.phrases} / ${s.wordsHits}/${s.wordsQueries})`
        : '—',
      fmt((r.peakRssKb ?? NaN) / 1024, 0),
      fmt((r.diskBytes ?? NaN) / 1e6, 1),
    ];
  });
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function cpuTable(runs: ServerRun[]): string {
  const head = [
    'N',
    'server',
    'ping p50 ms',
    'store 1/call: wall / server CPU / client CPU µs per call',
    'search: wall / server CPU / client CPU ms per query',
  ];
  const per = (p: Phase | undefined, k: number, unit: number) =>
    p && p.latMs.length
      ? `${fmt((p.wallMs * unit) / k, unit === 1000 ? 0 : 2)} / ${fmt((p.serverCpuMs * unit) / k, unit === 1000 ? 0 : 2)} / ${fmt((p.clientCpuMs * unit) / k, unit === 1000 ? 0 : 2)}`
      : '—';
  const rows = runs.map((r) => [
    fmt(r.n),
    r.server,
    fmt(r.pingP50Ms, 3),
    per(r.perCall, r.perCall?.latMs.length ?? 1, 1000),
    per(r.search, r.search?.latMs.length ?? 1, 1),
  ]);
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------- main

async function main() {
  const started = new Date();
  const git = (args: string) => {
    try {
      return execSync(`git ${args}`, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '?';
    }
  };
  const source = {
    commit: git('rev-parse --short HEAD'),
    /** Files under src/ changed but not committed when the run started (another engineer's work in progress). */
    uncommittedSrc: git('status --porcelain -- src').split('\n').filter(Boolean),
    bundleBuilt: (() => {
      try {
        return statSync(path.join(ROOT, 'dist', 'cli.js')).mtime.toISOString();
      } catch {
        return null;
      }
    })(),
  };
  const machine = {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model,
    memGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
  console.log(
    `Peer MCP memory servers: N = ${SIZES.join(', ')}, per-phase timeout ${min} min, ${machine.cpus} CPUs (${machine.model}), Node ${machine.node}, load ${load().join(' ')}, CPU pressure ${cpuPressure()}%`,
  );
  console.log(
    `Mnemos source ${source.commit}${source.uncommittedSrc.length ? ` + uncommitted ${source.uncommittedSrc.join(', ')}` : ''}, dist/cli.js built ${source.bundleBuilt}`,
  );
  const runs: ServerRun[] = [];
  const specsSeen: Record<string, { version: string; notes: string }> = {};
  for (const n of SIZES) {
    const t = now();
    const { memories, queries } = generateCorpus(n);
    const contentIndex = new Map(memories.map((m) => [m.content, m.index]));
    console.log(
      `\nN = ${fmt(n)}: corpus + ${queries.length} queries generated in ${fmt(now() - t)} ms (avg memory ${fmt(memories.reduce((a, m) => a + m.content.length, 0) / n)} chars)`,
    );
    const makers: Record<string, () => ServerSpec> = {
      mnemos: () => mnemosSpec(contentIndex, opt.mnemos === 'source' ? 'source' : 'bundle'),
      'server-memory': serverMemorySpec,
      'mcp-memory-libsql': libsqlSpec,
      'ai-devkit-memory': aiDevkitSpec,
      'mcp-memory-keeper': memoryKeeperSpec,
    };
    const specs = [...WANT].filter((id) => makers[id]).map((id) => makers[id]());
    for (const spec of specs) {
      specsSeen[spec.id] = { version: spec.version, notes: spec.notes };
      const r = await runServer(spec, memories, queries);
      runs.push(r);
    }
    console.log(`\n${table(runs.filter((r) => r.n === n))}`);
  }
  console.log(
    `\nAll sizes:\n\n${table(runs)}\n\nWhere the time goes (wall time vs CPU of the server process and of this client):\n\n${cpuTable(runs)}`,
  );
  console.log(
    `\nServers:\n${Object.entries(specsSeen)
      .map(([id, s]) => `- ${id} ${s.version}: ${s.notes}`)
      .join('\n')}`,
  );
  console.log(
    `load average at the end: ${load().join(' ')}; per server run (load 1 min before→after, CPU pressure %): ${runs.map((r) => `${r.server}@${r.n} ${r.loadBefore[0]}→${r.loadAfter?.[0]}, ${r.cpuPressureBefore}→${r.cpuPressureAfter}`).join('; ')}`,
  );

  const stamp = started.toISOString().slice(0, 16).replace(':', '');
  const out = opt.out ?? path.join(ROOT, 'bench', 'results', `peers-${stamp}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  const json = {
    started: started.toISOString(),
    finished: new Date().toISOString(),
    machine,
    source,
    timeoutMin: min,
    sizes: SIZES,
    servers: specsSeen,
    runs: runs.map((r) => ({
      ...r,
      perCall: r.perCall && slim(r.perCall),
      batched: r.batched && { ...slim(r.batched), batchSize: r.batched.batchSize },
      search: r.search && { ...slim(r.search), misses: r.search.misses },
    })),
  };
  writeFileSync(out, JSON.stringify(json, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
