/**
 * Facts: exact `(entity, key) → value` slots with a supersession history (ICM's `facts` table,
 * issue #273, icm-reference §2.9). Setting a new value marks the active row superseded and inserts
 * a new active row; setting the same value again changes nothing. Each set is one atomic batch (one
 * round trip on a remote), so concurrent writers never leave two active rows or none.
 */
import { type IcmConn, icmNow, limitArg, num, requireText, type Row, str, strOrNull, TableGuard } from './icmTables';
import { newId, validateId } from './model';

export interface Fact {
  id: string;
  entity: string;
  key: string;
  value: string;
  source: string;
  createdAt: string;
  /** null while active; when a newer value took over the slot. */
  supersededAt: string | null;
}

export interface FactsStats {
  /** Slots with an active value. */
  activeCount: number;
  /** Rows, history included. */
  totalCount: number;
  /** Entities with at least one active fact. */
  distinctEntities: number;
  /** The 10 entities with the most active facts. */
  topEntities: [string, number][];
}

export interface SetFactResult {
  /** The active row's id after the call. */
  id: string;
  /** created: a first value; superseded: a new value replaced another; unchanged: same value as before. */
  action: 'created' | 'superseded' | 'unchanged';
}

const NAME = { maxBytes: 1024 };
const COLS = 'id, entity, key, value, source, created_at, superseded_at';

function rowToFact(r: Row): Fact {
  return {
    id: str(r.id),
    entity: str(r.entity),
    key: str(r.key),
    value: str(r.value),
    source: str(r.source),
    createdAt: str(r.created_at),
    supersededAt: strOrNull(r.superseded_at),
  };
}

export class FactsStore {
  private readonly tables: TableGuard;
  constructor(private readonly conn: IcmConn) {
    this.tables = new TableGuard(conn, 'facts');
  }

  /**
   * Sets a slot's value. `id` (a ULID) makes a retried call land once: if a row with it exists, the
   * call changes nothing, even if a later writer has superseded it since.
   */
  async set(
    entity: string,
    key: string,
    value: string,
    opts: { source?: string | null; id?: string } = {},
  ): Promise<SetFactResult> {
    const e = requireText(entity, 'entity', NAME);
    const k = requireText(key, 'key', NAME);
    const v = requireText(value, 'value', { maxBytes: 65_536, allowBlank: true });
    const source = opts.source == null ? '' : requireText(opts.source, 'source', { maxBytes: 256, allowBlank: true });
    const id = opts.id === undefined ? newId() : validateId(opts.id);
    await this.tables.ensure();
    const now = icmNow();
    const [superseded, inserted, active] = await this.conn.batch([
      {
        sql: `UPDATE facts SET superseded_at = ?
              WHERE entity = ? AND key = ? AND superseded_at IS NULL AND value IS NOT ?
                AND NOT EXISTS (SELECT 1 FROM facts WHERE id = ?)
              RETURNING id`,
        args: [now, e, k, v, id],
      },
      // The partial unique index turns "same value already active" into an ignored insert.
      {
        sql: `INSERT OR IGNORE INTO facts (${COLS}) VALUES (?, ?, ?, ?, ?, ?, NULL) RETURNING id`,
        args: [id, e, k, v, source, now],
      },
      { sql: `SELECT id FROM facts WHERE entity = ? AND key = ? AND superseded_at IS NULL`, args: [e, k] },
    ]);
    const activeId = str(active[0]?.id ?? id);
    const action = inserted.length === 0 ? 'unchanged' : superseded.length ? 'superseded' : 'created';
    return { id: activeId, action };
  }

  /** The active value of a slot, or null. */
  async get(entity: string, key: string): Promise<Fact | null> {
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT ${COLS} FROM facts WHERE entity = ? AND key = ? AND superseded_at IS NULL`,
      [requireText(entity, 'entity', NAME), requireText(key, 'key', NAME)],
    );
    return rows[0] ? rowToFact(rows[0]) : null;
  }

  /**
   * An entity's active facts by key. `keyPrefix` keeps keys that start with it exactly (case and
   * `%`/`_` included; ICM's LIKE folds ASCII case and treats `%`/`_` as wildcards).
   */
  async list(entity: string, opts: { keyPrefix?: string | null } = {}): Promise<Fact[]> {
    const e = requireText(entity, 'entity', NAME);
    const prefix = opts.keyPrefix ? requireText(opts.keyPrefix, 'key prefix', NAME) : '';
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT ${COLS} FROM facts
       WHERE entity = ? AND superseded_at IS NULL AND substr(key, 1, length(?)) = ?
       ORDER BY key ASC`,
      [e, prefix, prefix],
    );
    return rows.map(rowToFact);
  }

  /** Every value a slot had, newest first. */
  async history(entity: string, key: string): Promise<Fact[]> {
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT ${COLS} FROM facts WHERE entity = ? AND key = ? ORDER BY created_at DESC, rowid DESC`,
      [requireText(entity, 'entity', NAME), requireText(key, 'key', NAME)],
    );
    return rows.map(rowToFact);
  }

  /** Deletes a slot with its history; returns the number of rows deleted (0: no such slot). */
  async forget(entity: string, key: string): Promise<number> {
    const e = requireText(entity, 'entity', NAME);
    const k = requireText(key, 'key', NAME);
    await this.tables.ensure();
    return this.conn.run(`DELETE FROM facts WHERE entity = ? AND key = ?`, [e, k]);
  }

  /** Every entity with an active fact and how many, by entity (for a browser). */
  async entities(opts: { limit?: number } = {}): Promise<[string, number][]> {
    const limit = limitArg(opts.limit, 1000, 100_000);
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT entity, COUNT(*) AS n FROM facts WHERE superseded_at IS NULL GROUP BY entity ORDER BY entity LIMIT ?`,
      [limit],
    );
    return rows.map((r) => [str(r.entity), num(r.n)]);
  }

  async stats(): Promise<FactsStats> {
    await this.tables.ensure();
    const [r] = await this.conn.query(
      `SELECT (SELECT COUNT(*) FROM facts WHERE superseded_at IS NULL) AS active,
         (SELECT COUNT(*) FROM facts) AS total,
         (SELECT COUNT(DISTINCT entity) FROM facts WHERE superseded_at IS NULL) AS entities,
         (SELECT json_group_array(json_array(entity, n)) FROM
           (SELECT entity, COUNT(*) AS n FROM facts WHERE superseded_at IS NULL
            GROUP BY entity ORDER BY n DESC, entity ASC LIMIT 10)) AS top`,
    );
    return {
      activeCount: num(r?.active),
      totalCount: num(r?.total),
      distinctEntities: num(r?.entities),
      topEntities: JSON.parse(str(r?.top) || '[]') as [string, number][],
    };
  }
}
