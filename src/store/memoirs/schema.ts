/**
 * ICM's memoir tables (icm-reference §1.2; ICM 0.10.57 `crates/icm-store/src/schema.rs`), with ICM's
 * text: the same columns, defaults, constraints, comments, indexes and FTS5 triggers, so a file ICM
 * made opens unchanged and `sqlite_master` holds the same definitions whoever created the tables.
 * Every statement is `IF NOT EXISTS` (SQLite stores the text from the object's name on, so the
 * definitions still match ICM's) and the whole set is one atomic batch: one round trip on a remote,
 * safe when several processes create it at once. Plain SQL only: rusqlite and python keep reading it.
 */
import type { Conn } from '../conn';
import { StoreError } from '../errors';
import { MNEMOS_STATE_DDL } from '../schema';

/** ICM's `execute_batch` text for the three tables and their indexes, verbatim. */
export const MEMOIR_TABLES_DDL = [
  `CREATE TABLE IF NOT EXISTS memoirs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            consolidation_threshold INTEGER NOT NULL DEFAULT 50
        )`,
  `CREATE TABLE IF NOT EXISTS concepts (
            id TEXT PRIMARY KEY,
            memoir_id TEXT NOT NULL REFERENCES memoirs(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            definition TEXT NOT NULL,
            labels TEXT NOT NULL DEFAULT '[]', -- JSON array of {namespace, value}
            confidence REAL NOT NULL DEFAULT 0.5,
            revision INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            source_memory_ids TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
            UNIQUE(memoir_id, name)
        )`,
  `CREATE INDEX IF NOT EXISTS idx_concepts_memoir ON concepts(memoir_id)`,
  `CREATE INDEX IF NOT EXISTS idx_concepts_name ON concepts(name)`,
  `CREATE INDEX IF NOT EXISTS idx_concepts_confidence ON concepts(confidence)`,
  `CREATE TABLE IF NOT EXISTS concept_links (
            id TEXT PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
            target_id TEXT NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
            relation TEXT NOT NULL,
            weight REAL NOT NULL DEFAULT 1.0,
            created_at TEXT NOT NULL,
            UNIQUE(source_id, target_id, relation),
            CHECK(source_id != target_id)
        )`,
  `CREATE INDEX IF NOT EXISTS idx_concept_links_source ON concept_links(source_id)`,
  `CREATE INDEX IF NOT EXISTS idx_concept_links_target ON concept_links(target_id)`,
];

/**
 * ICM creates these only when `concepts_fts` is missing (its `fts_table_exists` check); `IF NOT EXISTS`
 * on each gives the same result in one batch. `concepts_au` fires on any column update, as ICM's does.
 */
export const CONCEPTS_FTS_DDL = [
  `CREATE VIRTUAL TABLE IF NOT EXISTS concepts_fts USING fts5(
                id,
                name,
                definition,
                labels,
                content='concepts',
                content_rowid='rowid'
            )`,
  `CREATE TRIGGER IF NOT EXISTS concepts_ai AFTER INSERT ON concepts BEGIN
                INSERT INTO concepts_fts(rowid, id, name, definition, labels)
                VALUES (new.rowid, new.id, new.name, new.definition, new.labels);
            END`,
  `CREATE TRIGGER IF NOT EXISTS concepts_ad AFTER DELETE ON concepts BEGIN
                INSERT INTO concepts_fts(concepts_fts, rowid, id, name, definition, labels)
                VALUES('delete', old.rowid, old.id, old.name, old.definition, old.labels);
            END`,
  `CREATE TRIGGER IF NOT EXISTS concepts_au AFTER UPDATE ON concepts BEGIN
                INSERT INTO concepts_fts(concepts_fts, rowid, id, name, definition, labels)
                VALUES('delete', old.rowid, old.id, old.name, old.definition, old.labels);
                INSERT INTO concepts_fts(rowid, id, name, definition, labels)
                VALUES (new.rowid, new.id, new.name, new.definition, new.labels);
            END`,
];

export const MEMOIR_OBJECTS = [
  'memoirs',
  'concepts',
  'concept_links',
  'concepts_fts',
  'concepts_ai',
  'concepts_ad',
  'concepts_au',
  'idx_concepts_memoir',
  'idx_concepts_name',
  'idx_concepts_confidence',
  'idx_concept_links_source',
  'idx_concept_links_target',
];

/**
 * Mnemos's own objects beside ICM's memoir tables: `mnemos_state.memoir_seq`, bumped by a trigger on
 * every insert, update and delete of a memoir, a concept or a link, by any writer (ICM included: the
 * triggers live in the file, and `mnemos_state` is created with them so ICM's writes always find it).
 * The extension polls it as the memoir change marker (one key lookup). Timestamps could not serve:
 * two writes in the same millisecond leave `MAX(updated_at)` and every count unchanged.
 */
export const MEMOIR_SEQ_KEY = 'memoir_seq';
const SEQ_TRIGGERS = (['memoirs', 'concepts', 'concept_links'] as const).flatMap((table) =>
  (['INSERT', 'UPDATE', 'DELETE'] as const).map((op) => {
    const name = `mnemos_memoir_seq_${table}_a${op[0].toLowerCase()}`;
    const sql = `CREATE TRIGGER IF NOT EXISTS ${name} AFTER ${op} ON ${table} BEGIN
  UPDATE mnemos_state SET value = value + 1 WHERE key = '${MEMOIR_SEQ_KEY}';
END`;
    return { name, sql };
  }),
);
export const MEMOIR_MNEMOS_OBJECTS = ['mnemos_state', ...SEQ_TRIGGERS.map((t) => t.name)];
const MEMOIR_MNEMOS_DDL = [
  MNEMOS_STATE_DDL,
  `INSERT OR IGNORE INTO mnemos_state(key, value) VALUES ('${MEMOIR_SEQ_KEY}', 0)`,
  ...SEQ_TRIGGERS.map((t) => t.sql),
];

/**
 * Creates whatever is missing (one probe; one atomic batch only when something is). Idempotent. Where
 * ICM's tables are all there and only Mnemos's marker triggers are missing (a file ICM made) and the
 * store refuses writes (a read-only copy, a read-only token), the memoirs are still read: the marker
 * then falls back to counts (`MemoirStore.changeMarker`).
 */
export async function ensureMemoirSchema(conn: Conn): Promise<void> {
  const [probe] = await conn.query(
    `SELECT (SELECT COUNT(*) FROM sqlite_master WHERE name IN (SELECT value FROM json_each(?))) AS icm,
            (SELECT COUNT(*) FROM sqlite_master WHERE name IN (SELECT value FROM json_each(?))) AS ours`,
    [JSON.stringify(MEMOIR_OBJECTS), JSON.stringify(MEMOIR_MNEMOS_OBJECTS)],
  );
  const icmReady = Number(probe?.icm ?? 0) === MEMOIR_OBJECTS.length;
  if (icmReady && Number(probe?.ours ?? 0) === MEMOIR_MNEMOS_OBJECTS.length) return;
  try {
    await conn.batch([...MEMOIR_TABLES_DDL, ...CONCEPTS_FTS_DDL, ...MEMOIR_MNEMOS_DDL].map((sql) => ({ sql })));
  } catch (e) {
    if (icmReady && e instanceof StoreError && e.code === 'read_only') return;
    throw e;
  }
  // A replica reads its own file: pull the tables just created on the primary.
  await conn.sync().catch(() => undefined);
}
