/**
 * Code areas: which files agents edited, how often and when (ICM's `code_areas`, issue #196,
 * icm-reference §2.11). One row per `(project, file_path)`; a touch inserts it or bumps
 * `touch_count` in one statement (ON CONFLICT), so concurrent touches from several processes all count.
 */
import { InvalidInputError } from './errors';
import {
  type IcmConn,
  icmNow,
  icmTime,
  limitArg,
  num,
  optionalText,
  requireText,
  type Row,
  str,
  strOrNull,
  TableGuard,
} from './icmTables';

export interface CodeArea {
  id: number;
  project: string;
  filePath: string;
  description: string | null;
  sessionId: string | null;
  toolName: string | null;
  touchCount: number;
  firstTouchedAt: string;
  lastTouchedAt: string;
}

export interface CodeAreaTouch {
  project: string;
  filePath: string;
  /** Replaces the stored description only when given (ICM keeps the last meaningful hint). */
  description?: string | null;
  sessionId?: string | null;
  toolName?: string | null;
}

export interface CodeAreaQuery {
  project?: string | null;
  /** The exact path, or a suffix after a `/` (`store.ts` finds `src/store/store.ts`). */
  inFile?: string | null;
  /** Only areas touched at or after this time. */
  since?: Date | null;
  limit?: number;
}

/** What agents did to one file: the sum over its rows (one per project it was recorded under). */
export interface FileActivity {
  touchCount: number;
  /** Null when no agent touched the file. */
  lastTouchedAt: string | null;
  areas: CodeArea[];
}

const NAME = { maxBytes: 1024, oneLine: true };
const PATH = { maxBytes: 4096, oneLine: true };
const SHORT = { maxBytes: 256, allowBlank: true, oneLine: true };
const COLS =
  'id, project, file_path, description, session_id, tool_name, touch_count, first_touched_at, last_touched_at';

function rowToArea(r: Row): CodeArea {
  return {
    id: num(r.id),
    project: str(r.project),
    filePath: str(r.file_path),
    description: strOrNull(r.description),
    sessionId: strOrNull(r.session_id),
    toolName: strOrNull(r.tool_name),
    touchCount: num(r.touch_count),
    firstTouchedAt: str(r.first_touched_at),
    lastTouchedAt: str(r.last_touched_at),
  };
}

const UPSERT = `INSERT INTO code_areas (project, file_path, description, session_id, tool_name, touch_count,
    first_touched_at, last_touched_at)
  VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6)
  ON CONFLICT(project, file_path) DO UPDATE SET
    touch_count = touch_count + 1,
    last_touched_at = MAX(last_touched_at, excluded.last_touched_at),
    session_id = COALESCE(excluded.session_id, session_id),
    tool_name = COALESCE(excluded.tool_name, tool_name),
    description = COALESCE(excluded.description, description)`;

export class CodeAreaStore {
  private readonly tables: TableGuard;
  constructor(private readonly conn: IcmConn) {
    this.tables = new TableGuard(conn, 'codeAreas');
  }

  /** Records that a file was edited (ICM's `upsert_code_area`). */
  async touch(t: CodeAreaTouch): Promise<void> {
    await this.touchMany([t]);
  }

  /** Several touches in one atomic batch (one round trip on a remote). */
  async touchMany(touches: CodeAreaTouch[]): Promise<void> {
    if (!Array.isArray(touches)) throw new InvalidInputError('touches must be a list');
    const stmts = touches.map((t) => {
      if (!t || typeof t !== 'object') throw new InvalidInputError('a code area touch must be an object');
      const args = [
        requireText(t.project, 'project', NAME),
        requireText(t.filePath, 'file_path', PATH),
        optionalText(t.description, 'description', { maxBytes: 4096 }),
        optionalText(t.sessionId, 'session_id', SHORT),
        optionalText(t.toolName, 'tool_name', SHORT),
        icmNow(),
      ];
      return { sql: UPSERT, args };
    });
    if (!stmts.length) return;
    await this.tables.ensure();
    await this.conn.batchRun(stmts);
  }

  /** Most recently touched first (ICM's `list_code_areas`). */
  async list(q: CodeAreaQuery = {}): Promise<CodeArea[]> {
    const project = optionalText(q.project, 'project', NAME);
    const inFile = q.inFile ? requireText(q.inFile, 'file', PATH) : null;
    const since = q.since ? icmTime(q.since) : null;
    const limit = limitArg(q.limit, 50, 100_000);
    await this.tables.ensure();
    // A suffix match by substr, not ICM's LIKE '%/x': no wildcard in a file name, no case folding.
    const rows = await this.conn.query(
      `SELECT ${COLS} FROM code_areas
       WHERE (?1 IS NULL OR project = ?1)
         AND (?2 IS NULL OR file_path = ?2 OR substr(file_path, -length('/' || ?2)) = '/' || ?2)
         AND (?3 IS NULL OR last_touched_at >= ?3)
       ORDER BY last_touched_at DESC, id DESC LIMIT ?4`,
      [project, inFile, since, limit],
    );
    return rows.map(rowToArea);
  }

  /** Number of areas (files), optionally in one project. */
  async count(project?: string | null): Promise<number> {
    const p = optionalText(project, 'project', NAME);
    await this.tables.ensure();
    const [r] = await this.conn.query(`SELECT COUNT(*) AS n FROM code_areas WHERE (? IS NULL OR project = ?)`, [p, p]);
    return num(r?.n);
  }

  /** The files agents touched most, most touches first (ties: most recent first). */
  async mostTouched(q: { project?: string | null; limit?: number } = {}): Promise<CodeArea[]> {
    const project = optionalText(q.project, 'project', NAME);
    const limit = limitArg(q.limit, 20, 10_000);
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT ${COLS} FROM code_areas WHERE (?1 IS NULL OR project = ?1)
       ORDER BY touch_count DESC, last_touched_at DESC, id DESC LIMIT ?2`,
      [project, limit],
    );
    return rows.map(rowToArea);
  }

  /**
   * One file's activity: the rows whose project is one of `projects` and whose path is one of `paths`
   * (a file may be recorded relative to its project or absolute). Index lookups on
   * UNIQUE(project, file_path) only, so the cost does not grow with the table.
   */
  async forFile(q: { projects: string[]; paths: string[] }): Promise<FileActivity> {
    if (!Array.isArray(q?.projects) || !Array.isArray(q.paths))
      throw new InvalidInputError('projects and paths must be lists');
    const projects = q.projects.slice(0, 8).map((p) => requireText(p, 'project', NAME));
    const paths = q.paths.slice(0, 8).map((p) => requireText(p, 'file_path', PATH));
    if (!projects.length || !paths.length) return { touchCount: 0, lastTouchedAt: null, areas: [] };
    await this.tables.ensure();
    const rows = await this.conn.query(
      `SELECT ${COLS} FROM code_areas
       WHERE project IN (SELECT value FROM json_each(?1)) AND file_path IN (SELECT value FROM json_each(?2))
       ORDER BY last_touched_at DESC, id DESC`,
      [JSON.stringify(projects), JSON.stringify(paths)],
    );
    const areas = rows.map(rowToArea);
    return {
      touchCount: areas.reduce((n, a) => n + a.touchCount, 0),
      lastTouchedAt: areas[0]?.lastTouchedAt ?? null,
      areas,
    };
  }

  /** A cheap value that changes when any writer touches a file (a new row, or a bump of the newest time). */
  async changeMarker(): Promise<string> {
    await this.tables.ensure();
    const [r] = await this.conn.query(
      `SELECT COUNT(*) AS n, TOTAL(touch_count) AS c, MAX(last_touched_at) AS t FROM code_areas`,
    );
    return `${num(r?.n)}:${num(r?.c)}:${str(r?.t)}`;
  }
}
