/**
 * The three MCP memory servers under test, each behind the same small interface: how to start it
 * (one process, stdio), how one memory is stored (per call and, where the server allows, batched),
 * and how a query becomes a ranked list of memory indexes (top 5).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { BenchMemory } from './corpus';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ServerSpec {
  id: string;
  label: string;
  version: string;
  /** What is started: `node <args>` with `env`, store files under `dir`. */
  args: (dir: string) => string[];
  env: (dir: string) => Record<string, string>;
  /** Largest number of memories one batched call takes; 0 = no batch tool. */
  batchMax: number;
  storeOne: (c: Client, m: BenchMemory, timeoutMs: number) => Promise<void>;
  storeBatch?: (c: Client, ms: BenchMemory[], timeoutMs: number) => Promise<void>;
  /** Indexes of the memories the server returns, best first, at most 5. */
  search: (c: Client, query: string, timeoutMs: number) => Promise<number[]>;
  /** Notes shown with the figures (how the server searches). */
  notes: string;
}

type ToolResult = { content?: { type: string; text?: string }[]; isError?: boolean; structuredContent?: unknown };

async function call(c: Client, name: string, args: Record<string, unknown>, timeoutMs: number): Promise<string> {
  // The raw request: no client-side output-schema validation (tools/list is never cached), so the
  // time measured is the server's plus the transport's, not Ajv's on the client.
  const res = (await c.callTool({ name, arguments: args }, undefined, { timeout: Math.max(1, timeoutMs) })) as ToolResult;
  const text = (res.content ?? []).map((p) => p.text ?? '').join('\n');
  if (res.isError) throw new Error(`${name}: ${text.slice(0, 300)}`);
  return text;
}

function pkgVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** Entity names are `<kind>-<index>`: the index is the memory's position in the corpus. */
function indexOfEntity(name: unknown): number {
  const m = /^[a-z]+-(\d{5})$/.exec(String(name));
  return m ? Number(m[1]) : -1;
}

const entity = (m: BenchMemory) => ({ name: m.entityName, entityType: m.topic, observations: [m.content] });

export function mnemosSpec(contentIndex: Map<string, number>, entry: 'bundle' | 'source'): ServerSpec {
  const bundle = path.join(ROOT, 'dist', 'cli.js');
  if (entry === 'bundle' && !existsSync(bundle)) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` first (or pass --mnemos source)');
  return {
    id: 'mnemos',
    label: 'Mnemos',
    version: `${(require(path.join(ROOT, 'package.json')) as { version: string }).version} (${entry === 'bundle' ? 'dist/cli.js serve' : 'src/mcp/stdio-entry.ts'})`,
    args: () => (entry === 'bundle' ? [bundle, 'serve'] : ['--import', 'tsx', path.join(ROOT, 'src', 'mcp', 'stdio-entry.ts')]),
    env: (dir) => ({ MNEMOS_DB: path.join(dir, 'mnemos.db') }),
    batchMax: 0,
    async storeOne(c, m, t) {
      const out = await call(c, 'icm_memory_store', { topic: m.topic, content: m.content, importance: m.importance, keywords: m.keywords }, t);
      if (!out.startsWith('ok:')) throw new Error(`icm_memory_store: unexpected answer ${out.slice(0, 200)}`);
    },
    async search(c, query, t) {
      const out = await call(c, 'icm_memory_recall', { query, limit: 5 }, t);
      if (out.startsWith('No memories found')) return [];
      // Compact output: one `[topic] summary` line per hit; the summary identifies the memory.
      return out
        .split('\n')
        .map((line) => contentIndex.get(line.replace(/^\[[^\]]*\] /, '')) ?? -1)
        .slice(0, 5);
    },
    notes: 'icm_memory_store / icm_memory_recall (FTS5 BM25 over memories with every term; with none, memories with some terms by BM25; limit 5); no batch tool',
  };
}

export function serverMemorySpec(): ServerSpec {
  const name = '@modelcontextprotocol/server-memory';
  return {
    id: 'server-memory',
    label: 'server-memory',
    version: pkgVersion(name),
    args: () => [path.join(ROOT, 'node_modules', name, 'dist', 'index.js')],
    env: (dir) => ({ MEMORY_FILE_PATH: path.join(dir, 'memory.jsonl') }),
    batchMax: 50,
    async storeOne(c, m, t) {
      await call(c, 'create_entities', { entities: [entity(m)] }, t);
    },
    async storeBatch(c, ms, t) {
      await call(c, 'create_entities', { entities: ms.map(entity) }, t);
    },
    async search(c, query, t) {
      const out = await call(c, 'search_nodes', { query }, t);
      // Every entity whose name, type or an observation contains the whole query (no ranking, no limit): take the first 5.
      const graph = JSON.parse(out) as { entities: { name: string }[] };
      return graph.entities.slice(0, 5).map((e) => indexOfEntity(e.name));
    },
    notes: 'create_entities / search_nodes: case-insensitive substring of the whole query over a JSONL file re-read on every call; all matches returned in file order, first 5 taken',
  };
}

export function libsqlSpec(): ServerSpec {
  const name = 'mcp-memory-libsql';
  return {
    id: 'mcp-memory-libsql',
    label: 'mcp-memory-libsql',
    version: pkgVersion(name),
    args: () => [path.join(ROOT, 'node_modules', name, 'dist', 'index.js')],
    env: (dir) => ({ LIBSQL_URL: `file:${path.join(dir, 'libsql.db')}` }),
    batchMax: 50, // its schema caps create_entities at 50 entities
    async storeOne(c, m, t) {
      await call(c, 'create_entities', { entities: [entity(m)] }, t);
    },
    async storeBatch(c, ms, t) {
      await call(c, 'create_entities', { entities: ms.map(entity) }, t);
    },
    async search(c, query, t) {
      const out = await call(c, 'search_nodes', { query, limit: 5 }, t);
      const graph = JSON.parse(out) as { entities: { name: string }[] };
      return graph.entities.slice(0, 5).map((e) => indexOfEntity(e.name));
    },
    notes: "create_entities (≤ 50 per call, one transaction per entity) / search_nodes: SQL LIKE '%w1%w2%' (words in order) over name, type and observations, ranked name > type > observation, then newest; limit 5",
  };
}
