/**
 * ICM's tables for transcripts, code areas, feedback and facts (ICM 0.10.57,
 * `crates/icm-store/src/schema.rs`): the same columns, indexes, FTS5 tables and triggers, so a file
 * either tool writes is read by the other. ICM creates the FTS tables and their triggers only when
 * the FTS table is missing; `IF NOT EXISTS` on each statement gives the same result in one atomic
 * batch (SQLite stores the statement without the `IF NOT EXISTS`, so `sqlite_master` matches ICM's).
 * Plain SQL only: rusqlite and python's sqlite3 keep reading the file.
 */
import type { Conn, Row } from './conn';
import { InvalidInputError } from './errors';

/** What these stores need from a connection (a subset of `Conn`, so they work over any of its modes). */
export type IcmConn = Pick<Conn, 'mode' | 'query' | 'run' | 'batch' | 'batchRun'>;

export type IcmFamily = 'feedback' | 'facts' | 'transcripts' | 'codeAreas';

const FEEDBACK = [
  `CREATE TABLE IF NOT EXISTS feedback (
            id TEXT PRIMARY KEY,
            topic TEXT NOT NULL,
            context TEXT NOT NULL,
            predicted TEXT NOT NULL,
            corrected TEXT NOT NULL,
            reason TEXT,
            source TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            applied_count INTEGER DEFAULT 0
        )`,
  `CREATE INDEX IF NOT EXISTS idx_feedback_topic ON feedback(topic)`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS feedback_fts USING fts5(
                id, topic, context, predicted, corrected, reason,
                content='feedback', content_rowid='rowid'
            )`,
  `CREATE TRIGGER IF NOT EXISTS feedback_ai AFTER INSERT ON feedback BEGIN
                INSERT INTO feedback_fts(rowid, id, topic, context, predicted, corrected, reason)
                VALUES (new.rowid, new.id, new.topic, new.context, new.predicted, new.corrected, new.reason);
            END`,
  `CREATE TRIGGER IF NOT EXISTS feedback_ad AFTER DELETE ON feedback BEGIN
                INSERT INTO feedback_fts(feedback_fts, rowid, id, topic, context, predicted, corrected, reason)
                VALUES('delete', old.rowid, old.id, old.topic, old.context, old.predicted, old.corrected, old.reason);
            END`,
  // ICM's trigger fires on any update (applied_count bumps re-index the row too); kept as ICM has it.
  `CREATE TRIGGER IF NOT EXISTS feedback_au AFTER UPDATE ON feedback BEGIN
                INSERT INTO feedback_fts(feedback_fts, rowid, id, topic, context, predicted, corrected, reason)
                VALUES('delete', old.rowid, old.id, old.topic, old.context, old.predicted, old.corrected, old.reason);
                INSERT INTO feedback_fts(rowid, id, topic, context, predicted, corrected, reason)
                VALUES (new.rowid, new.id, new.topic, new.context, new.predicted, new.corrected, new.reason);
            END`,
];

const FACTS = [
  `CREATE TABLE IF NOT EXISTS facts (
            id TEXT PRIMARY KEY,
            entity TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            superseded_at TEXT
        )`,
  `CREATE INDEX IF NOT EXISTS idx_facts_entity ON facts(entity)`,
  `CREATE INDEX IF NOT EXISTS idx_facts_entity_key ON facts(entity, key)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS idx_facts_active_unique
            ON facts(entity, key) WHERE superseded_at IS NULL`,
];

const TRANSCRIPTS = [
  `CREATE TABLE IF NOT EXISTS sessions (
            id TEXT PRIMARY KEY,
            agent TEXT NOT NULL DEFAULT '',
            project TEXT,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}'
        )`,
  `CREATE INDEX IF NOT EXISTS idx_sessions_project ON sessions(project)`,
  `CREATE INDEX IF NOT EXISTS idx_sessions_started ON sessions(started_at)`,
  `CREATE TABLE IF NOT EXISTS messages (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            tool_name TEXT,
            tokens INTEGER,
            ts TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}'
        )`,
  `CREATE INDEX IF NOT EXISTS idx_messages_session ON messages(session_id)`,
  `CREATE INDEX IF NOT EXISTS idx_messages_ts ON messages(ts)`,
  `CREATE INDEX IF NOT EXISTS idx_messages_role ON messages(role)`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
                id UNINDEXED,
                session_id UNINDEXED,
                role,
                content,
                tool_name,
                content='messages',
                content_rowid='rowid'
            )`,
  `CREATE TRIGGER IF NOT EXISTS messages_ai AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts(rowid, id, session_id, role, content, tool_name)
                VALUES (new.rowid, new.id, new.session_id, new.role, new.content, COALESCE(new.tool_name, ''));
            END`,
  `CREATE TRIGGER IF NOT EXISTS messages_ad AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, id, session_id, role, content, tool_name)
                VALUES('delete', old.rowid, old.id, old.session_id, old.role, old.content, COALESCE(old.tool_name, ''));
            END`,
  `CREATE TRIGGER IF NOT EXISTS messages_au AFTER UPDATE OF role, content, tool_name ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, id, session_id, role, content, tool_name)
                VALUES('delete', old.rowid, old.id, old.session_id, old.role, old.content, COALESCE(old.tool_name, ''));
                INSERT INTO messages_fts(rowid, id, session_id, role, content, tool_name)
                VALUES (new.rowid, new.id, new.session_id, new.role, new.content, COALESCE(new.tool_name, ''));
            END`,
];

const CODE_AREAS = [
  `CREATE TABLE IF NOT EXISTS code_areas (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            project TEXT NOT NULL,
            file_path TEXT NOT NULL,
            description TEXT,
            session_id TEXT,
            tool_name TEXT,
            touch_count INTEGER NOT NULL DEFAULT 1,
            first_touched_at TEXT NOT NULL,
            last_touched_at TEXT NOT NULL,
            UNIQUE(project, file_path)
        )`,
  `CREATE INDEX IF NOT EXISTS idx_code_areas_project
            ON code_areas(project)`,
  `CREATE INDEX IF NOT EXISTS idx_code_areas_last_touched
            ON code_areas(last_touched_at)`,
];

/** ICM's DDL for each family, statement by statement. */
export const ICM_DDL: Record<IcmFamily, readonly string[]> = {
  feedback: FEEDBACK,
  facts: FACTS,
  transcripts: TRANSCRIPTS,
  codeAreas: CODE_AREAS,
};

const objectName = (sql: string) => /IF NOT EXISTS\s+(\w+)/.exec(sql)![1];

/** Every table, index and trigger name of a family (what `sqlite_master` must hold). */
export const ICM_OBJECTS: Record<IcmFamily, readonly string[]> = {
  feedback: FEEDBACK.map(objectName),
  facts: FACTS.map(objectName),
  transcripts: TRANSCRIPTS.map(objectName),
  codeAreas: CODE_AREAS.map(objectName),
};

/**
 * Creates a family's tables once per connection object: a read of `sqlite_master` when they exist
 * (the usual case), else ICM's DDL in one atomic batch (one round trip on a remote). Safe when several
 * processes do it at once: every statement is `IF NOT EXISTS` inside one write transaction.
 */
export class TableGuard {
  private ready: Promise<void> | undefined;
  constructor(
    private readonly conn: IcmConn,
    private readonly family: IcmFamily,
  ) {}

  ensure(): Promise<void> {
    this.ready ??= this.create().catch((e) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  private async create(): Promise<void> {
    const names = ICM_OBJECTS[this.family];
    const [r] = await this.conn.query(
      `SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(names)],
    );
    if (Number(r?.n ?? 0) === names.length) return;
    await this.conn.batchRun(ICM_DDL[this.family].map((sql) => ({ sql })));
  }
}

// ------------------------------------------------------------------------------------ timestamps

let lastMs = 0;
let seq = 0;

/**
 * Now, as chrono's `Utc::now().to_rfc3339()` writes it (`2026-06-13T21:53:00.123+00:00`). Strictly
 * increasing within a process: calls in the same millisecond get sub-millisecond digits
 * (`.123000001+00:00`), so rows written in one burst keep their order when sorted by this text.
 */
export function icmNow(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    if (++seq > 999_999) {
      ms = ++lastMs;
      seq = 0;
    }
  } else {
    lastMs = ms;
    seq = 0;
  }
  const iso = new Date(ms).toISOString();
  const frac = iso.slice(20, 23) + (seq ? String(seq).padStart(6, '0') : '');
  return `${iso.slice(0, 19)}.${frac}+00:00`;
}

/** RFC 3339 text of a Date in ICM's shape (for `since` bounds and the like). */
export function icmTime(d: Date): string {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new InvalidInputError('the time must be a valid Date');
  return d.toISOString().replace(/Z$/, '+00:00');
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9})\d*)?([Zz]|[+-]\d\d:\d\d)$/;

/**
 * A stored timestamp as ICM's JSON shows it: chrono's serde form of a UTC `DateTime`, i.e. converted
 * to UTC, `Z`, and 0, 3, 6 or 9 fractional digits. Like ICM, unparseable text reads as now.
 */
export function icmJsonTime(stored: unknown): string {
  const m = typeof stored === 'string' ? RFC3339.exec(stored.trim()) : null;
  if (!m) return icmJsonTime(icmNow());
  const [, y, mo, d, h, mi, s, frac = '', off] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (off !== 'Z' && off !== 'z') {
    const sign = off[0] === '-' ? -1 : 1;
    ms -= sign * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6))) * 60_000;
  }
  if (Number.isNaN(ms)) return icmJsonTime(icmNow());
  const nanos = frac.padEnd(9, '0');
  // chrono's AutoSi: no fraction, or 3, 6 or 9 digits.
  const digits = /^0+$/.test(nanos)
    ? ''
    : nanos.endsWith('000000')
      ? nanos.slice(0, 3)
      : nanos.endsWith('000')
        ? nanos.slice(0, 6)
        : nanos;
  return `${new Date(ms).toISOString().slice(0, 19)}${digits ? '.' + digits : ''}Z`;
}

// ------------------------------------------------------------------------------------ validation

export interface TextRule {
  /** Longest accepted UTF-8 length. */
  maxBytes: number;
  /** Empty or blank text is accepted (else rejected). */
  allowBlank?: boolean;
  /** Newlines and tabs are rejected (one-line fields that show up in `--- id [x] ---` headers). */
  oneLine?: boolean;
}

/** A required string field, or an InvalidInputError naming it. Never trims: the text is stored as given. */
export function requireText(v: unknown, field: string, rule: TextRule): string {
  if (typeof v !== 'string') throw new InvalidInputError(`${field} is required and must be a string`);
  if (!rule.allowBlank && !v.trim()) throw new InvalidInputError(`${field} must not be empty`);
  checkText(v, field, rule);
  return v;
}

/** An optional string field: undefined/null → null. */
export function optionalText(v: unknown, field: string, rule: TextRule): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new InvalidInputError(`${field} must be a string`);
  checkText(v, field, rule);
  return v;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(v: string, field: string, rule: TextRule): void {
  if (v.includes('\0')) throw new InvalidInputError(`${field} must not contain NUL bytes`);
  if (LONE_SURROGATE.test(v)) {
    throw new InvalidInputError(`${field} contains an unpaired UTF-16 surrogate; it is not valid text`);
  }
  if (rule.oneLine && /[\n\r\t]/.test(v)) throw new InvalidInputError(`${field} must be one line (no newline or tab)`);
  const bytes = Buffer.byteLength(v, 'utf8');
  if (bytes > rule.maxBytes) throw new InvalidInputError(`${field} is ${bytes} bytes; the limit is ${rule.maxBytes}`);
}

/** A JSON text for a `metadata` column: undefined/null → `{}` (ICM's default); anything else must parse. */
export function jsonText(v: unknown, field = 'metadata', maxBytes = 65_536): string {
  if (v === undefined || v === null) return '{}';
  if (typeof v !== 'string') throw new InvalidInputError(`${field} must be a JSON text (a string)`);
  checkText(v, field, { maxBytes });
  try {
    JSON.parse(v);
  } catch {
    throw new InvalidInputError(`${field} must be valid JSON, e.g. {"branch":"main"}`);
  }
  return v;
}

/** A result limit: an integer in [min, max]; undefined → fallback. */
export function limitArg(v: unknown, fallback: number, max: number, field = 'limit', min = 1): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidInputError(`${field} must be an integer`);
  if (v < min || v > max) throw new InvalidInputError(`${field} must be between ${min} and ${max}`);
  return v;
}

export { num, str, strOrNull } from './values';
export type { Row };
