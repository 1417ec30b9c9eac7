/**
 * Recall: keyword recall (BM25 over ICM's FTS index, src/store/keyword.ts) and hybrid recall (the
 * keyword and vector arms fused, src/store/hybrid.ts). Filters apply in every arm before the limit.
 * Semantics and where they differ from ICM's: docs/ICM-COMPAT.md, "Recall".
 */
import type { Conn, Row } from './conn';
import type { AccessLog } from './access';
import { clampLimit, memoryFilter } from './filters';
import { buildFtsQuery } from './fts';
import { fuse } from './hybrid';
import { keywordStatement, keywordTuning, MEMORIES_COUNT_SQL } from './keyword';
import type { Memory } from './model';
import { rowToMemory } from './rows';
import type { SemanticIndex } from './semantic';
import type { RecallOptions, RecallResult, ScoredMemory } from './types';

/** How long the store's size, which decides keyword recall's window (keyword.ts), is reused. */
const SIZE_TTL_MS = 30_000;

export class Recall {
  private size = { memories: 0, at: -Infinity };

  constructor(
    private readonly conn: Conn,
    private readonly semantic: SemanticIndex,
    private readonly access: AccessLog,
    private readonly hydrate: (ids: string[]) => Promise<Memory[]>,
  ) {}

  /**
   * Memories matching every term by BM25; when none does (or fewer than `fillTo`), memories matching
   * some terms, by BM25. Any text is safe.
   */
  async keyword(query: string, opts: RecallOptions = {}): Promise<ScoredMemory[]> {
    const limit = clampLimit(opts.limit, 10);
    const q = buildFtsQuery(typeof query === 'string' ? query : '', { prefixLast: opts.prefix });
    if (!q) return [];
    const fillTo = Math.max(1, Math.min(limit, Math.floor(Number(opts.fillTo ?? 1)) || 1));
    const filter = memoryFilter(opts, 'm');
    let rows: Row[];
    if (this.conn.mode === 'local') {
      // Two statements where a second one costs no round trip: the partial arms only when needed.
      const window = (await this.memoriesAbout()) >= keywordTuning.windowFrom ? 'on' : 'off';
      const first = keywordStatement(q, filter, limit, fillTo, 'every-word', 0, window);
      rows = await this.conn.query(first.sql, first.args);
      if (rows.length < fillTo && q.partial.length > 1) {
        const rest = keywordStatement(q, filter, limit, fillTo, 'partial', rows.length);
        rows = rows.concat(await this.conn.query(rest.sql, rest.args));
      }
    } else {
      // The store's size is read inside the statement: no round trip of its own.
      const st = keywordStatement(q, filter, limit, fillTo, 'all', 0, 'by-size');
      rows = await this.conn.query(st.sql, st.args);
    }
    // Every-term matches first, then by BM25 (more negative is better). A row found by two arms keeps
    // its better score: the ≥ 2-terms arm scores every term, the rarest-terms arm only the rare ones.
    const full = (r: Row) => Number(r.full);
    rows.sort((a, b) => full(b) - full(a) || Number(a.bm25) - Number(b.bm25));
    const seen = new Set<string>();
    const out: ScoredMemory[] = [];
    for (const r of rows) {
      const id = String(r.id);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ memory: rowToMemory(r), score: -Number(r.bm25), fullMatch: full(r) === 1 });
      if (out.length >= limit) break;
    }
    if (opts.bumpAccess !== false && out.length) this.access.bump(out.map((s) => s.memory.id));
    return out;
  }

  /**
   * The number of memories of a local store, read from the trigger-kept topic counts at most every
   * 30 s: it only decides whether the store is large enough for the window.
   */
  private async memoriesAbout(): Promise<number> {
    const now = Date.now();
    if (now - this.size.at > SIZE_TTL_MS) {
      const [r] = await this.conn.query(MEMORIES_COUNT_SQL);
      this.size = { memories: Number(r?.n ?? 0), at: now };
    }
    return this.size.memories;
  }

  /**
   * Hybrid when the embedder is ready (BM25 + cosine, fused; the decayed weight breaks ties), else
   * keyword recall with a note saying why.
   */
  async hybrid(query: string, opts: RecallOptions = {}): Promise<RecallResult> {
    const limit = clampLimit(opts.limit, 10);
    const qv = await this.semantic.queryVector(query);
    if ('note' in qv) return { items: await this.keyword(query, { ...opts, limit }), mode: 'keyword', note: qv.note };
    const pool = Math.min(limit * 4, 4000);
    const kw = await this.keyword(query, { ...opts, limit: pool, bumpAccess: false });
    const ids = kw.map((k) => k.memory.id);
    const { hits: vec, similarityOf } = await this.semantic.search(qv.vec, pool, opts, ids);
    const fused = fuse(
      kw.map((k) => ({ id: k.memory.id, score: k.score, fullMatch: k.fullMatch })),
      vec,
      this.semantic.fusion,
      similarityOf,
    );
    const known = new Map(kw.map((k) => [k.memory.id, k]));
    const head = fused.slice(0, Math.min(fused.length, limit * 2));
    const missing = head.filter((f) => !known.has(f.id)).map((f) => f.id);
    const hydrated = new Map((await this.hydrate(missing)).map((m) => [m.id, m]));
    const items: ScoredMemory[] = [];
    for (const f of head) {
      const memory = known.get(f.id)?.memory ?? hydrated.get(f.id);
      if (!memory) continue; // deleted since the index was loaded
      items.push({ memory, score: f.score, fullMatch: known.get(f.id)?.fullMatch ?? false, similarity: f.similarity });
    }
    // Decayed weight breaks ties only: as a factor it reordered near-ties (measured −0.014 MRR, docs/RECALL-EVAL.md).
    items.sort((a, b) => b.score - a.score || b.memory.weight - a.memory.weight);
    items.splice(limit);
    if (opts.bumpAccess !== false && items.length) this.access.bump(items.map((i) => i.memory.id));
    return { items, mode: 'hybrid' };
  }
}
