/**
 * The change feed: a cheap value that changes when any writer changes memories, polled by the
 * extension's ChangeWatcher, the sidebar and the MCP server.
 */
import type { Conn } from './conn';

export class ChangeFeed {
  private localWrites = 0;

  constructor(private readonly conn: Conn) {}

  /** A write this process committed (local data_version only moves for other connections' commits). */
  noteWrite(): void {
    this.localWrites++;
  }

  /**
   * Local: SQLite's data_version (other connections) + this process's own writes. Remote/replica:
   * the trigger-maintained counter of deletes and edits, and the highest rowid (every insert raises
   * it), in one statement.
   */
  async marker(): Promise<string> {
    if (this.conn.mode === 'local') return `${await this.conn.dataVersion()}:${this.localWrites}`;
    const rows = await this.conn.query(
      `SELECT (SELECT value FROM mnemos_state WHERE key = 'change_seq') AS seq,
              (SELECT MAX(rowid) FROM memories) AS top`,
    );
    return `${Number(rows[0]?.seq ?? 0)}:${Number(rows[0]?.top ?? 0)}:${this.localWrites}`;
  }
}
