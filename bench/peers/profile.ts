/**
 * Where Mnemos's MCP time goes: the same store/recall workload as run.ts, measured at three layers
 *   store    — the store API in this process (what icm_memory_store runs: store() + count(topic); recall()),
 *   mcp      — the MCP server in this process, SDK client over an in-memory transport (adds JSON-RPC, zod, formatting),
 *   stdio    — `node dist/cli.js serve` as a child process, SDK client over stdio (adds the process boundary),
 * so (mcp − store) is the MCP layer's cost and (stdio − mcp) the pipe/serialisation/scheduling cost.
 *
 *   node --import tsx bench/peers/profile.ts [--n 1000,10000] [--queries 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/mcp/server';
import { configFromEnv, type MnemosStore, openStore } from '../../src/store';
import { type BenchMemory, type BenchQuery, generateCorpus } from './corpus';
import { ROOT } from './servers';

const { values: opt } = parseArgs({
  options: { n: { type: 'string', default: '1000,10000' }, queries: { type: 'string', default: '200' } },
});
const SIZES = opt.n.split(',').map(Number);
const now = () => performance.now();
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

interface Layer {
  layer: string;
  store: number[];
  recall: number[];
  extra?: Record<string, number[]>;
  cpuMs?: number;
}

type Ops = { store: (m: BenchMemory) => Promise<void>; recall: (text: string) => Promise<void> };

async function drive(layer: string, ops: Ops, memories: BenchMemory[], queries: BenchQuery[]): Promise<Layer> {
  const c0 = process.cpuUsage();
  const store: number[] = [];
  for (const m of memories) {
    const t = now();
    await ops.store(m);
    store.push(now() - t);
  }
  const recall: number[] = [];
  for (const x of queries) {
    const t = now();
    await ops.recall(x.text);
    recall.push(now() - t);
  }
  const c = process.cpuUsage(c0);
  return { layer, store, recall, cpuMs: (c.user + c.system) / 1000 };
}

async function openTmpStore(): Promise<{ store: MnemosStore; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'peers-profile-'));
  return { store: await openStore(configFromEnv({ db: path.join(dir, 'mnemos.db') }, {})), dir };
}

async function storeLayer(memories: BenchMemory[], queries: BenchQuery[]): Promise<Layer> {
  const { store, dir } = await openTmpStore();
  const split = {
    'store()': [] as number[],
    'count(topic)': [] as number[],
    'recall() no access bump': [] as number[],
  };
  const res = await drive(
    'store API',
    {
      async store(m) {
        const t0 = now();
        await store.store({ topic: m.topic, summary: m.content, importance: m.importance, keywords: m.keywords });
        const t1 = now();
        await store.count(m.topic);
        split['store()'].push(t1 - t0);
        split['count(topic)'].push(now() - t1);
      },
      async recall(text) {
        await store.recall(text, { limit: 5 });
      },
    },
    memories,
    queries,
  );
  for (const x of queries) {
    const t = now();
    await store.recall(x.text, { limit: 5, bumpAccess: false });
    split['recall() no access bump'].push(now() - t);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...res, extra: split };
}

function mcpOps(client: Client): Ops {
  return {
    async store(m) {
      const r = await client.callTool({
        name: 'icm_memory_store',
        arguments: { topic: m.topic, content: m.content, importance: m.importance, keywords: m.keywords },
      });
      if (r.isError) throw new Error(JSON.stringify(r.content));
    },
    async recall(text) {
      const r = await client.callTool({ name: 'icm_memory_recall', arguments: { query: text, limit: 5 } });
      if (r.isError) throw new Error(JSON.stringify(r.content));
    },
  };
}

async function pings(client: Client, n = 100): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = now();
    await client.ping();
    out.push(now() - t);
  }
  return out;
}

async function mcpLayer(memories: BenchMemory[], queries: BenchQuery[]): Promise<Layer> {
  const { store, dir } = await openTmpStore();
  const server = createMcpServer(store, { log: () => undefined });
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await server.connect(st);
  const client = new Client({ name: 'profile', version: '0' });
  await client.connect(ct);
  const ping = await pings(client);
  const res = await drive('MCP in process', mcpOps(client), memories, queries);
  await client.close();
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...res, extra: { ping } };
}

async function stdioLayer(memories: BenchMemory[], queries: BenchQuery[]): Promise<Layer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'peers-profile-'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'dist', 'cli.js'), 'serve'],
    env: { ...getDefaultEnvironment(), MNEMOS_DB: path.join(dir, 'mnemos.db') },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'profile', version: '0' });
  await client.connect(transport);
  const ping = await pings(client);
  const res = await drive('stdio (dist/cli.js serve)', mcpOps(client), memories, queries);
  await client.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...res, cpuMs: undefined, extra: { ping } };
}

async function main() {
  console.log(
    `Mnemos MCP profile: ${os.cpus().length} CPUs, Node ${process.version}, load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (const n of SIZES) {
    const { memories, queries: all } = generateCorpus(n);
    const queries = all.slice(0, Number(opt.queries));
    const layers = [
      await storeLayer(memories, queries),
      await mcpLayer(memories, queries),
      await stdioLayer(memories, queries),
    ];
    console.log(`\nN = ${f(n)} (${queries.length} queries)\n`);
    console.log(
      '| layer | store µs/call mean | store p50 µs | store p95 µs | recall p50 ms | recall p95 ms | this process CPU ms |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const l of layers) {
      console.log(
        `| ${l.layer} | ${f(mean(l.store) * 1000)} | ${f(q(l.store, 0.5) * 1000)} | ${f(q(l.store, 0.95) * 1000)} | ${f(q(l.recall, 0.5), 2)} | ${f(q(l.recall, 0.95), 2)} | ${l.cpuMs === undefined ? '— (child)' : f(l.cpuMs)} |`,
      );
    }
    for (const l of layers) {
      for (const [k, xs] of Object.entries(l.extra ?? {})) {
        console.log(
          `  ${l.layer}: ${k} p50 ${f(q(xs, 0.5) * 1000)} µs, p95 ${f(q(xs, 0.95) * 1000)} µs, mean ${f(mean(xs) * 1000)} µs`,
        );
      }
    }
  }
  console.log(
    `load at the end: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
