/**
 * ICM's memoirs (knowledge graphs of concepts and typed links) over any `Conn`: a local file, sqld or
 * an embedded replica. Semantics are ICM's `MemoirStore` (icm-reference §2.7); where ICM has a flaw
 * (lost concurrent refinements, caps on listings, a cycle check racing other writers) this does better,
 * as docs/MEMOIRS.md lists.
 *
 * Addressing: a memoir is given by id or name, a concept by id or name within its memoir, so every
 * operation an agent or the UI makes is one statement and one round trip on a remote.
 *
 * Why the graph stays a DAG with many writers: a link is one `INSERT … SELECT … WHERE NOT EXISTS
 * (recursive reachability from the target back to the source)`, sent as an atomic write batch. A
 * write batch runs under SQLite's single writer lock taken before it reads: `BEGIN IMMEDIATE` on a
 * local file (the lock is taken at BEGIN, so no other commit can land between the reachability read
 * and the insert), and a `BEGIN IMMEDIATE` batch on sqld, which serialises all writers of a database
 * the same way; replicas send writes to the primary. Two links A→B and B→A added at once therefore run
 * one after the other, and the second sees the first and is rejected. A deferred transaction that read
 * first and upgraded to write after another commit would get SQLITE_BUSY_SNAPSHOT instead of writing
 * on a stale read (test/store/memoirs-dag.test.ts shows it); the Conn retries that as busy.
 */
import { buildFtsQuery } from '../fts';
import type { Conn, Row, SqlArg, Stmt } from '../conn';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { str } from '../values';
import { newId, nowRfc3339, parseJsonList } from '../model';
import { ensureMemoirSchema, MEMOIR_SEQ_KEY } from './schema';
import {
  type Concept,
  CONCEPT_COLS,
  type ConceptLink,
  formatLabel,
  isLabel,
  type Label,
  labelsJson,
  LINK_COLS,
  type Memoir,
  MEMOIR_COLS,
  type MemoirStats,
  type MemoirSummary,
  parseLabel,
  parseRelation,
  type Relation,
  rowToConcept,
  rowToLink,
  rowToMemoir,
  validateConfidence,
  validateDefinition,
  validateDescription,
  validateLabels,
  validateName,
  validateRef,
  validateWeight,
} from './model';
import { type ExportFormat, renderExport } from './export';
import {
  detectPatterns,
  type PatternCluster,
  patternConcept,
  type TopicMemory,
  type TopicMemoryReader,
} from './patterns';
import { learnPlan, type LearnResult } from './learn';

export interface NewConcept {
  name: string;
  definition: string;
  labels?: Label[] | string[] | string;
  confidence?: number;
  sourceMemoryIds?: string[];
  /** Caller-chosen ULID, so a retried write lands once. */
  id?: string;
}

export interface ConceptPatch {
  name?: string;
  definition?: string;
  labels?: Label[] | string[] | string;
  confidence?: number;
}

export interface LinkOptions {
  weight?: number;
  /** Caller-chosen ULID, so a retried write lands once. */
  id?: string;
}

export interface Neighborhood {
  /** The root first, then the others by distance and name. */
  concepts: (Concept & { depth: number })[];
  /** Every link touching a concept closer than `depth`, each once. */
  links: ConceptLink[];
}

export interface DistillResult {
  memories: number;
  created: Concept[];
  refined: Concept[];
  /** Memories already distilled into their concept before (a second run changes nothing). */
  unchanged: number;
}

export interface ExtractResult {
  clusters: PatternCluster[];
  /** Per cluster, when a memoir was given: the concept made or refined. */
  concepts: { concept: Concept; action: 'created' | 'refined' | 'unchanged' }[];
}

export const MAX_SEARCH_LIMIT = 100;
export const MAX_DEPTH = 5;

/** A memoir by id (preferred) or by name; `?${n}` is the reference. */
const memoirBy = (n: number) =>
  `SELECT x FROM (SELECT COALESCE((SELECT id FROM memoirs WHERE id = ?${n}), (SELECT id FROM memoirs WHERE name = ?${n})) AS x)
   WHERE x IS NOT NULL`;
/** A concept of memoir `m` (a CTE) by id (preferred) or by name. */
const conceptBy = (n: number) => `SELECT x FROM (SELECT COALESCE(
    (SELECT id FROM concepts WHERE id = ?${n} AND memoir_id = (SELECT id FROM m)),
    (SELECT id FROM concepts WHERE memoir_id = (SELECT id FROM m) AND name = ?${n})) AS x) WHERE x IS NOT NULL`;
const VALID_LIST = (col: string) =>
  `CASE WHEN json_valid(${col}) AND json_type(${col}) = 'array' THEN ${col} ELSE '[]' END`;
/** `old` ids in order, then the new ones not already there (ICM's union), as a JSON array. */
const UNION_IDS = (old: string, added: string) => `(SELECT json_group_array(value) FROM (
    SELECT value FROM json_each(${VALID_LIST(old)})
    UNION ALL
    SELECT value FROM (SELECT DISTINCT value FROM json_each(${added}))
      WHERE value NOT IN (SELECT value FROM json_each(${VALID_LIST(old)}))))`;

const clampLimit = (limit: number | undefined, dflt: number) =>
  Math.max(1, Math.min(MAX_SEARCH_LIMIT, Math.floor(Number.isFinite(limit) ? Number(limit) : dflt)));

function constraintOf(e: unknown): string {
  const msg = String((e as Error)?.message ?? e);
  const m = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/.exec(msg);
  if (m) return m[1];
  if (/FOREIGN KEY constraint failed/.test(msg)) return 'foreign_key';
  if (/CHECK constraint failed/.test(msg)) return 'check';
  return '';
}

export class MemoirStore {
  private ready?: Promise<void>;

  /**
   * `readTopic` reads a topic's memories for distill and extract-patterns; by default they are read
   * from ICM's `memories` table on the same connection (weight first, as ICM's `get_by_topic`).
   */
  constructor(
    readonly conn: Conn,
    private readonly readTopic?: TopicMemoryReader,
  ) {}

  /** Creates ICM's memoir tables if missing (idempotent; also done lazily by the first call). */
  init(): Promise<void> {
    this.ready ??= ensureMemoirSchema(this.conn).catch((e) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /** One atomic write batch (one round trip on a remote). */
  private async write(stmts: Stmt[]): Promise<Row[][]> {
    await this.init();
    return this.conn.batch(stmts);
  }
  private async read(sql: string, args?: SqlArg[]): Promise<Row[]> {
    await this.init();
    return this.conn.query(sql, args);
  }

  // ------------------------------------------------------------------------------------- memoirs

  async createMemoir(name: string, description = '', opts: { id?: string } = {}): Promise<Memoir> {
    const n = validateName(name, 'memoir name');
    const d = validateDescription(description);
    const id = opts.id ? validateRef(opts.id, 'memoir id') : newId();
    const now = nowRfc3339();
    try {
      const [rows] = await this.write([
        {
          sql: `INSERT INTO memoirs (${MEMOIR_COLS}) VALUES (?, ?, ?, ?, ?, 50) RETURNING ${MEMOIR_COLS}`,
          args: [id, n, d, now, now],
        },
      ]);
      return rowToMemoir(rows[0]);
    } catch (e) {
      const c = constraintOf(e);
      if (c === 'memoirs.id') {
        const again = await this.getMemoir(id); // a retried write whose first attempt landed
        if (again && again.name === n) return again;
      }
      if (c === 'memoirs.name' || c === 'memoirs.id') throw new ConflictError(`a memoir named '${n}' already exists`);
      throw e;
    }
  }

  /** By id or name. */
  async getMemoir(ref: string): Promise<Memoir | null> {
    const rows = await this.read(`SELECT ${MEMOIR_COLS} FROM memoirs WHERE id = (${memoirBy(1)})`, [
      validateRef(ref, 'memoir'),
    ]);
    return rows[0] ? rowToMemoir(rows[0]) : null;
  }

  private async requireMemoir(ref: string): Promise<Memoir> {
    const m = await this.getMemoir(ref);
    if (!m) throw new NotFoundError(`memoir not found: ${ref}`);
    return m;
  }

  async updateMemoir(ref: string, patch: { name?: string; description?: string }): Promise<Memoir> {
    const name = patch.name === undefined ? null : validateName(patch.name, 'memoir name');
    const desc = patch.description === undefined ? null : validateDescription(patch.description);
    try {
      const [rows] = await this.write([
        {
          sql: `UPDATE memoirs SET name = COALESCE(?2, name), description = COALESCE(?3, description), updated_at = ?4
                WHERE id = (${memoirBy(1)}) RETURNING ${MEMOIR_COLS}`,
          args: [validateRef(ref, 'memoir'), name, desc, nowRfc3339()],
        },
      ]);
      if (!rows[0]) throw new NotFoundError(`memoir not found: ${ref}`);
      return rowToMemoir(rows[0]);
    } catch (e) {
      if (constraintOf(e) === 'memoirs.name') throw new ConflictError(`a memoir named '${name}' already exists`);
      throw e;
    }
  }

  /** Deletes the memoir, its concepts and their links (ICM's cascade, also without foreign keys on). */
  async deleteMemoir(ref: string): Promise<void> {
    const r = validateRef(ref, 'memoir');
    const res = await this.write(deleteMemoirStmts(r));
    if (!res[res.length - 1][0]) throw new NotFoundError(`memoir not found: ${ref}`);
  }

  /** Every memoir by name with its concept count (ICM caps this at 500; Mnemos does not). */
  async listMemoirs(): Promise<MemoirSummary[]> {
    const rows = await this.read(
      `SELECT ${MEMOIR_COLS}, (SELECT COUNT(*) FROM concepts c WHERE c.memoir_id = memoirs.id) AS concept_count
       FROM memoirs ORDER BY name`,
    );
    return rows.map((r) => ({ ...rowToMemoir(r), conceptCount: Number(r.concept_count) }));
  }

  // ------------------------------------------------------------------------------------ concepts

  async addConcept(memoir: string, input: NewConcept): Promise<Concept> {
    const m = validateRef(memoir, 'memoir');
    const name = validateName(input?.name, 'concept name');
    const def = validateDefinition(input.definition);
    const labels = validateLabels(input.labels);
    const confidence = input.confidence === undefined ? 0.5 : validateConfidence(input.confidence);
    const sources = sourceIds(input.sourceMemoryIds);
    const id = input.id ? validateRef(input.id, 'concept id') : newId();
    const now = nowRfc3339();
    try {
      const [rows] = await this.write([
        {
          sql: `WITH m(id) AS (${memoirBy(1)})
                INSERT INTO concepts (${CONCEPT_COLS})
                SELECT ?2, m.id, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?8 FROM m RETURNING ${CONCEPT_COLS}`,
          args: [m, id, name, def, labelsJson(labels), confidence, now, JSON.stringify(sources)],
        },
      ]);
      if (!rows[0]) throw new NotFoundError(`memoir not found: ${memoir}`);
      return rowToConcept(rows[0]);
    } catch (e) {
      const c = constraintOf(e);
      if (c === 'concepts.id') {
        const again = await this.getConceptById(id);
        if (again && again.name === name) return again; // a retried write whose first attempt landed
      }
      if (c === 'concepts.memoir_id, concepts.name' || c === 'concepts.id') {
        throw new ConflictError(`concept '${name}' already exists in memoir '${memoir}'`);
      }
      throw e;
    }
  }

  async getConceptById(id: string): Promise<Concept | null> {
    const rows = await this.read(`SELECT ${CONCEPT_COLS} FROM concepts WHERE id = ?`, [validateRef(id, 'concept id')]);
    return rows[0] ? rowToConcept(rows[0]) : null;
  }

  /** A concept of a memoir by id or name. */
  async getConcept(memoir: string, concept: string): Promise<Concept | null> {
    const rows = await this.read(
      `WITH m(id) AS (${memoirBy(1)}) SELECT ${CONCEPT_COLS} FROM concepts WHERE id = (${conceptBy(2)})`,
      [validateRef(memoir, 'memoir'), validateRef(concept, 'concept')],
    );
    return rows[0] ? rowToConcept(rows[0]) : null;
  }

  /** Which of memoir / concept is missing, for a write that changed nothing. */
  private async missing(memoir: string, concepts: string[]): Promise<NotFoundError> {
    if (!(await this.getMemoir(memoir))) return new NotFoundError(`memoir not found: ${memoir}`);
    for (const c of concepts) {
      if (!(await this.getConcept(memoir, c)))
        return new NotFoundError(`concept not found: ${c} (in memoir '${memoir}')`);
    }
    return new NotFoundError(`concept not found: ${concepts.join(', ')} (in memoir '${memoir}')`);
  }

  async updateConcept(memoir: string, concept: string, patch: ConceptPatch): Promise<Concept> {
    const name = patch.name === undefined ? null : validateName(patch.name, 'concept name');
    const def = patch.definition === undefined ? null : validateDefinition(patch.definition);
    const labels = patch.labels === undefined ? null : labelsJson(validateLabels(patch.labels));
    const conf = patch.confidence === undefined ? null : validateConfidence(patch.confidence);
    try {
      const [rows] = await this.write([
        {
          sql: `WITH m(id) AS (${memoirBy(1)})
                UPDATE concepts SET name = COALESCE(?3, name), definition = COALESCE(?4, definition),
                  labels = COALESCE(?5, labels), confidence = COALESCE(?6, confidence), updated_at = ?7
                WHERE id = (${conceptBy(2)}) RETURNING ${CONCEPT_COLS}`,
          args: [validateRef(memoir, 'memoir'), validateRef(concept, 'concept'), name, def, labels, conf, nowRfc3339()],
        },
      ]);
      if (!rows[0]) throw await this.missing(memoir, [concept]);
      return rowToConcept(rows[0]);
    } catch (e) {
      if (constraintOf(e) === 'concepts.memoir_id, concepts.name') {
        throw new ConflictError(`concept '${name}' already exists in memoir '${memoir}'`);
      }
      throw e;
    }
  }

  /**
   * ICM's refinement: new definition, revision + 1, confidence + 0.1 up to 1.0, source memory ids
   * unioned. One statement, so two agents refining at once both count (ICM reads then writes).
   */
  async refineConcept(
    memoir: string,
    concept: string,
    definition: string,
    newSourceIds: string[] = [],
  ): Promise<Concept> {
    const def = validateDefinition(definition);
    const [rows] = await this.write([
      {
        sql: `WITH m(id) AS (${memoirBy(1)})
              UPDATE concepts SET definition = ?3, revision = revision + 1, confidence = MIN(confidence + 0.1, 1.0),
                updated_at = ?4, source_memory_ids = ${UNION_IDS('source_memory_ids', '?5')}
              WHERE id = (${conceptBy(2)}) RETURNING ${CONCEPT_COLS}`,
        args: [
          validateRef(memoir, 'memoir'),
          validateRef(concept, 'concept'),
          def,
          nowRfc3339(),
          JSON.stringify(sourceIds(newSourceIds)),
        ],
      },
    ]);
    if (!rows[0]) throw await this.missing(memoir, [concept]);
    return rowToConcept(rows[0]);
  }

  /** Deletes a concept and its links. */
  async deleteConcept(memoir: string, concept: string): Promise<void> {
    const args = [validateRef(memoir, 'memoir'), validateRef(concept, 'concept')];
    const target = `(WITH m(id) AS (${memoirBy(1)}) ${conceptBy(2)})`;
    const res = await this.write([
      { sql: `DELETE FROM concept_links WHERE source_id = ${target} OR target_id = ${target}`, args },
      { sql: `DELETE FROM concepts WHERE id = ${target} RETURNING id`, args },
    ]);
    if (!res[1][0]) throw await this.missing(memoir, [concept]);
  }

  /** Every concept of a memoir by name (ICM caps this at 1,000; Mnemos does not). */
  async listConcepts(memoir: string): Promise<Concept[]> {
    const rows = await this.read(
      `WITH m(id) AS (${memoirBy(1)}) SELECT ${CONCEPT_COLS} FROM concepts WHERE memoir_id = (SELECT id FROM m) ORDER BY name`,
      [validateRef(memoir, 'memoir')],
    );
    if (!rows.length) await this.requireMemoir(memoir);
    return rows.map(rowToConcept);
  }

  /**
   * Full-text search of a memoir's concepts (name, definition, labels). Any text is safe: every term
   * is quoted (src/store/fts.ts), all must match (ICM's semantics). ICM's order, confidence first,
   * then BM25. With `label`, concepts carrying it, filtered by `query` as a substring (ICM's label mode).
   */
  async searchConcepts(
    memoir: string,
    query: string,
    opts: { limit?: number; label?: string | Label } = {},
  ): Promise<Concept[]> {
    const limit = clampLimit(opts.limit, 10);
    if (opts.label !== undefined) {
      const label = typeof opts.label === 'string' ? parseLabel(opts.label) : validateLabels([opts.label])[0];
      const hits = await this.searchByLabel(memoir, label, Number.MAX_SAFE_INTEGER);
      const q = (typeof query === 'string' ? query : '').toLowerCase();
      return hits
        .filter((c) => !q || c.name.toLowerCase().includes(q) || c.definition.toLowerCase().includes(q))
        .slice(0, limit);
    }
    const m = validateRef(memoir, 'memoir');
    const fts = buildFtsQuery(typeof query === 'string' ? query : '');
    if (!fts) {
      await this.requireMemoir(m);
      return [];
    }
    const rows = await this.read(
      `WITH m(id) AS (${memoirBy(1)})
       SELECT ${prefixed('c', CONCEPT_COLS)} FROM concepts_fts f JOIN concepts c ON c.rowid = f.rowid
       WHERE concepts_fts MATCH ?2 AND c.memoir_id = (SELECT id FROM m)
       ORDER BY c.confidence DESC, f.rank LIMIT ?3`,
      [m, fts.all, limit],
    );
    if (!rows.length) await this.requireMemoir(m);
    return rows.map(rowToConcept);
  }

  /** Full-text search across every memoir; each hit carries its memoir's name. */
  async searchAllConcepts(query: string, opts: { limit?: number } = {}): Promise<(Concept & { memoirName: string })[]> {
    const fts = buildFtsQuery(typeof query === 'string' ? query : '');
    if (!fts) return [];
    const rows = await this.read(
      `SELECT ${prefixed('c', CONCEPT_COLS)}, mm.name AS memoir_name
       FROM concepts_fts f JOIN concepts c ON c.rowid = f.rowid JOIN memoirs mm ON mm.id = c.memoir_id
       WHERE concepts_fts MATCH ?1 ORDER BY c.confidence DESC, f.rank LIMIT ?2`,
      [fts.all, clampLimit(opts.limit, 10)],
    );
    return rows.map((r) => ({ ...rowToConcept(r), memoirName: String(r.memoir_name) }));
  }

  /**
   * Concepts carrying a label (`ns:value`; no colon = namespace `tag`), by confidence. Exact match on
   * the parsed JSON (ICM matches a LIKE pattern, where `%` and `_` in the label are wildcards).
   */
  async searchByLabel(memoir: string, label: string | Label, limit = 10): Promise<Concept[]> {
    const l = typeof label === 'string' ? parseLabel(label) : validateLabels([label])[0];
    if (!l) throw new InvalidInputError('label must not be empty');
    const rows = await this.read(
      `WITH m(id) AS (${memoirBy(1)})
       SELECT ${CONCEPT_COLS} FROM concepts WHERE memoir_id = (SELECT id FROM m) AND EXISTS (
         SELECT 1 FROM json_each(${VALID_LIST('labels')}) j
         WHERE json_extract(j.value, '$.namespace') = ?2 AND json_extract(j.value, '$.value') = ?3)
       ORDER BY confidence DESC, name LIMIT ?4`,
      [validateRef(memoir, 'memoir'), l.namespace, l.value, Math.max(1, Math.floor(limit))],
    );
    if (!rows.length) await this.requireMemoir(memoir);
    return rows.map(rowToConcept);
  }

  // --------------------------------------------------------------------------------------- links

  /**
   * Links `from` → `to` (concepts of `memoir`, by id or name). Rejected: a self-link
   * (InvalidInputError), an unknown memoir or concept (NotFoundError), the same
   * (source, target, relation) again or a link that would close a directed cycle (ConflictError).
   * One atomic batch: the guarded insert, and the diagnosis of a refusal in the same transaction.
   */
  async link(
    memoir: string,
    from: string,
    to: string,
    relation: Relation | (string & {}),
    opts: LinkOptions = {},
  ): Promise<ConceptLink> {
    const m = validateRef(memoir, 'memoir');
    const f = validateRef(from, 'from');
    const t = validateRef(to, 'to');
    const rel = parseRelation(relation);
    const weight = opts.weight === undefined ? 1.0 : validateWeight(opts.weight);
    const id = opts.id ? validateRef(opts.id, 'link id') : newId();
    if (f === t) throw new InvalidInputError(`self-link rejected: source and target are the same concept (${f})`);
    const args: SqlArg[] = [id, rel, weight, nowRfc3339(), m, f, t];
    const [inserted, diag] = await this.write([
      { sql: LINK_INSERT, args },
      { sql: LINK_DIAGNOSIS, args },
    ]);
    if (inserted[0]) return rowToLink(inserted[0]);
    const d = diag[0] ?? {};
    if (d.mine) {
      const [row] = await this.read(`SELECT ${LINK_COLS} FROM concept_links WHERE id = ?`, [id]);
      if (row) return rowToLink(row); // a retried write whose first attempt landed
    }
    if (!d.memoir) throw new NotFoundError(`memoir not found: ${memoir}`);
    if (!d.src) throw new NotFoundError(`concept not found: ${from} (in memoir '${memoir}')`);
    if (!d.tgt) throw new NotFoundError(`concept not found: ${to} (in memoir '${memoir}')`);
    if (d.src === d.tgt)
      throw new InvalidInputError(`self-link rejected: source and target are the same concept (${from})`);
    if (Number(d.dup)) throw new ConflictError(`link already exists: ${from} --${rel}--> ${to}`);
    throw new ConflictError(`concept link rejected: ${from} → ${to} would create a cycle in the graph`);
  }

  async deleteLink(id: string): Promise<void> {
    const [rows] = await this.write([
      { sql: `DELETE FROM concept_links WHERE id = ? RETURNING id`, args: [validateRef(id, 'link id')] },
    ]);
    if (!rows[0]) throw new NotFoundError(`link not found: ${id}`);
  }

  /** Outgoing links of a concept (by id). */
  async linksFrom(conceptId: string): Promise<ConceptLink[]> {
    const rows = await this.read(`SELECT ${LINK_COLS} FROM concept_links WHERE source_id = ? ORDER BY id`, [
      validateRef(conceptId, 'concept id'),
    ]);
    return rows.map(rowToLink);
  }

  /** Incoming links of a concept (by id). */
  async linksTo(conceptId: string): Promise<ConceptLink[]> {
    const rows = await this.read(`SELECT ${LINK_COLS} FROM concept_links WHERE target_id = ? ORDER BY id`, [
      validateRef(conceptId, 'concept id'),
    ]);
    return rows.map(rowToLink);
  }

  /** Links whose source is in the memoir (ICM caps this at 5,000; Mnemos does not). */
  async linksForMemoir(memoir: string): Promise<ConceptLink[]> {
    const rows = await this.read(
      `WITH m(id) AS (${memoirBy(1)})
       SELECT ${LINK_COLS} FROM concept_links
       WHERE source_id IN (SELECT id FROM concepts WHERE memoir_id = (SELECT id FROM m)) ORDER BY id`,
      [validateRef(memoir, 'memoir')],
    );
    return rows.map(rowToLink);
  }

  /** Concepts linked to `concept` in either direction, optionally through one relation only. */
  async neighbors(memoir: string, concept: string, relation?: Relation | (string & {})): Promise<Concept[]> {
    const rel = relation === undefined ? null : parseRelation(relation);
    const rows = await this.read(
      `WITH m(id) AS (${memoirBy(1)}), root(id) AS (${conceptBy(2)})
       SELECT ${CONCEPT_COLS} FROM concepts WHERE id IN (
         SELECT target_id FROM concept_links, root WHERE source_id = root.id AND (?3 IS NULL OR relation = ?3)
         UNION
         SELECT source_id FROM concept_links, root WHERE target_id = root.id AND (?3 IS NULL OR relation = ?3))
       ORDER BY name`,
      [validateRef(memoir, 'memoir'), validateRef(concept, 'concept'), rel],
    );
    if (!rows.length && !(await this.getConcept(memoir, concept))) throw await this.missing(memoir, [concept]);
    return rows.map(rowToConcept);
  }

  /**
   * ICM's `get_neighborhood`: breadth-first over links in both directions up to `depth` (1–5; ICM's
   * MCP tool clamps to 1–3). One recursive statement, whatever the depth (ICM: a query per concept).
   */
  async neighborhood(memoir: string, concept: string, depth = 1): Promise<Neighborhood> {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
      throw new InvalidInputError(`depth must be an integer from 1 to ${MAX_DEPTH} (got ${JSON.stringify(depth)})`);
    }
    const rows = await this.read(NEIGHBORHOOD, [validateRef(memoir, 'memoir'), validateRef(concept, 'concept'), depth]);
    const concepts: (Concept & { depth: number })[] = [];
    const links: ConceptLink[] = [];
    for (const r of rows) {
      if (r.kind === 'c') concepts.push({ ...rowToConcept(r), depth: Number(r.depth) });
      else links.push(rowToLink(r));
    }
    if (!concepts.some((c) => c.depth === 0)) throw await this.missing(memoir, [concept]);
    concepts.sort((a, b) => a.depth - b.depth || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    links.sort((a, b) => (a.id < b.id ? -1 : 1));
    return { concepts, links };
  }

  /**
   * A value that changes when any writer (another window, an agent's MCP server, ICM) adds, changes or
   * deletes a memoir, a concept or a link: `mnemos_state.memoir_seq`, kept by triggers (schema.ts). The
   * memories change marker does not see these tables on a remote store, and on a local file it moves
   * for every write. One key lookup.
   */
  async changeMarker(): Promise<string> {
    // The counter's row is written in the batch that creates its triggers: no row, no triggers.
    const [r] = await this.read(`SELECT value FROM mnemos_state WHERE key = ?`, [MEMOIR_SEQ_KEY]).catch(
      () => [], // no mnemos_state at all: a read-only file ICM made
    );
    if (r) return `seq:${Number(r.value)}`;
    // No triggers (the file refused them): counts and newest times, which miss same-millisecond edits.
    const [c] = await this.read(
      `SELECT (SELECT COUNT(*) FROM memoirs) || ':' || IFNULL((SELECT MAX(updated_at) FROM memoirs), '') || ':' ||
              (SELECT COUNT(*) FROM concepts) || ':' || IFNULL((SELECT MAX(updated_at) FROM concepts), '') || ':' ||
              (SELECT COUNT(*) FROM concept_links) || ':' || IFNULL((SELECT MAX(rowid) FROM concept_links), '') AS m`,
    );
    return `counts:${str(c?.m)}`;
  }

  // -------------------------------------------------------------------------------- stats/export

  async stats(memoir: string): Promise<MemoirStats> {
    const rows = await this.read(
      `WITH m(id) AS (${memoirBy(1)})
       SELECT (SELECT COUNT(*) FROM concepts WHERE memoir_id = m.id) AS concepts,
         (SELECT COUNT(*) FROM concept_links WHERE source_id IN (SELECT id FROM concepts WHERE memoir_id = m.id)) AS links,
         (SELECT AVG(confidence) FROM concepts WHERE memoir_id = m.id) AS avg,
         (SELECT json_group_array(labels) FROM concepts WHERE memoir_id = m.id AND labels != '[]') AS labels
       FROM m`,
      [validateRef(memoir, 'memoir')],
    );
    if (!rows[0]) throw new NotFoundError(`memoir not found: ${memoir}`);
    const r = rows[0];
    const counts = new Map<string, number>();
    for (const text of parseJsonList(r.labels)) {
      for (const l of readLabelsSafe(text)) counts.set(formatLabel(l), (counts.get(formatLabel(l)) ?? 0) + 1);
    }
    const labelCounts = [...counts]
      .map(([label, count]) => ({ label, count }))
      .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
    return {
      totalConcepts: Number(r.concepts),
      totalLinks: Number(r.links),
      avgConfidence: Number(r.avg ?? 0),
      labelCounts,
    };
  }

  /** ICM's export formats: `json` (names, not ids), `dot` (Graphviz), `ascii` (box tree), `ai` (markdown). */
  async export(memoir: string, format: ExportFormat | (string & {}) = 'json'): Promise<string> {
    if (!['json', 'dot', 'ascii', 'ai'].includes(format)) {
      throw new InvalidInputError(`unsupported format: ${format} (use 'json', 'dot', 'ascii', or 'ai')`);
    }
    const m = await this.requireMemoir(memoir);
    const [concepts, links] = await Promise.all([this.listConcepts(m.id), this.linksForMemoir(m.id)]);
    return renderExport(m, concepts, links, format as ExportFormat);
  }

  // ------------------------------------------------------------------- distill / patterns / learn

  private topicMemories(topic: string): Promise<TopicMemory[]> {
    if (typeof topic !== 'string' || !topic.trim()) throw new InvalidInputError('topic must not be empty');
    if (this.readTopic) return this.readTopic(topic);
    return this.read(`SELECT id, summary, keywords, weight FROM memories WHERE topic = ? ORDER BY weight DESC, id`, [
      topic,
    ]).then((rows) =>
      rows.map((r) => ({
        id: String(r.id),
        summary: String(r.summary),
        keywords: parseJsonList(r.keywords),
        weight: Number(r.weight ?? 1),
      })),
    );
  }

  /**
   * ICM's `memoir distill`: one concept per memory of `topic`, named by its first keyword (or
   * `<topic>-<id8>`), labelled `tag:<keyword>`; a concept that exists is refined with the memory's text
   * appended after `---`. One atomic batch of upserts; a memory already distilled into its concept is
   * skipped, so running it again (or a retry) changes nothing.
   */
  async distill(topic: string, memoir: string): Promise<DistillResult> {
    const m = validateRef(memoir, 'memoir');
    const memories = await this.topicMemories(topic);
    if (!memories.length) throw new NotFoundError(`no memories found in topic: ${topic}`);
    const now = nowRfc3339();
    const stmts: Stmt[] = [{ sql: memoirBy(1), args: [m] }];
    for (const mem of memories) {
      const name = mem.keywords[0] || `${topic}-${mem.id.slice(0, 8)}`;
      const labels = mem.keywords.map((k) => ({ namespace: 'tag', value: k }));
      stmts.push({
        sql: DISTILL_UPSERT,
        args: [m, newId(), safeName(name), mem.summary, labelsJson(labels), now, JSON.stringify([mem.id]), mem.id],
      });
    }
    const res = await this.write(stmts);
    if (!res[0][0]) throw new NotFoundError(`memoir not found: ${memoir}`);
    const out: DistillResult = { memories: memories.length, created: [], refined: [], unchanged: 0 };
    const seen = new Map<string, Concept>();
    for (const rows of res.slice(1)) {
      if (!rows[0]) {
        out.unchanged++;
        continue;
      }
      const c = rowToConcept(rows[0]);
      if (!seen.has(c.id) && c.revision === 1) out.created.push(c);
      seen.set(c.id, c);
    }
    const createdIds = new Set(out.created.map((c) => c.id));
    out.created = out.created.map((c) => seen.get(c.id)!);
    out.refined = [...seen.values()].filter((c) => !createdIds.has(c.id));
    return out;
  }

  /** ICM's `detect_patterns`: keyword-set Jaccard > 0.5 clusters of at least `minClusterSize` memories. */
  async detectPatterns(topic: string, minClusterSize = 3): Promise<PatternCluster[]> {
    return detectPatterns(await this.topicMemories(topic), clampCluster(minClusterSize));
  }

  /**
   * ICM's `extract-patterns`: the clusters, and with `memoir` one concept per cluster (name = first 3
   * keywords, confidence min(0.5 + 0.05·n, 0.9), labels `pattern:<kw>`). A concept of that name
   * already there is refined instead (ICM fails on it); one atomic batch.
   */
  async extractPatterns(
    topic: string,
    opts: { memoir?: string; minClusterSize?: number } = {},
  ): Promise<ExtractResult> {
    const clusters = await this.detectPatterns(topic, opts.minClusterSize ?? 3);
    if (opts.memoir === undefined || !clusters.length) {
      if (opts.memoir !== undefined) await this.requireMemoir(opts.memoir);
      return { clusters, concepts: [] };
    }
    const m = validateRef(opts.memoir, 'memoir');
    const now = nowRfc3339();
    const stmts: Stmt[] = [{ sql: memoirBy(1), args: [m] }];
    for (const cl of clusters) {
      const c = patternConcept(cl);
      stmts.push({
        sql: PATTERN_UPSERT,
        args: [
          m,
          newId(),
          safeName(c.name),
          c.definition,
          labelsJson(c.labels),
          c.confidence,
          now,
          JSON.stringify(cl.memoryIds),
        ],
      });
    }
    const res = await this.write(stmts);
    if (!res[0][0]) throw new NotFoundError(`memoir not found: ${opts.memoir}`);
    const concepts: ExtractResult['concepts'] = [];
    for (let i = 1; i < res.length; i++) {
      const row = res[i][0];
      if (row) {
        const c = rowToConcept(row);
        concepts.push({ concept: c, action: c.revision === 1 ? 'created' : 'refined' });
      } else {
        const c = await this.getConcept(m, safeName(patternConcept(clusters[i - 1]).name));
        if (c) concepts.push({ concept: c, action: 'unchanged' });
      }
    }
    return { clusters, concepts };
  }

  /**
   * ICM's `learn_project`: scans `dir` (package manifests, modules, entry points, configs, scripts) into
   * a memoir named `name` (default: the folder's name), replacing a memoir of that name. The scan is
   * read-only; the old memoir's removal and the new graph are one atomic batch (one round trip).
   */
  async learn(dir: string, name?: string): Promise<LearnResult> {
    const plan = await learnPlan(dir, name);
    const memoirName = validateName(plan.name, 'memoir name');
    const memoirId = newId();
    const now = nowRfc3339();
    const stmts: Stmt[] = [
      ...deleteMemoirStmts(memoirName, true),
      {
        sql: `INSERT INTO memoirs (${MEMOIR_COLS}) VALUES (?, ?, ?, ?, ?, 50)`,
        args: [memoirId, memoirName, `Knowledge graph for ${memoirName}`, now, now],
      },
    ];
    const ids = new Map<string, string>();
    for (const c of plan.concepts) {
      const id = newId();
      ids.set(c.name, id);
      stmts.push({
        sql: `INSERT INTO concepts (${CONCEPT_COLS}) VALUES (?, ?, ?, ?, ?, 1.0, 1, ?, ?, '[]')`,
        args: [id, memoirId, c.name, c.definition, labelsJson([{ namespace: 'kind', value: c.kind }]), now, now],
      });
    }
    for (const l of plan.links) {
      stmts.push({
        sql: `INSERT INTO concept_links (${LINK_COLS}) VALUES (?, ?, ?, ?, 1.0, ?)`,
        args: [newId(), ids.get(l.from)!, ids.get(l.to)!, l.relation, now],
      });
    }
    await this.write(stmts);
    return {
      memoirId,
      projectName: memoirName,
      totalConcepts: plan.concepts.length,
      linkCount: plan.links.length,
      plan,
    };
  }
}

// ------------------------------------------------------------------------------------ statements

/**
 * The guarded link insert. ?1 id, ?2 relation, ?3 weight, ?4 created_at, ?5 memoir, ?6 from, ?7 to.
 * `reach` walks outgoing links from the target (UNION keeps each concept once, so it ends on any
 * graph); it is a co-routine, so the walk stops at the first path back to the source.
 */
const LINK_INSERT = `WITH RECURSIVE
  m(id) AS (${memoirBy(5)}),
  s(id) AS (${conceptBy(6)}),
  t(id) AS (${conceptBy(7)}),
  reach(id) AS (SELECT id FROM t UNION SELECT l.target_id FROM concept_links l JOIN reach r ON l.source_id = r.id)
INSERT INTO concept_links (${LINK_COLS})
SELECT ?1, s.id, t.id, ?2, ?3, ?4 FROM s, t
WHERE s.id <> t.id
  AND NOT EXISTS (SELECT 1 FROM concept_links d WHERE d.source_id = s.id AND d.target_id = t.id AND d.relation = ?2)
  AND NOT EXISTS (SELECT 1 FROM reach WHERE reach.id = s.id)
RETURNING ${LINK_COLS}`;

/** Why the insert above did nothing (runs only then: `changes()` is the insert's row count). */
const LINK_DIAGNOSIS = `WITH m(id) AS (${memoirBy(5)})
SELECT (SELECT id FROM m) AS memoir, (${conceptBy(6)}) AS src, (${conceptBy(7)}) AS tgt,
  EXISTS (SELECT 1 FROM concept_links WHERE id = ?1) AS mine,
  EXISTS (SELECT 1 FROM concept_links WHERE source_id = (${conceptBy(6)}) AND target_id = (${conceptBy(7)})
    AND relation = ?2) AS dup
WHERE changes() = 0`;

/** ?1 memoir, ?2 concept, ?3 depth. Concept rows and link rows in one result, told apart by `kind`. */
const NEIGHBORHOOD = `WITH RECURSIVE
  m(id) AS (${memoirBy(1)}),
  root(id) AS (${conceptBy(2)}),
  walk(id, d) AS (
    SELECT id, 0 FROM root
    UNION
    SELECT l.target_id, w.d + 1 FROM walk w JOIN concept_links l ON l.source_id = w.id WHERE w.d < ?3
    UNION
    SELECT l.source_id, w.d + 1 FROM walk w JOIN concept_links l ON l.target_id = w.id WHERE w.d < ?3
  ),
  nodes(id, d) AS MATERIALIZED (SELECT id, MIN(d) FROM walk GROUP BY id),
  edges(id) AS MATERIALIZED (
    SELECT l.id FROM nodes n CROSS JOIN concept_links l ON l.source_id = n.id WHERE n.d < ?3
    UNION
    SELECT l.id FROM nodes n CROSS JOIN concept_links l ON l.target_id = n.id WHERE n.d < ?3
  )
SELECT 'c' AS kind, n.d AS depth, c.id, c.memoir_id, c.name, c.definition, c.labels, c.confidence, c.revision,
  c.created_at, c.updated_at, c.source_memory_ids,
  NULL AS source_id, NULL AS target_id, NULL AS relation, NULL AS weight
FROM nodes n CROSS JOIN concepts c ON c.id = n.id
UNION ALL
SELECT 'l', NULL, l.id, NULL, NULL, NULL, NULL, NULL, NULL, l.created_at, NULL, NULL,
  l.source_id, l.target_id, l.relation, l.weight
FROM edges e CROSS JOIN concept_links l ON l.id = e.id`;

/**
 * Create-or-refine for distill. ?1 memoir, ?2 new id, ?3 name, ?4 definition (the memory's summary),
 * ?5 labels, ?6 now, ?7 source ids, ?8 the memory id (already among the sources: nothing to do).
 */
const DISTILL_UPSERT = `WITH m(id) AS (${memoirBy(1)})
INSERT INTO concepts (${CONCEPT_COLS})
SELECT ?2, m.id, ?3, ?4, ?5, 0.5, 1, ?6, ?6, ?7 FROM m WHERE true
ON CONFLICT(memoir_id, name) DO UPDATE SET
  definition = concepts.definition || char(10) || '---' || char(10) || excluded.definition,
  revision = concepts.revision + 1,
  confidence = MIN(concepts.confidence + 0.1, 1.0),
  updated_at = excluded.updated_at,
  source_memory_ids = ${UNION_IDS('concepts.source_memory_ids', 'excluded.source_memory_ids')}
WHERE NOT EXISTS (SELECT 1 FROM json_each(${VALID_LIST('concepts.source_memory_ids')}) WHERE value = ?8)
RETURNING ${CONCEPT_COLS}`;

/**
 * Create-or-refine for a pattern. ?1 memoir, ?2 new id, ?3 name, ?4 definition, ?5 labels,
 * ?6 confidence, ?7 now, ?8 source ids (a cluster adding no new memory changes nothing).
 */
const PATTERN_UPSERT = `WITH m(id) AS (${memoirBy(1)})
INSERT INTO concepts (${CONCEPT_COLS})
SELECT ?2, m.id, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?8 FROM m WHERE true
ON CONFLICT(memoir_id, name) DO UPDATE SET
  definition = excluded.definition,
  revision = concepts.revision + 1,
  confidence = MIN(concepts.confidence + 0.1, 1.0),
  updated_at = excluded.updated_at,
  source_memory_ids = ${UNION_IDS('concepts.source_memory_ids', 'excluded.source_memory_ids')}
WHERE EXISTS (SELECT 1 FROM json_each(excluded.source_memory_ids) n
  WHERE n.value NOT IN (SELECT value FROM json_each(${VALID_LIST('concepts.source_memory_ids')})))
RETURNING ${CONCEPT_COLS}`;

/** Explicit cascade (links, concepts, memoir), so it holds on a connection without foreign keys too. */
function deleteMemoirStmts(ref: string, byNameOnly = false): Stmt[] {
  const m = byNameOnly ? `(SELECT id FROM memoirs WHERE name = ?1)` : `(${memoirBy(1)})`;
  const concepts = `(SELECT id FROM concepts WHERE memoir_id = ${m})`;
  return [
    { sql: `DELETE FROM concept_links WHERE source_id IN ${concepts} OR target_id IN ${concepts}`, args: [ref] },
    { sql: `DELETE FROM concepts WHERE memoir_id = ${m}`, args: [ref] },
    { sql: `DELETE FROM memoirs WHERE id = ${m} RETURNING id`, args: [ref] },
  ];
}

function prefixed(alias: string, cols: string): string {
  return cols
    .split(', ')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');
}

function sourceIds(v: unknown): string[] {
  if (v == null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x || x.length > 128 || x.includes('\0'))) {
    throw new InvalidInputError('source memory ids must be an array of ids');
  }
  return [...new Set(v as string[])];
}

function readLabelsSafe(text: string): Label[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter(isLabel) : [];
  } catch {
    return [];
  }
}

/** A derived concept name (from keywords or paths) made valid: one line, ≤ 255 bytes. */
function safeName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  let s = name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() || 'concept';
  while (Buffer.byteLength(s, 'utf8') > 255) s = Array.from(s).slice(0, -1).join('');
  return s;
}

function clampCluster(n: number): number {
  return Math.max(2, Math.min(50, Math.floor(Number.isFinite(n) ? n : 3)));
}
