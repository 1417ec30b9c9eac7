/**
 * ICM's schema (docs/ICM-COMPAT.md, Schema) plus Mnemos's own tables. Idempotent: safe on an empty file,
 * on a database ICM created (with its `embedding` column and sqlite-vec `vec_memories`), and on
 * one Mnemos created before. Nothing here needs a libSQL-only feature, so rusqlite and python's
 * sqlite3 keep reading the file.
 */
import type { Conn } from './conn';
import { str } from './values';
import { VECTOR_DDL } from './vectors';

const ICM_CORE = `
CREATE TABLE IF NOT EXISTS memories (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT '',
  last_accessed TEXT NOT NULL,
  access_count INTEGER DEFAULT 0,
  weight REAL DEFAULT 1.0,
  topic TEXT NOT NULL,
  summary TEXT NOT NULL,
  raw_excerpt TEXT,
  keywords TEXT,
  importance TEXT NOT NULL,
  source_type TEXT NOT NULL,
  source_data TEXT,
  related_ids TEXT
);
CREATE INDEX IF NOT EXISTS idx_memories_topic ON memories(topic);
CREATE INDEX IF NOT EXISTS idx_memories_weight ON memories(weight);
CREATE INDEX IF NOT EXISTS idx_memories_created ON memories(created_at);
CREATE VIRTUAL TABLE IF NOT EXISTS memories_fts USING fts5(
  id, topic, summary, keywords, content='memories', content_rowid='rowid'
);
CREATE TRIGGER IF NOT EXISTS memories_ai AFTER INSERT ON memories BEGIN
  INSERT INTO memories_fts(rowid, id, topic, summary, keywords)
  VALUES (new.rowid, new.id, new.topic, new.summary, new.keywords);
END;
CREATE TRIGGER IF NOT EXISTS memories_ad AFTER DELETE ON memories BEGIN
  INSERT INTO memories_fts(memories_fts, rowid, id, topic, summary, keywords)
  VALUES ('delete', old.rowid, old.id, old.topic, old.summary, old.keywords);
END;
CREATE TABLE IF NOT EXISTS icm_metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** ICM issue #44: the trigger fires only when indexed columns change, so access/decay updates leave FTS alone. */
const ICM_UPDATE_TRIGGER = `
CREATE TRIGGER IF NOT EXISTS memories_au AFTER UPDATE OF topic, summary, keywords ON memories BEGIN
  INSERT INTO memories_fts(memories_fts, rowid, id, topic, summary, keywords)
  VALUES ('delete', old.rowid, old.id, old.topic, old.summary, old.keywords);
  INSERT INTO memories_fts(rowid, id, topic, summary, keywords)
  VALUES (new.rowid, new.id, new.topic, new.summary, new.keywords);
END;
`;

/** Mnemos's counters (change sequences), kept by its triggers; also created with the memoir tables. */
export const MNEMOS_STATE_DDL =
  'CREATE TABLE IF NOT EXISTS mnemos_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL DEFAULT 0)';

/**
 * Mnemos's own objects. `idx_mnemos_topic_created` serves a topic's memories newest first (the sidebar's
 * topic pages) as an index range: with ICM's indexes only, the first page of a 258,000-memory topic sorted
 * the whole topic (2.8 s at 1,000,000 memories; 198 ms → 1.5 ms at 51,000), for ≈ 7–10 % on a write
 * (docs/BENCHMARKS.md, "A million memories"). ICM ignores an index it did not make.
 * `mnemos_state.change_seq` is bumped by triggers on every delete and content
 * update by any writer (ICM included, since the triggers live in the file). Inserts need no trigger:
 * a new row always gets a rowid above MAX(rowid), so (change_seq, MAX(rowid)) changes on any write
 * and a UI polls one cheap statement. Dropping the insert trigger saved ≈ 4 µs per stored memory.
 * `mnemos_topic_counts` holds each topic's number of memories, kept by triggers (any writer's, ICM's
 * too): a topic's count is one key lookup instead of a walk over the topic's index entries, which cost
 * 0.14 ms for a 3,500-memory topic at 10,000 memories on every MCP store (its consolidation hint) and
 * grows with the topic (docs/BENCHMARKS.md, "Per call: the topic count"), for a few µs per write.
 */
const MNEMOS = `
${MNEMOS_STATE_DDL};
CREATE INDEX IF NOT EXISTS idx_mnemos_topic_created ON memories(topic, created_at, id);
INSERT OR IGNORE INTO mnemos_state(key, value) VALUES ('change_seq', 0);
CREATE TRIGGER IF NOT EXISTS mnemos_change_ad AFTER DELETE ON memories BEGIN
  UPDATE mnemos_state SET value = value + 1 WHERE key = 'change_seq';
END;
CREATE TRIGGER IF NOT EXISTS mnemos_change_au AFTER UPDATE OF topic, summary, keywords, importance, raw_excerpt, source_data ON memories BEGIN
  UPDATE mnemos_state SET value = value + 1 WHERE key = 'change_seq';
END;
`;

/** The per-topic counts (above): made, filled from the memories in the same transaction, then kept by triggers. */
const TOPIC_COUNTS = `
CREATE TABLE IF NOT EXISTS mnemos_topic_counts (topic TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
DELETE FROM mnemos_topic_counts;
INSERT INTO mnemos_topic_counts(topic, n) SELECT topic, COUNT(*) FROM memories GROUP BY topic;
CREATE TRIGGER IF NOT EXISTS mnemos_topic_count_ai AFTER INSERT ON memories BEGIN
  INSERT INTO mnemos_topic_counts(topic, n) VALUES (new.topic, 1) ON CONFLICT(topic) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS mnemos_topic_count_ad AFTER DELETE ON memories BEGIN
  UPDATE mnemos_topic_counts SET n = n - 1 WHERE topic = old.topic;
  DELETE FROM mnemos_topic_counts WHERE topic = old.topic AND n <= 0;
END;
CREATE TRIGGER IF NOT EXISTS mnemos_topic_count_au AFTER UPDATE OF topic ON memories WHEN new.topic IS NOT old.topic BEGIN
  UPDATE mnemos_topic_counts SET n = n - 1 WHERE topic = old.topic;
  DELETE FROM mnemos_topic_counts WHERE topic = old.topic AND n <= 0;
  INSERT INTO mnemos_topic_counts(topic, n) VALUES (new.topic, 1) ON CONFLICT(topic) DO UPDATE SET n = n + 1;
END;
`;

export const SCHEMA_VERSION = 5;

/** Splits a script of simple statements and BEGIN…END trigger bodies on top-level semicolons. */
function statements(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const line of script.split('\n')) {
    if (!line.trim()) continue;
    cur += line + '\n';
    if (/\bBEGIN\s*$/i.test(line.trim())) depth++;
    if (/^\s*END;\s*$/i.test(line)) depth--;
    if (depth === 0 && line.trim().endsWith(';')) {
      out.push(cur.trim().replace(/;$/, ''));
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim().replace(/;$/, ''));
  return out;
}

export interface SchemaInfo {
  /** ICM's sqlite-vec table exists in this file (Mnemos touches it only where vec0 is loaded). */
  hasIcmVecTable: boolean;
  /** ICM's `memories.embedding` column exists. */
  hasIcmEmbeddingColumn: boolean;
}

const PROBE = `SELECT
  (SELECT group_concat(name || '=' || type, ',') FROM sqlite_master WHERE name IN ('memories','memories_fts','memories_au','vec_memories','mnemos_state','idx_memories_topic_hash','mnemos_change_au','mnemos_change_ai','mnemos_vectors','idx_mnemos_topic_created','mnemos_topic_count_au')) AS objects,
  (SELECT sql FROM sqlite_master WHERE name = 'memories_au') AS au_sql,
  (SELECT group_concat(name, ',') FROM pragma_table_info('memories')) AS cols`;

async function probe(conn: Conn) {
  const [r] = await conn.query(PROBE);
  const objects = new Set(
    str(r?.objects)
      .split(',')
      .filter(Boolean)
      .map((s) => s.split('=')[0]),
  );
  const cols = new Set(str(r?.cols).split(',').filter(Boolean));
  let version = 0;
  if (objects.has('mnemos_state')) {
    const v = await conn.query(`SELECT value FROM mnemos_state WHERE key = 'schema_version'`);
    version = Number(v[0]?.value ?? 0);
  }
  return { objects, cols, auSql: str(r?.au_sql), version };
}

/**
 * Brings the file to ICM's current schema plus Mnemos's tables in one atomic batch (one round trip
 * on a remote). Several processes may open a new file at once: a loser of that race re-probes.
 */
export async function migrate(conn: Conn): Promise<SchemaInfo> {
  for (let attempt = 0; ; attempt++) {
    const p = await probe(conn);
    const info = { hasIcmVecTable: p.objects.has('vec_memories'), hasIcmEmbeddingColumn: p.cols.has('embedding') };
    const upToDate =
      p.version >= SCHEMA_VERSION &&
      p.cols.has('summary_hash') &&
      p.objects.has('idx_memories_topic_hash') &&
      /UPDATE\s+OF/i.test(p.auSql) &&
      p.objects.has('mnemos_change_au') &&
      !p.objects.has('mnemos_change_ai') &&
      p.objects.has('mnemos_vectors') &&
      p.objects.has('idx_mnemos_topic_created') &&
      p.objects.has('mnemos_topic_count_au');
    if (upToDate) return info;
    const stmts: string[] = [...statements(ICM_CORE)];
    if (p.objects.has('memories') && !p.cols.has('summary_hash'))
      stmts.push(`ALTER TABLE memories ADD COLUMN summary_hash TEXT`);
    else if (!p.objects.has('memories')) stmts.splice(1, 0, `ALTER TABLE memories ADD COLUMN summary_hash TEXT`);
    // Created after the ALTER so databases from before ICM 0.10.43 upgrade (legacy rows keep NULL hashes).
    stmts.push(
      `CREATE UNIQUE INDEX IF NOT EXISTS idx_memories_topic_hash ON memories(LOWER(topic), summary_hash) WHERE summary_hash IS NOT NULL`,
    );
    if (p.auSql && !/UPDATE\s+OF/i.test(p.auSql)) {
      // Old any-column trigger (before ICM's #44 fix) churned FTS and left ghost rows: replace, then rebuild.
      stmts.push(
        `DROP TRIGGER memories_au`,
        ...statements(ICM_UPDATE_TRIGGER),
        `INSERT INTO memories_fts(memories_fts) VALUES('rebuild')`,
      );
    } else {
      stmts.push(...statements(ICM_UPDATE_TRIGGER));
    }
    // Schema 2 bumped change_seq on every insert too; MAX(rowid) now carries that signal.
    stmts.push(...statements(MNEMOS), `DROP TRIGGER IF EXISTS mnemos_change_ai`, ...VECTOR_DDL);
    if (!p.objects.has('mnemos_topic_count_au')) stmts.push(...statements(TOPIC_COUNTS));
    stmts.push(
      `INSERT INTO mnemos_state(key, value) VALUES ('schema_version', ${SCHEMA_VERSION}) ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE value < excluded.value`,
    );
    try {
      await conn.batch(stmts.map((sql) => ({ sql })));
      return info;
    } catch (e) {
      // Another process migrated first. A replica must pull before probing again, or it re-reads its stale copy.
      if (attempt < 5 && /duplicate column|already exists/i.test(String((e as Error).message))) {
        await conn.sync().catch(() => undefined);
        continue;
      }
      throw e;
    }
  }
}
