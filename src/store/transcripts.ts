/**
 * Verbatim session transcripts (ICM's `sessions`, `messages`, `messages_fts`, icm-reference §2.10):
 * sessions keyed by a ULID or by the host agent's own session id, messages in order, full-text
 * search by BM25 with ICM's score (−bm25). Every write is idempotent by id: a message or session
 * written twice (a retry after a lost response) lands once.
 */
import { InvalidInputError, NotFoundError } from './errors';
import {
  type IcmConn,
  icmNow,
  jsonText,
  limitArg,
  num,
  optionalText,
  requireText,
  type Row,
  str,
  strOrNull,
  TableGuard,
} from './icmTables';
import { newId, validateId } from './model';
import { selectJsonRows } from './rows';
import { transcriptMatch } from './transcriptQuery';

export const ROLES = ['user', 'assistant', 'system', 'tool'] as const;
export type Role = (typeof ROLES)[number];

export interface Session {
  id: string;
  agent: string;
  project: string | null;
  startedAt: string;
  updatedAt: string;
  /** JSON text, as stored. */
  metadata: string;
}

export interface Message {
  id: string;
  sessionId: string;
  role: Role;
  content: string;
  toolName: string | null;
  tokens: number | null;
  ts: string;
  metadata: string;
}

/** A session as a browser lists it: the row, its message count and its first prompt. */
export interface SessionSummary extends Session {
  messageCount: number;
  /** The first user message written: its first 200 characters (null: no user message yet). */
  firstPrompt: string | null;
}

/** Where the next page of `sessionPage` starts (the last row of this one). */
export interface SessionCursor {
  updatedAt: string;
  id: string;
}

export interface TranscriptHit {
  message: Message;
  session: Session;
  /** −bm25: higher is better (ICM's score). */
  score: number;
}

export interface TranscriptStats {
  totalSessions: number;
  totalMessages: number;
  /** UTF-8 bytes of every message's content. */
  totalBytes: number;
  byRole: [string, number][];
  byAgent: [string, number][];
  /** Session id and message count of the 10 longest sessions. */
  topSessions: [string, number][];
  oldest: string | null;
  newest: string | null;
}

export interface NewSession {
  /** The session's id: a ULID is generated when omitted (ICM's create_session). */
  id?: string;
  agent?: string | null;
  project?: string | null;
  /** JSON text; `{}` when omitted. */
  metadata?: string | null;
}

export interface NewMessage {
  /** A ULID chosen by the caller makes a retried write land once; generated when omitted. */
  id?: string;
  sessionId: string;
  role: string;
  content: string;
  toolName?: string | null;
  tokens?: number | null;
  metadata?: string | null;
}

export const MAX_CONTENT_BYTES = 1_048_576;
const SHORT = { maxBytes: 256, allowBlank: true, oneLine: true };
const PROJECT = { maxBytes: 1024, allowBlank: true, oneLine: true };
const S_COLS = 'id, agent, project, started_at, updated_at, metadata';
const M_COLS = 'id, session_id, role, content, tool_name, tokens, ts, metadata';
/** A session's `updated_at` moved to a message's time; never back (a slower concurrent writer may commit an older timestamp last). */
const TOUCH_SESSION = `UPDATE sessions SET updated_at = ? WHERE id = ? AND updated_at < ?`;

/** ICM's `Role::parse`: case-insensitive; null for anything else. */
export function parseRole(v: unknown): Role | null {
  if (typeof v !== 'string') return null;
  const r = v.toLowerCase();
  return (ROLES as readonly string[]).includes(r) ? (r as Role) : null;
}

function rowToSession(r: Row, p = ''): Session {
  return {
    id: str(r[`${p}id`]),
    agent: str(r[`${p}agent`]),
    project: strOrNull(r[`${p}project`]),
    startedAt: str(r[`${p}started_at`]),
    updatedAt: str(r[`${p}updated_at`]),
    metadata: str(r[`${p}metadata`]),
  };
}

function rowToMessage(r: Row): Message {
  return {
    id: str(r.id),
    sessionId: str(r.session_id),
    // ICM reads an unknown role as `tool`.
    role: parseRole(r.role) ?? 'tool',
    content: str(r.content),
    toolName: strOrNull(r.tool_name),
    tokens: r.tokens == null ? null : num(r.tokens),
    ts: str(r.ts),
    metadata: str(r.metadata),
  };
}

function sessionId(v: unknown, field = 'session_id'): string {
  if (typeof v !== 'string' || !v.trim()) throw new InvalidInputError(`${field} is required and must not be empty`);
  return validateId(v);
}

export class TranscriptStore {
  private readonly tables: TableGuard;
  constructor(private readonly conn: IcmConn) {
    this.tables = new TableGuard(conn, 'transcripts');
  }

  /** A new session (ULID id unless given; an existing id is kept as it is). Returns its id. */
  async createSession(input: NewSession = {}): Promise<string> {
    const id = input.id === undefined ? newId() : sessionId(input.id, 'id');
    return this.insertSession(id, input);
  }

  /**
   * ICM's `ensure_session`: the session with this id (the host agent's own session id), created on
   * first use; later calls leave the first row as it is.
   */
  async ensureSession(id: string, input: Omit<NewSession, 'id'> = {}): Promise<string> {
    return this.insertSession(sessionId(id, 'id'), input);
  }

  private async insertSession(id: string, input: NewSession): Promise<string> {
    const agent = optionalText(input.agent, 'agent', SHORT) ?? '';
    const project = optionalText(input.project, 'project', PROJECT);
    const metadata = jsonText(input.metadata);
    await this.tables.ensure();
    const now = icmNow();
    await this.conn.run(`INSERT OR IGNORE INTO sessions (${S_COLS}) VALUES (?, ?, ?, ?, ?, ?)`, [
      id,
      agent,
      project,
      now,
      now,
      metadata,
    ]);
    return id;
  }

  async getSession(id: string): Promise<Session | null> {
    await this.tables.ensure();
    const rows = await this.conn.query(`SELECT ${S_COLS} FROM sessions WHERE id = ?`, [sessionId(id, 'id')]);
    return rows[0] ? rowToSession(rows[0]) : null;
  }

  /** Most recently active first; optionally one project's. */
  async listSessions(opts: { project?: string | null; limit?: number } = {}): Promise<Session[]> {
    const limit = limitArg(opts.limit, 50, 10_000);
    const project = optionalText(opts.project, 'project', PROJECT);
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT ${S_COLS} FROM sessions WHERE (? IS NULL OR project = ?) ORDER BY updated_at DESC, rowid DESC LIMIT ?`,
      [project, project, limit],
    );
    return rows.map((r) => rowToSession(r));
  }

  /**
   * Appends a message and bumps the session's `updated_at`, atomically. NotFoundError when the
   * session does not exist. Returns the message id.
   */
  async record(input: NewMessage): Promise<string> {
    return (await this.recordMany([input]))[0];
  }

  /** Several messages in one atomic batch (one round trip on a remote), in order. */
  async recordMany(inputs: NewMessage[]): Promise<string[]> {
    if (!Array.isArray(inputs)) throw new InvalidInputError('messages must be a list');
    const msgs = inputs.map((m) => this.validateMessage(m));
    if (!msgs.length) return [];
    await this.tables.ensure();
    const sessions = [...new Set(msgs.map((m) => m.sessionId))];
    if (msgs.length > 1) {
      // A batch naming a missing session writes nothing (a single message is guarded in its INSERT).
      const rows = await this.conn.query(`SELECT id FROM sessions WHERE id IN (SELECT value FROM json_each(?))`, [
        JSON.stringify(sessions),
      ]);
      const found = new Set(rows.map((r) => str(r.id)));
      const missing = sessions.find((s) => !found.has(s));
      if (missing) throw new NotFoundError(`session ${missing} does not exist; start it first`);
    }
    let missed: typeof msgs;
    if (msgs.length === 1) {
      const [m] = msgs;
      const [n] = await this.conn.batchRun([
        {
          sql: `INSERT OR IGNORE INTO messages (${M_COLS})
                SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)`,
          args: [m.id, m.sessionId, m.role, m.content, m.toolName, m.tokens, m.ts, m.metadata, m.sessionId],
        },
        { sql: TOUCH_SESSION, args: [m.ts, m.sessionId, m.ts] },
      ]);
      missed = n === 0 ? msgs : [];
    } else {
      // One statement for all the rows: FTS5 writes a segment at every statement that fires its
      // trigger, so a statement per message made a one-message segment each (src/store/rows.ts).
      const latest = new Map<string, string>();
      for (const m of msgs) if (!(m.ts <= (latest.get(m.sessionId) ?? ''))) latest.set(m.sessionId, m.ts);
      const [inserted] = await this.conn.batch([
        {
          sql: `INSERT OR IGNORE INTO messages (${M_COLS})
                ${selectJsonRows(M_COLS)} WHERE EXISTS (SELECT 1 FROM sessions WHERE id = value ->> 1) RETURNING id`,
          args: [
            JSON.stringify(
              msgs.map((m) => [m.id, m.sessionId, m.role, m.content, m.toolName, m.tokens, m.ts, m.metadata]),
            ),
          ],
        },
        ...[...latest].map(([sid, ts]) => ({ sql: TOUCH_SESSION, args: [ts, sid, ts] })),
      ]);
      const ids = new Set(inserted.map((r) => str(r.id)));
      missed = msgs.filter((m) => !ids.has(m.id));
    }
    if (missed.length) {
      // Not inserted: already there (a retried write), or no such session.
      const rows = await this.conn.query(`SELECT id FROM messages WHERE id IN (SELECT value FROM json_each(?))`, [
        JSON.stringify(missed.map((m) => m.id)),
      ]);
      const present = new Set(rows.map((r) => str(r.id)));
      const lost = missed.find((m) => !present.has(m.id));
      if (lost) throw new NotFoundError(`session ${lost.sessionId} does not exist; start it first`);
    }
    return msgs.map((m) => m.id);
  }

  private validateMessage(m: NewMessage) {
    if (!m || typeof m !== 'object') throw new InvalidInputError('a message must be an object');
    const role = parseRole(m.role);
    if (!role) throw new InvalidInputError(`invalid role '${String(m.role)}'; must be user|assistant|system|tool`);
    const tokens = m.tokens ?? null;
    if (tokens !== null && (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0)) {
      throw new InvalidInputError('tokens must be a non-negative integer');
    }
    return {
      id: m.id === undefined ? newId() : validateId(m.id),
      sessionId: sessionId(m.sessionId),
      role,
      content: requireText(m.content, 'content', { maxBytes: MAX_CONTENT_BYTES, allowBlank: true }),
      toolName: optionalText(m.toolName, 'tool_name', SHORT),
      tokens,
      ts: icmNow(),
      metadata: jsonText(m.metadata),
    };
  }

  /**
   * Which message ids the session already holds: all of them, or those of `ids` (one query either way).
   * A transcript archived again (a hook at every compaction and stop) sends only the messages that are new.
   */
  async knownMessageIds(id: string, ids?: readonly string[]): Promise<Set<string>> {
    const sid = sessionId(id);
    if (ids !== undefined && !Array.isArray(ids)) throw new InvalidInputError('ids must be a list');
    if (ids && !ids.length) return new Set();
    await this.tables.ensure();
    const rows = ids
      ? await this.conn.query(
          `SELECT id FROM messages WHERE session_id = ? AND id IN (SELECT value FROM json_each(?))`,
          [sid, JSON.stringify(ids.map((x) => validateId(x)))],
        )
      : await this.conn.query(`SELECT id FROM messages WHERE session_id = ?`, [sid]);
    return new Set(rows.map((r) => str(r.id)));
  }

  /** A session's messages in order. */
  async messages(id: string, opts: { limit?: number; offset?: number } = {}): Promise<Message[]> {
    const sid = sessionId(id);
    const limit = limitArg(opts.limit, 200, 100_000);
    const offset = limitArg(opts.offset, 0, Number.MAX_SAFE_INTEGER, 'offset', 0);
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT ${M_COLS} FROM messages WHERE session_id = ? ORDER BY ts ASC, rowid ASC LIMIT ? OFFSET ?`,
      [sid, limit, offset],
    );
    return rows.map(rowToMessage);
  }

  /**
   * Messages matching the query, best first (BM25). The query language is ICM's (`OR`, `NOT`,
   * `"phrase"`, `prefix*`, `role:`), rebuilt by `transcriptMatch` so no text is a syntax error.
   */
  async search(query: string, opts: { sessionId?: string | null; project?: string | null; limit?: number } = {}) {
    const limit = limitArg(opts.limit, 10, 1000);
    const sid = opts.sessionId == null ? null : sessionId(opts.sessionId);
    const project = optionalText(opts.project, 'project', PROJECT);
    const match = transcriptMatch(typeof query === 'string' ? query : '');
    if (!match) return [];
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT m.id, m.session_id, m.role, m.content, m.tool_name, m.tokens, m.ts, m.metadata,
              s.id AS s_id, s.agent AS s_agent, s.project AS s_project,
              s.started_at AS s_started_at, s.updated_at AS s_updated_at, s.metadata AS s_metadata,
              bm25(messages_fts) AS score
       FROM messages_fts
       JOIN messages m ON m.rowid = messages_fts.rowid
       JOIN sessions s ON s.id = m.session_id
       WHERE messages_fts MATCH ? AND (? IS NULL OR m.session_id = ?) AND (? IS NULL OR s.project = ?)
       ORDER BY score ASC LIMIT ?`,
      [match, sid, sid, project, project, limit],
    );
    return rows.map((r): TranscriptHit => ({
      message: rowToMessage(r),
      session: rowToSession(r, 's_'),
      score: -num(r.score),
    }));
  }

  /** Deletes a session and its messages; returns what was deleted (zeros: no such session). */
  async forgetSession(id: string): Promise<{ sessions: number; messages: number }> {
    const sid = sessionId(id, 'id');
    await this.tables.ensure();
    // Messages first and explicitly, as ICM does: a connection without foreign_keys would not cascade.
    const [messages, sessions] = await this.conn.batchRun([
      { sql: `DELETE FROM messages WHERE session_id = ?`, args: [sid] },
      { sql: `DELETE FROM sessions WHERE id = ?`, args: [sid] },
    ]);
    return { sessions, messages };
  }

  /** ICM's transcript stats, in one statement. */
  async stats(): Promise<TranscriptStats> {
    await this.tables.ensure();
    const [r] = await this.conn.query(
      `SELECT (SELECT COUNT(*) FROM sessions) AS sessions,
         (SELECT COUNT(*) FROM messages) AS messages,
         (SELECT COALESCE(SUM(LENGTH(CAST(content AS BLOB))), 0) FROM messages) AS bytes,
         (SELECT json_group_array(json_array(role, n)) FROM
           (SELECT role, COUNT(*) AS n FROM messages GROUP BY role ORDER BY n DESC, role ASC)) AS by_role,
         (SELECT json_group_array(json_array(agent, n)) FROM
           (SELECT agent, COUNT(*) AS n FROM sessions GROUP BY agent ORDER BY n DESC, agent ASC)) AS by_agent,
         (SELECT json_group_array(json_array(session_id, n)) FROM
           (SELECT session_id, COUNT(*) AS n FROM messages GROUP BY session_id
            ORDER BY n DESC, session_id ASC LIMIT 10)) AS top_sessions,
         (SELECT MIN(ts) FROM messages) AS oldest,
         (SELECT MAX(ts) FROM messages) AS newest`,
    );
    return {
      totalSessions: num(r?.sessions),
      totalMessages: num(r?.messages),
      totalBytes: num(r?.bytes),
      byRole: JSON.parse(str(r?.by_role) || '[]') as [string, number][],
      byAgent: JSON.parse(str(r?.by_agent) || '[]') as [string, number][],
      topSessions: JSON.parse(str(r?.top_sessions) || '[]') as [string, number][],
      oldest: strOrNull(r?.oldest),
      newest: strOrNull(r?.newest),
    };
  }

  /**
   * One page of sessions for a browser, most recently active first, each with its message count and
   * first prompt, in one statement (per row: two lookups on `idx_messages_session`; left to itself the
   * planner reads `idx_messages_role`, every user message of the store per row). The first prompt is
   * the first user message written (rowid order, which the index gives without a sort; sorting a
   * session's messages by ts made the page 10× slower). The page is chosen first (a materialized CTE):
   * in one SELECT, SQLite computes both lookups for every session before sorting. Keyset-paged
   * on (updated_at, id): `next` is the cursor of the following page, null after the last.
   */
  async sessionPage(
    opts: { project?: string | null; limit?: number; after?: SessionCursor | null } = {},
  ): Promise<{ items: SessionSummary[]; next: SessionCursor | null }> {
    const limit = limitArg(opts.limit, 50, 1000);
    const project = optionalText(opts.project, 'project', PROJECT);
    const after = opts.after ?? null;
    if (after !== null && (typeof after.updatedAt !== 'string' || typeof after.id !== 'string'))
      throw new InvalidInputError('after must be a cursor {updatedAt, id} from the previous page');
    await this.tables.ensure();
    const rows = await this.conn.query(
      `WITH page AS MATERIALIZED (
         SELECT id, agent, project, started_at, updated_at, metadata FROM sessions
         WHERE (?1 IS NULL OR project = ?1)
           AND (?2 IS NULL OR updated_at < ?2 OR (updated_at = ?2 AND id < ?3))
         ORDER BY updated_at DESC, id DESC LIMIT ?4)
       SELECT s.id, s.agent, s.project, s.started_at, s.updated_at, s.metadata,
         (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) AS message_count,
         (SELECT substr(m.content, 1, 200) FROM messages m INDEXED BY idx_messages_session
          WHERE m.session_id = s.id AND m.role = 'user' ORDER BY m.rowid LIMIT 1) AS first_prompt
       FROM page s ORDER BY s.updated_at DESC, s.id DESC`,
      [project, after?.updatedAt ?? null, after?.id ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map((r): SessionSummary => ({
      ...rowToSession(r),
      messageCount: num(r.message_count),
      firstPrompt: strOrNull(r.first_prompt),
    }));
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null };
  }

  /** One session with its message count and first prompt, or null. */
  async sessionSummary(id: string): Promise<SessionSummary | null> {
    const sid = sessionId(id, 'id');
    await this.tables.ensure();
    const [r] = await this.conn.query(
      `SELECT s.id, s.agent, s.project, s.started_at, s.updated_at, s.metadata,
         (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) AS message_count,
         (SELECT substr(m.content, 1, 200) FROM messages m INDEXED BY idx_messages_session
          WHERE m.session_id = s.id AND m.role = 'user' ORDER BY m.rowid LIMIT 1) AS first_prompt
       FROM sessions s WHERE s.id = ?`,
      [sid],
    );
    return r
      ? { ...rowToSession(r), messageCount: num(r.message_count), firstPrompt: strOrNull(r.first_prompt) }
      : null;
  }

  /** Number of sessions, optionally one project's. */
  async countSessions(project?: string | null): Promise<number> {
    const p = optionalText(project, 'project', PROJECT);
    await this.tables.ensure();
    const [r] = await this.conn.query(`SELECT COUNT(*) AS n FROM sessions WHERE (?1 IS NULL OR project = ?1)`, [p]);
    return num(r?.n);
  }

  /**
   * How many messages come before this one in its session (the order of `messages()`), so a reader can
   * open the session at it; null when the message is not in that session.
   */
  async messagePosition(session: string, messageId: string): Promise<number | null> {
    const sid = sessionId(session);
    const mid = validateId(messageId);
    await this.tables.ensure();
    const [r] = await this.conn.query(
      `SELECT t.ts IS NOT NULL AS found,
         (SELECT COUNT(*) FROM messages m WHERE m.session_id = ?1 AND (m.ts < t.ts OR (m.ts = t.ts AND m.rowid < t.r))) AS n
       FROM (SELECT 1) LEFT JOIN (SELECT ts, rowid AS r FROM messages WHERE id = ?2 AND session_id = ?1) t`,
      [sid, mid],
    );
    return r && num(r.found) ? num(r.n) : null;
  }

  /**
   * A cheap value that changes when any writer adds a session or a message, or deletes a session (the
   * memories change marker does not see these tables on a remote store).
   */
  async changeMarker(): Promise<string> {
    await this.tables.ensure();
    const [r] = await this.conn.query(
      `SELECT (SELECT COUNT(*) FROM sessions) AS s, (SELECT MAX(updated_at) FROM sessions) AS u,
              (SELECT MAX(rowid) FROM messages) AS m`,
    );
    return `${num(r?.s)}:${str(r?.u)}:${num(r?.m)}`;
  }
}
