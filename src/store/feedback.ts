/**
 * Feedback: corrections an agent records when a prediction was wrong (ICM's `feedback` table and
 * `feedback_fts`, icm-reference §2.8). Search is ICM's: every query term must match, newest first;
 * the query is built by `fts.ts`, so any text is a valid search.
 */
import { NotFoundError } from './errors';
import { buildFtsQuery } from './fts';
import {
  type IcmConn,
  icmNow,
  limitArg,
  num,
  optionalText,
  requireText,
  type Row,
  str,
  strOrNull,
  TableGuard,
} from './icmTables';
import { newId, validateId, validateTopic } from './model';

export interface Feedback {
  id: string;
  topic: string;
  context: string;
  predicted: string;
  corrected: string;
  reason: string | null;
  source: string;
  /** RFC 3339, as stored. */
  createdAt: string;
  appliedCount: number;
}

export interface NewFeedback {
  /** A ULID chosen by the caller makes a retried write land once; generated when omitted. */
  id?: string;
  topic: string;
  context: string;
  predicted: string;
  corrected: string;
  reason?: string | null;
  source?: string | null;
}

export interface FeedbackStats {
  total: number;
  /** Topic and count, most feedback first. */
  byTopic: [string, number][];
  /** Id and applied count of the 10 most applied corrections (applied at least once). */
  mostApplied: [string, number][];
}

const BODY = { maxBytes: 65_536 };
const COLS = 'id, topic, context, predicted, corrected, reason, source, created_at, applied_count';
export const MAX_FEEDBACK_LIMIT = 1000;

function rowToFeedback(r: Row): Feedback {
  return {
    id: str(r.id),
    topic: str(r.topic),
    context: str(r.context),
    predicted: str(r.predicted),
    corrected: str(r.corrected),
    reason: strOrNull(r.reason),
    source: str(r.source),
    createdAt: str(r.created_at),
    appliedCount: num(r.applied_count),
  };
}

export class FeedbackStore {
  private readonly tables: TableGuard;
  constructor(private readonly conn: IcmConn) {
    this.tables = new TableGuard(conn, 'feedback');
  }

  /** Records a correction; returns its id. The same id written twice lands once. */
  async record(input: NewFeedback): Promise<string> {
    const id = input.id === undefined ? newId() : validateId(input.id);
    const topic = validateTopic(input.topic);
    const context = requireText(input.context, 'context', BODY);
    const predicted = requireText(input.predicted, 'predicted', BODY);
    const corrected = requireText(input.corrected, 'corrected', BODY);
    const reason = optionalText(input.reason, 'reason', BODY);
    const source = optionalText(input.source, 'source', { maxBytes: 256 }) ?? '';
    await this.tables.ensure();
    await this.conn.run(`INSERT OR IGNORE INTO feedback (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`, [
      id,
      topic,
      context,
      predicted,
      corrected,
      reason,
      source,
      icmNow(),
    ]);
    return id;
  }

  async get(id: string): Promise<Feedback | null> {
    await this.tables.ensure();
    const rows = await this.conn.query(`SELECT ${COLS} FROM feedback WHERE id = ?`, [validateId(id)]);
    return rows[0] ? rowToFeedback(rows[0]) : null;
  }

  /** Feedback matching every term of `query`, newest first; a query with no searchable word lists instead. */
  async search(query: string, opts: { topic?: string | null; limit?: number } = {}): Promise<Feedback[]> {
    const limit = limitArg(opts.limit, 5, MAX_FEEDBACK_LIMIT);
    const fts = buildFtsQuery(typeof query === 'string' ? query : '');
    if (!fts) return this.list({ topic: opts.topic, limit });
    await this.tables.ensure();
    const topic = opts.topic ?? null;
    const rows = await this.conn.query(
      `SELECT ${COLS} FROM feedback
       WHERE id IN (SELECT id FROM feedback_fts WHERE feedback_fts MATCH ?)
         AND (? IS NULL OR topic = ?)
       ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      [fts.all, topic, topic, limit],
    );
    return rows.map(rowToFeedback);
  }

  /** Newest first, optionally one topic's. */
  async list(opts: { topic?: string | null; limit?: number } = {}): Promise<Feedback[]> {
    const limit = limitArg(opts.limit, 50, MAX_FEEDBACK_LIMIT);
    await this.tables.ensure();
    const topic = opts.topic ?? null;
    const rows = await this.conn.query(
      `SELECT ${COLS} FROM feedback WHERE (? IS NULL OR topic = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      [topic, topic, limit],
    );
    return rows.map(rowToFeedback);
  }

  /** Counts one more use of a correction; NotFoundError when there is no such feedback. */
  async incrementApplied(id: string): Promise<void> {
    const fid = validateId(id);
    await this.tables.ensure();
    const n = await this.conn.run(`UPDATE feedback SET applied_count = applied_count + 1 WHERE id = ?`, [fid]);
    if (n === 0) throw new NotFoundError(`feedback ${fid} not found`);
  }

  async delete(id: string): Promise<void> {
    const fid = validateId(id);
    await this.tables.ensure();
    const n = await this.conn.run(`DELETE FROM feedback WHERE id = ?`, [fid]);
    if (n === 0) throw new NotFoundError(`feedback ${fid} not found`);
  }

  /** ICM's feedback stats, in one statement. */
  async stats(): Promise<FeedbackStats> {
    await this.tables.ensure();
    const [r] = await this.conn.query(
      `SELECT (SELECT COUNT(*) FROM feedback) AS total,
         (SELECT json_group_array(json_array(topic, n)) FROM
           (SELECT topic, COUNT(*) AS n FROM feedback GROUP BY topic ORDER BY n DESC, topic ASC)) AS by_topic,
         (SELECT json_group_array(json_array(id, applied_count)) FROM
           (SELECT id, applied_count FROM feedback WHERE applied_count > 0
            ORDER BY applied_count DESC, id ASC LIMIT 10)) AS most_applied`,
    );
    return {
      total: num(r?.total),
      byTopic: JSON.parse(str(r?.by_topic) || '[]') as [string, number][],
      mostApplied: JSON.parse(str(r?.most_applied) || '[]') as [string, number][],
    };
  }
}
