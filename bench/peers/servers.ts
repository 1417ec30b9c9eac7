/**
 * The three MCP memory servers under test, each behind the same small interface: how to start it
 * (one process, stdio), how one memory is stored (per call and, where the server allows, batched),
 * and how a query becomes a ranked list of memory indexes (top 5).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
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
  const res = (await c.callTool({ name, arguments: args }, undefined, {
    timeout: Math.max(1, timeoutMs),
  })) as ToolResult;
  const text = (res.content ?? []).map((p) => p.text ?? '').join('\n');
  if (res.isError) throw new Error(`${name}: ${text.slice(0, 300)}`);
  return text;
}

/**
 * Folders searched for a peer package, in order: this repository, then every folder named in
 * MNEMOS_PEERS (colon-separated; each holds a node_modules, e.g. one made with
 * `npm init -y && npm install @ai-devkit/memory mcp-memory-keeper`, native modules built there).
 */
export function peerRoots(): string[] {
  const extra = (process.env.MNEMOS_PEERS ?? '').split(':').filter(Boolean);
  // bench/peers/install.sh's default folder
  const installed = process.env.MNEMOS_PEERS_DIR ?? path.join(os.homedir(), '.cache/mnemos/peers');
  return [ROOT, ...extra.map((d) => path.resolve(d)), installed];
}

/** The folder of an installed package (…/node_modules/<name>), or undefined when none has it. */
export function findPeer(name: string): string | undefined {
  for (const root of peerRoots()) {
    const dir = path.join(root, 'node_modules', name);
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

function pkgVersion(name: string): string {
  const dir = findPeer(name);
  if (!dir) return '?';
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function peerDir(name: string): string {
  const dir = findPeer(name);
  if (!dir) throw new Error(`${name} is not installed here nor in MNEMOS_PEERS (${peerRoots().join(', ')})`);
  return dir;
}

/**
 * What a commit of this SQLite build guarantees when a program sets WAL on a fresh file and leaves
 * `synchronous` alone: asks the package's own better-sqlite3 (its compile options change the WAL default).
 */
function probeDefaultSynchronous(pkgDir: string, file: string): string {
  try {
    const req = createRequire(path.join(pkgDir, 'package.json'));
    const Database = req('better-sqlite3') as new (f: string) => {
      pragma(s: string, o?: { simple: boolean }): unknown;
      close(): void;
    };
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const fresh = db.pragma('synchronous', { simple: true });
    db.close();
    const again = new Database(file);
    const reopened = again.pragma('synchronous', { simple: true });
    again.close();
    const name = (v: unknown) => ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(v)] ?? String(v);
    return `synchronous ${name(fresh)} in the process that creates the file, ${name(reopened)} when it reopens a WAL file`;
  } catch (e) {
    return `synchronous unknown (${e instanceof Error ? e.message : String(e)})`;
  }
}

/** Entity names are `<kind>-<index>`: the index is the memory's position in the corpus. */
function indexOfEntity(name: unknown): number {
  const m = /^[a-z]+-(\d{5,})$/.exec(String(name));
  return m ? Number(m[1]) : -1;
}

const entity = (m: BenchMemory) => ({ name: m.entityName, entityType: m.topic, observations: [m.content] });

/** Mnemos as users run it (`dist/cli.js serve`), from source, or from another build's `dist` folder (an A/B of two builds). */
export function mnemosSpec(contentIndex: Map<string, number>, entry: 'bundle' | 'source', dist?: string): ServerSpec {
  const bundle = path.join(dist ?? path.join(ROOT, 'dist'), 'cli.js');
  if (entry === 'bundle' && !existsSync(bundle))
    throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` first (or pass --mnemos source)');
  return {
    id: dist ? 'mnemos-b' : 'mnemos',
    label: dist ? `Mnemos (${dist})` : 'Mnemos',
    version: `${(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version} (${entry === 'bundle' ? 'dist/cli.js serve' : 'src/mcp/stdio-entry.ts'})`,
    args: () =>
      entry === 'bundle' ? [bundle, 'serve'] : ['--import', 'tsx', path.join(ROOT, 'src', 'mcp', 'stdio-entry.ts')],
    // A build copied elsewhere finds its native modules (libsql…) in this checkout's node_modules.
    env: (dir) => ({
      MNEMOS_DB: path.join(dir, 'mnemos.db'),
      ...(dist ? { NODE_PATH: path.join(ROOT, 'node_modules') } : {}),
    }),
    batchMax: 0,
    async storeOne(c, m, t) {
      const out = await call(
        c,
        'icm_memory_store',
        { topic: m.topic, content: m.content, importance: m.importance, keywords: m.keywords },
        t,
      );
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
    notes:
      'icm_memory_store / icm_memory_recall (FTS5 BM25 over memories with every term; with none, memories with some terms by BM25; limit 5); no batch tool. Commit: WAL, synchronous NORMAL (src/store/conn.ts), libsql',
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
    notes:
      'create_entities / search_nodes: case-insensitive substring of the whole query over a JSONL file re-read on every call; all matches returned in file order, first 5 taken. Commit: the whole file rewritten, no fsync',
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
    notes:
      "create_entities (≤ 50 per call, one transaction per entity) / search_nodes: SQL LIKE '%w1%w2%' (words in order) over name, type and observations, ranked name > type > observation, then newest; limit 5",
  };
}

/** Titles are unique per scope in @ai-devkit/memory: the entity name makes them so (and names the memory). */
const devkitTitle = (m: BenchMemory) => `${m.entityName} ${m.topic}`;

export function aiDevkitSpec(): ServerSpec {
  const name = '@ai-devkit/memory';
  return {
    id: 'ai-devkit-memory',
    label: '@ai-devkit/memory',
    version: pkgVersion(name),
    args: () => [path.join(peerDir(name), 'dist', 'index.js')],
    // Its store is ~/.ai-devkit/memory.db and its semantic switch ./.ai-devkit.json: HOME and cwd are the temp dir.
    env: (dir) => ({ HOME: dir, USERPROFILE: dir }),
    batchMax: 0,
    async storeOne(c, m, t) {
      const out = await call(
        c,
        'memory_storeKnowledge',
        { title: devkitTitle(m), content: m.content, tags: m.keywords },
        t,
      );
      if (!out.includes('"id"')) throw new Error(`memory_storeKnowledge: unexpected answer ${out.slice(0, 200)}`);
    },
    async search(c, query, t) {
      const out = await call(c, 'memory_searchKnowledge', { query, limit: 5 }, t);
      const res = JSON.parse(out) as { results: { title: string }[] };
      return res.results.slice(0, 5).map((r) => indexOfEntity(r.title.split(' ')[0]));
    },
    notes:
      'memory_storeKnowledge (title = entity name + topic, content, tags = keywords; refuses content < 50 chars, a ' +
      'title or content already stored) / memory_searchKnowledge: FTS5 bm25(title 10, content 5, tags 1) over ' +
      'memories with every word, else any word ranked by words covered; limit 5. Commit: WAL, synchronous NORMAL ' +
      '(set explicitly), better-sqlite3',
  };
}

const KEEPER_CATEGORY = { decision: 'decision', error: 'error', convention: 'note', context: 'task' } as const;
const KEEPER_PRIORITY = { critical: 'high', high: 'high', medium: 'normal', low: 'low' } as const;

export function memoryKeeperSpec(): ServerSpec {
  const name = 'mcp-memory-keeper';
  const dir = findPeer(name);
  const probe = path.join(os.tmpdir(), `keeper-probe-${process.pid}.db`);
  const sync = dir ? probeDefaultSynchronous(dir, probe) : '?';
  for (const s of ['', '-wal', '-shm']) rmSync(probe + s, { force: true });
  return {
    id: 'mcp-memory-keeper',
    label: 'mcp-memory-keeper',
    version: pkgVersion(name),
    args: () => [path.join(peerDir(name), 'dist', 'index.js')],
    env: (d) => ({ DATA_DIR: d, HOME: d }),
    batchMax: 0,
    async storeOne(c, m, t) {
      const out = await call(
        c,
        'context_save',
        {
          key: m.entityName,
          value: m.content,
          category: KEEPER_CATEGORY[m.kind],
          priority: KEEPER_PRIORITY[m.importance],
          channel: m.topic,
        },
        t,
      );
      if (!out.startsWith('Saved:')) throw new Error(`context_save: unexpected answer ${out.slice(0, 200)}`);
    },
    async search(c, query, t) {
      const out = await call(c, 'context_search', { query, limit: 5 }, t);
      if (out.startsWith('No results found')) return [];
      // `• [priority] key (category)` then the value's first 100 characters.
      return [...out.matchAll(/^• \[\w+\] (\S+) \(/gm)].slice(0, 5).map((x) => indexOfEntity(x[1]));
    },
    notes:
      'context_save (key = entity name, value = content, category and priority from the kind and importance, channel = ' +
      "topic) / context_search: SQL LIKE '%query%' over key and value (the whole query as one substring), newest " +
      `first, limit 5. Commit: WAL, synchronous left at the default: ${sync}; better-sqlite3`,
  };
}
