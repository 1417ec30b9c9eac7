/**
 * Shared set-up for the bad-input tables: one seeded local database per test file, reached three
 * ways at once: the store (a direct MnemosStore), the CLI (`main()` in-process, a fresh connection per
 * command) and the MCP server (a real child process spoken to through the SDK client over stdio).
 * `snapshot()` reads every stored row, so a test can show that a bad case changed nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CliResult, runCli } from '../cli/helpers';
import { type Served, serve } from '../mcp/harness';
import { type Memory, type MnemosStore, nowRfc3339, openStore } from '../../src/store';

export function tmpDir(prefix = 'mnemos-bad-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The seeded memories, by key. Fixed ids so expectations can name them. */
export const SEEDS = {
  greek: { topic: 'greek', summary: 'alpha beta gamma are the first Greek letters', keywords: ['letters'] },
  greek2: { topic: 'greek', summary: 'delta and epsilon follow gamma in the alphabet', keywords: [] },
  sql: {
    topic: 'sql',
    summary: 'SELECT reads rows, DROP TABLE removes a table, UNION joins results: never build SQL from strings',
    keywords: ['injection'],
  },
  fts: {
    topic: 'search',
    summary: 'NEAR, OR, AND and NOT are FTS5 operators; a star makes a prefix query',
    keywords: ['fts5'],
  },
  columns: { topic: 'search', summary: 'summary topic keywords and id are the indexed column names', keywords: [] },
  cafe: { topic: 'unicode', summary: 'café au lait and crème brûlée', keywords: ['food'] },
  rtl: { topic: 'unicode', summary: 'שלום עולם and مرحبا بالعالم are greetings', keywords: [] },
  emoji: { topic: 'unicode', summary: 'the brain 🧠 marks memory notes', keywords: [] },
  cjk: { topic: 'unicode', summary: '日本語 テキスト sample', keywords: [] },
  paths: { topic: 'paths', summary: 'Windows paths look like C:\\Users\\dev while unix has /usr/bin', keywords: [] },
  terminal: { topic: 'terminal', summary: 'an ANSI escape \u001b[31mred\u001b[0m stays inert', keywords: ['ansi'] },
  percent: { topic: '100%_done', summary: 'percent and underscore in a topic name', keywords: [] },
} as const;
export type SeedKey = keyof typeof SEEDS;
export const SEED_KEYS = Object.keys(SEEDS) as SeedKey[];
export const SEED_ID: Record<SeedKey, string> = Object.fromEntries(
  SEED_KEYS.map((k, i) => [k, `01JBAD000000000000000000${String(i + 10)}`]),
) as Record<SeedKey, string>;
export const KEY_OF_ID = new Map(SEED_KEYS.map((k) => [SEED_ID[k], k]));

/** Creates a database file with the seeds (and today's decay already claimed, so no weight moves). */
export async function seededDb(dir: string = tmpDir()): Promise<string> {
  const file = path.join(dir, 'memories.db');
  const s = await openStore({ mode: 'local', path: file });
  try {
    const ts = '2026-01-01T00:00:00.000+00:00';
    await s.importAll({
      format: 'mnemos-export',
      memories: SEED_KEYS.map((k) => ({
        id: SEED_ID[k],
        ...SEEDS[k],
        keywords: [...SEEDS[k].keywords],
        importance: 'medium',
        rawExcerpt: null,
        weight: 1,
        accessCount: 0,
        createdAt: ts,
        updatedAt: ts,
        lastAccessed: ts,
        sourceType: 'manual',
        sourceData: null,
        relatedIds: [],
      })),
    });
    await s.sql(
      `INSERT INTO icm_metadata(key, value) VALUES ('last_decay_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      [nowRfc3339()],
    );
  } finally {
    await s.close();
  }
  return file;
}

/**
 * Every stored row but the access bookkeeping (recall legitimately bumps access_count/last_accessed),
 * plus the FTS index's own row count, as one comparable string.
 */
export async function snapshot(store: MnemosStore): Promise<string> {
  const rows = await store.sql(
    `SELECT id, created_at, updated_at, weight, topic, summary, raw_excerpt, keywords, importance, source_type, source_data, related_ids, summary_hash FROM memories ORDER BY id`,
  );
  const fts = await store.sql(`SELECT count(*) AS n FROM memories_fts`);
  const meta = await store.sql(`SELECT key, value FROM icm_metadata WHERE key != 'last_decay_at' ORDER BY key`);
  return JSON.stringify({ rows, fts, meta });
}

/** Asserts the FTS index agrees with the table (SQLite's own check). */
export async function ftsIntact(store: MnemosStore): Promise<void> {
  await store.sql(`INSERT INTO memories_fts(memories_fts) VALUES ('integrity-check')`);
}

/** The three front ends on one database. */
export interface Fronts {
  db: string;
  store: MnemosStore;
  mcp: Served;
  /** `mnemos --db <db> --format json …` in-process. */
  cli(args: string[], stdin?: string): Promise<CliResult>;
  baseline: string;
  /** The snapshot equals the one taken after seeding. */
  unchanged(what: string): Promise<void>;
  close(): Promise<void>;
}

export async function openFronts(): Promise<Fronts> {
  const db = await seededDb();
  const store = await openStore({ mode: 'local', path: db });
  // Verbose output: recall blocks carry the memory ids.
  const mcp = await serve({ MNEMOS_DB: db, MNEMOS_MCP_COMPACT: '0' });
  const baseline = await snapshot(store);
  const f: Fronts = {
    db,
    store,
    mcp,
    baseline,
    cli: (args, stdin) => runCli(['--db', db, '--format', 'json', ...args], { stdin }),
    async unchanged(what) {
      const now = await snapshot(store);
      if (now !== baseline) assert.fail(`${what} changed stored rows:\nbefore ${baseline}\nafter  ${now}`);
    },
    async close() {
      await mcp.close();
      await store.close();
    },
  };
  return f;
}

/** Ids in a verbose MCP recall reply, in order. */
export function mcpIds(text: string): string[] {
  return [...text.matchAll(/^--- ([0-9A-HJKMNP-TV-Z]{26})\b/gm)].map((m) => m[1]);
}
/** The id in an MCP store reply (compact `ok:ID` or verbose `…: ID`). */
export function mcpStoredId(text: string): string {
  const m = /([0-9A-HJKMNP-TV-Z]{26})/.exec(text);
  if (!m) assert.fail(`no memory id in ${JSON.stringify(text)}`);
  return m[1];
}

/** A JSON error line from the CLI: code, message, and the exit code it implies. */
export function cliError(r: CliResult): { code: string; message: string } {
  assert.equal(r.stdout, '', `a failed command prints nothing on stdout (exit ${r.code})`);
  const e = r.errJson().error;
  assert.equal(typeof e?.message, 'string');
  return e;
}

export const EXIT_OF: Record<string, number> = {
  usage: 2,
  invalid_input: 2,
  not_found: 1,
  connection: 3,
  auth: 4,
  conflict: 5,
  read_only: 5,
  corrupt: 5,
  io: 5,
  internal: 5,
};

/** Counts unhandled rejections / uncaught errors in this test process (a bad case must not leave any). */
export function watchProcess(): { check(): void } {
  const seen: unknown[] = [];
  const on = (e: unknown) => seen.push(e);
  process.on('unhandledRejection', on);
  return {
    check() {
      process.off('unhandledRejection', on);
      assert.deepEqual(seen.map(String), [], 'no unhandled promise rejections');
    },
  };
}

export function memoryEquals(
  m: Memory | null,
  want: { topic: string; summary: string; keywords: string[]; rawExcerpt: string | null; importance: string },
  what: string,
): void {
  assert.ok(m, `${what}: the memory was stored`);
  assert.deepEqual(
    { topic: m.topic, summary: m.summary, keywords: m.keywords, rawExcerpt: m.rawExcerpt, importance: m.importance },
    want,
    `${what}: stored exactly`,
  );
}
