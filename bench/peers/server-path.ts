/**
 * The server's own cost per MCP call, without a client or a process boundary: JSON-RPC lines written
 * into the real LineTransport + McpServer (SDK, zod, tool handler, formatting, JSON) over in-memory
 * streams, against the same store calls made directly. Interleaved in rounds (A/B on one store), so
 * (server path − store API) is what the MCP layer adds. Run under `node --cpu-prof` to see where.
 *
 *   node --import tsx bench/peers/server-path.ts [--n 2000] [--rounds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { createMcpServer } from '../../src/mcp/server';
import { LineTransport } from '../../src/mcp/transport';
import { configFromEnv, newId, openStore } from '../../src/store';
import { generateCorpus } from './corpus';

const { values: opt } = parseArgs({
  options: { n: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '5' } },
});
const now = () => performance.now();
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const n = Number(opt.n);
  const { memories, queries } = generateCorpus(n);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'peers-serverpath-'));
  const store = await openStore(configFromEnv({ db: path.join(dir, 'mnemos.db') }, {}));
  // Time spent inside the store's calls, so the server path splits into store time and everything else.
  let inStore = 0;
  for (const name of ['store', 'count', 'recall'] as const) {
    const orig = (store[name] as (...a: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[name] = async (...a: unknown[]) => {
      const s = now();
      try {
        return await orig(...a);
      } finally {
        inStore += now() - s;
      }
    };
  }
  const server = createMcpServer(store, { log: () => undefined });
  const input = new PassThrough();
  const output = new PassThrough();
  const transport = new LineTransport(input, output);
  await server.connect(transport);
  let waiting: ((line: string) => void) | undefined;
  let buf = '';
  output.on('data', (b: Buffer) => {
    buf += b.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const w = waiting;
      waiting = undefined;
      w?.(line);
    }
  });
  let id = 0;
  const rpc = (method: string, params?: unknown) =>
    new Promise<string>((resolve) => {
      waiting = resolve;
      input.write(JSON.stringify({ jsonrpc: '2.0', id: ++id, method, ...(params ? { params } : {}) }) + '\n');
    });
  await rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '0' } });
  input.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');

  const rounds = Number(opt.rounds);
  const per = Math.floor(memories.length / rounds / 2);
  const t = {
    storeApi: [] as number[],
    storeMcp: [] as number[],
    recallApi: [] as number[],
    recallMcp: [] as number[],
    ping: [] as number[],
    noStore: [] as number[],
    list: [] as number[],
    recallNoBump: [] as number[],
  };
  const rest = { store: [] as number[], recall: [] as number[] };
  let k = 0;
  const c0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < per; i++) {
      const m = memories[k++];
      const s = now();
      await store.store({
        id: newId(),
        topic: m.topic,
        summary: m.content,
        importance: m.importance,
        keywords: m.keywords,
      });
      await store.count(m.topic);
      t.storeApi.push(now() - s);
    }
    for (let i = 0; i < per; i++) {
      const m = memories[k++];
      inStore = 0;
      const s = now();
      const out = await rpc('tools/call', {
        name: 'icm_memory_store',
        arguments: { topic: m.topic, content: m.content, importance: m.importance, keywords: m.keywords },
      });
      t.storeMcp.push(now() - s);
      rest.store.push(now() - s - inStore);
      if (!out.includes('ok:')) throw new Error(out);
    }
    for (const q of queries) {
      let s = now();
      await store.recall(q.text, { limit: 5, bumpAccess: false });
      t.recallNoBump.push(now() - s);
      s = now();
      await store.recall(q.text, { limit: 5 });
      await store.flushAccess();
      t.recallApi.push(now() - s);
      inStore = 0;
      s = now();
      await rpc('tools/call', { name: 'icm_memory_recall', arguments: { query: q.text, limit: 5 } });
      t.recallMcp.push(now() - s);
      rest.recall.push(now() - s - inStore);
    }
    for (let i = 0; i < 200; i++) {
      let s = now();
      await rpc('ping');
      t.ping.push(now() - s);
      s = now();
      await rpc('tools/call', { name: 'icm_memory_recall', arguments: { query: ' ' } });
      t.noStore.push(now() - s);
      s = now();
      await rpc('tools/list');
      t.list.push(now() - s);
    }
  }
  const cpu = process.cpuUsage(c0);
  const f = (x: number) => (x * 1000).toFixed(0);
  console.log(
    `N ${n}, ${rounds} interleaved rounds; load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`,
  );
  console.log(
    '| call | store API p50 µs | server path p50 µs | of which outside the store p50 µs |\n| --- | --- | --- | --- |',
  );
  console.log(`| store (+ count) | ${f(med(t.storeApi))} | ${f(med(t.storeMcp))} | ${f(med(rest.store))} |`);
  console.log(`| recall limit 5, no access bump | ${f(med(t.recallNoBump))} | — | — |`);
  console.log(
    `| recall limit 5 (+ its access bump, flushed) | ${f(med(t.recallApi))} | ${f(med(t.recallMcp))} | ${f(med(rest.recall))} |`,
  );
  console.log(`| ping | — | ${f(med(t.ping))} | ${f(med(t.ping))} |`);
  console.log(
    `| tools/call that answers before the store (empty query) | — | ${f(med(t.noStore))} | ${f(med(t.noStore))} |`,
  );
  console.log(`| tools/list | — | ${f(med(t.list))} | ${f(med(t.list))} |`);
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
