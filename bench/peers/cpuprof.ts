/**
 * Where the Mnemos server's CPU goes per MCP call: `node --cpu-prof dist/cli.js serve` driven over stdio
 * by the SDK client (N stores one per call, then the 200 peer queries repeated), then the profile's
 * self time grouped by what it is: the SDK's protocol, zod, JSON, the line transport, libsql (SQL),
 * result formatting, our tool code, node's stream/event loop, GC, idle.
 *
 *   node --import tsx bench/peers/cpuprof.ts [--n 3000] [--rounds 5] [--entry dist/cli.js] [--top 25]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { generateCorpus } from './corpus';
import { ROOT } from './servers';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '5' },
    entry: { type: 'string', default: 'dist/cli.js' },
    top: { type: 'string', default: '25' },
    /** Also print the call stacks (3 frames up) that lead to the self time of functions with this name. */
    callers: { type: 'string', default: 'writeUtf8String' },
  },
});

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** What a frame is, from its script and function name. */
function category(fn: string, url: string): string {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'program (native, untracked)';
  const u = url.replace(/\\/g, '/');
  if (/zod|\/v4\/|\/v3\//.test(u) && /zod/.test(u)) return 'zod';
  if (/modelcontextprotocol/.test(u)) return 'MCP SDK';
  if (/libsql/.test(u)) return 'libsql (JS side)';
  if (fn === 'parse' && !u) return 'JSON.parse';
  if (fn === 'stringify' && !u) return 'JSON.stringify';
  if (/dist\/(cli|mcp)\.js/.test(u) || /\/src\//.test(u)) return 'Mnemos bundle (tools, store, transport, zod inlined)';
  if (u.startsWith('node:')) return `node: ${u.slice(5).split('/')[0]}`;
  if (!u) return `native: ${fn || '(anonymous)'}`;
  return `other: ${path.basename(u)}`;
}

async function main() {
  const n = Number(opt.n);
  const rounds = Number(opt.rounds);
  const { memories, queries } = generateCorpus(n);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'peers-cpuprof-'));
  const profDir = path.join(dir, 'prof');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '200', path.join(ROOT, opt.entry), 'serve'],
    env: { ...getDefaultEnvironment(), MNEMOS_DB: path.join(dir, 'mnemos.db') },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'cpuprof', version: '0' });
  await client.connect(transport);
  const t0 = performance.now();
  for (const m of memories) {
    await client.callTool({
      name: 'icm_memory_store',
      arguments: { topic: m.topic, content: m.content, importance: m.importance, keywords: m.keywords },
    });
  }
  const t1 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const q of queries)
      await client.callTool({ name: 'icm_memory_recall', arguments: { query: q.text, limit: 5 } });
  }
  const t2 = performance.now();
  for (let i = 0; i < 2000; i++) await client.ping();
  const t3 = performance.now();
  await client.close();
  await new Promise((r) => setTimeout(r, 500));
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const prof = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as Profile;
  rmSync(dir, { recursive: true, force: true });

  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const cats = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName: fn, url, lineNumber } = node.callFrame;
    const c = category(fn, url);
    cats.set(c, (cats.get(c) ?? 0) + us);
    total += us;
    if (c !== 'idle') busy += us;
    const key = `${fn || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''}`;
    if (c !== 'idle') fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const calls = memories.length + rounds * queries.length + 2000;
  console.log(
    `N ${n}: ${memories.length} stores in ${((t1 - t0) / 1000).toFixed(1)} s, ${rounds * queries.length} recalls in ` +
      `${((t2 - t1) / 1000).toFixed(1)} s, 2000 pings in ${((t3 - t2) / 1000).toFixed(1)} s; load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
  );
  console.log(
    `server CPU (non-idle samples) ${(busy / 1000).toFixed(0)} ms over ${calls} calls = ${(busy / calls).toFixed(0)} µs/call\n`,
  );
  console.log('| what | self ms | share of busy |\n| --- | --- | --- |');
  for (const [c, us] of [...cats].sort((a, b) => b[1] - a[1])) {
    if (c === 'idle') continue;
    console.log(`| ${c} | ${(us / 1000).toFixed(0)} | ${((100 * us) / busy).toFixed(1)}% |`);
  }
  console.log(
    `\nidle ${((cats.get('idle') ?? 0) / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled\n\nTop functions by self time:`,
  );
  for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(opt.top))) {
    console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
  }
  const parent = new Map<number, number>();
  for (const x of prof.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const stacks = new Map<string, number>();
  for (const [id, us] of self) {
    if (byId.get(id)!.callFrame.functionName !== opt.callers) continue;
    const frames: string[] = [];
    for (let p = parent.get(id); p !== undefined && frames.length < 4; p = parent.get(p)) {
      const f = byId.get(p)!.callFrame;
      frames.push(`${f.functionName || '(anon)'}@${path.basename(f.url)}:${f.lineNumber + 1}`);
    }
    const k = frames.join(' < ');
    stacks.set(k, (stacks.get(k) ?? 0) + us);
  }
  if (stacks.size) console.log(`\nWho calls ${opt.callers}:`);
  for (const [k, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
