/**
 * SemanticIndex: everything about vectors for one store: the embedder, the in-process index, the
 * queue of memories waiting for a vector, vector search with the recall filters, and near-duplicate
 * search. Mnemos's vectors live in `mnemos_vectors`, keyed by model (src/store/vectors.ts).
 */
import type { SqlArg } from './conn';
import type { StoreContext } from './context';
import { StoreError, InvalidInputError } from './errors';
import { clampLimit, memoryFilter, sqlWhere } from './filters';
import type { Fusion } from './hybrid';
import { nowRfc3339 } from './model';
import type { EmbeddingProvider, EmbedMissingOptions, EmbedProgress, MemoryFilter, SemanticOptions } from './types';
import { embedText, upsertVectorStmt, vecToBlob, type VectorHit, VectorIndex } from './vectors';

/** sqld served vector rows at about 1,000 per second: beyond this the transfer costs more than it saves. */
const REMOTE_INDEX_MAX_VECTORS = 20_000;

export interface VectorSearchResult {
  hits: VectorHit[];
  /** Cosine of each `also` memory that has a vector. */
  similarityOf: Map<string, number>;
}

export class SemanticIndex {
  private embedder: EmbeddingProvider | undefined;
  private options: SemanticOptions = {};
  private index: VectorIndex | undefined;
  private indexCheckedAt = 0;
  private indexLoaded = false;
  private indexLoading = false;
  private indexTooLarge = false;
  private problem: string | undefined;
  private modelWasReady = false;
  private readonly pending = new Map<string, string>();
  private flight: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: StoreContext) {}

  /** Turns semantic recall on (or off with null). Vectors of different models are never compared. */
  setEmbedder(provider: EmbeddingProvider | null, opts: SemanticOptions = {}): void {
    this.embedder = provider ?? undefined;
    this.options = { nearDuplicate: 0.95, ...opts };
    if (!provider || this.index?.model !== provider.modelId) this.index = undefined;
    this.problem = undefined;
    this.modelWasReady = provider?.state === 'ready';
  }

  get modelId(): string | undefined {
    return this.embedder?.modelId;
  }

  get fusion(): Fusion {
    return this.options.fusion ?? 'weighted';
  }

  /** A store would look for a near duplicate first: the model is ready and the check is on. */
  get checksNearDuplicates(): boolean {
    return this.embedder?.state === 'ready' && this.options.nearDuplicate !== false;
  }

  /**
   * The query's vector, or why recall must answer from keywords only. While the model loads (or
   * failed) the answer is keyword-only and the load goes on in the background.
   */
  async queryVector(query: string): Promise<{ vec: Float32Array } | { note: string }> {
    const e = this.embedder;
    if (!e) return { note: 'keyword search only: embeddings are off' };
    if (e.state === 'failed' || e.state === 'disposed') {
      // Retry the load in the background (the embedder rate-limits retries), answer now.
      if (e.state === 'failed') this.ctx.background(e.info());
      return { note: `keyword search only: ${this.problem ?? 'the embedding model is unavailable'}` };
    }
    // A model that was unloaded while idle reloads from its cache in well under a second: wait for it.
    if (e.state !== 'ready' && !this.options.waitForModel && !(e.state === 'idle' && this.modelWasReady)) {
      this.ctx.background(this.warm());
      return { note: 'keyword search only while the embedding model loads' };
    }
    try {
      await this.warm();
      const [vec] = await e.embed([typeof query === 'string' ? query : ''], 'query');
      this.modelWasReady = true;
      return { vec };
    } catch (err) {
      this.problem = (err as Error).message;
      return { note: `keyword search only: ${this.problem}` };
    }
  }

  private async warm(): Promise<void> {
    try {
      await this.embedder?.info();
    } catch (e) {
      this.problem = (e as Error).message;
      throw e;
    }
  }

  /**
   * ICM's semantic dedup, without its data loss: the memory of the same topic whose vector is within
   * the `nearDuplicate` cosine of this text, if any (the caller merges into it).
   */
  async nearDuplicate(input: { topic: string; summary: string }): Promise<VectorHit | undefined> {
    const e = this.embedder;
    const threshold = this.options.nearDuplicate;
    if (!e || e.state !== 'ready' || threshold === false || threshold === undefined) return undefined;
    const [vec] = await e.embed([embedText(input.topic, input.summary)], 'passage');
    const {
      hits: [hit],
    } = await this.search(vec, 1, { topic: input.topic, exactTopic: true });
    return hit && hit.similarity >= threshold ? { id: hit.id, similarity: hit.similarity } : undefined;
  }

  /**
   * auto: in process on local files and replicas. On a remote, vector_distance_cos in the database
   * (one round trip, nothing to download) until the in-process index has loaded in the background,
   * then in process (measured at 10k: 15 ms in sqld against 0.3 ms in process; docs/BENCHMARKS.md).
   */
  private engine(): 'memory' | 'sql' {
    const e = this.options.vectorEngine ?? 'auto';
    if (e !== 'auto') return e;
    if (this.ctx.conn.mode !== 'remote') return 'memory';
    if (this.index?.model === this.embedder?.modelId && this.indexLoaded) return 'memory';
    if (!this.indexLoading && !this.indexTooLarge && this.options.backgroundIndex !== false) {
      this.indexLoading = true;
      this.ctx.background(this.loadRemoteIndex().finally(() => (this.indexLoading = false)));
    }
    return 'sql';
  }

  private async loadRemoteIndex(): Promise<void> {
    const [c] = await this.ctx.conn.query(`SELECT COUNT(*) AS n FROM mnemos_vectors WHERE model = ?`, [
      this.embedder!.modelId,
    ]);
    if (Number(c?.n ?? 0) > REMOTE_INDEX_MAX_VECTORS) {
      this.indexTooLarge = true;
      return;
    }
    await this.vectorIndex();
    this.indexLoaded = true;
  }

  /**
   * Top `k` memories by cosine to `qv`, with the recall filters applied before the limit, and the
   * cosine of the `also` memories (keyword candidates): one statement on the SQL engine.
   */
  async search(qv: Float32Array, k: number, filter: MemoryFilter, also: string[] = []): Promise<VectorSearchResult> {
    const f = memoryFilter(filter, 'm');
    if (this.engine() === 'sql') {
      const q = vecToBlob(qv);
      const model = this.embedder!.modelId;
      const rows = await this.ctx.conn.query(
        `SELECT * FROM (SELECT v.memory_id AS id, 1.0 - vector_distance_cos(v.vec, vector32(?)) AS sim, 1 AS top
           FROM mnemos_vectors v JOIN memories m ON m.id = v.memory_id
           WHERE v.model = ? AND v.dim = ?${sqlWhere(f, 'AND')}
           ORDER BY vector_distance_cos(v.vec, vector32(?)) LIMIT ?)
         UNION ALL
         SELECT v.memory_id AS id, 1.0 - vector_distance_cos(v.vec, vector32(?)) AS sim, 0 AS top FROM mnemos_vectors v
           WHERE v.model = ? AND v.dim = ? AND v.memory_id IN (SELECT value FROM json_each(?))`,
        [q, model, qv.length, ...f.args, q, k, q, model, qv.length, JSON.stringify(also)],
      );
      const sims = (top: number) => rows.filter((r) => Number(r.top) === top);
      return {
        hits: sims(1).map((r) => ({ id: String(r.id), similarity: Number(r.sim) })),
        similarityOf: new Map(sims(0).map((r) => [String(r.id), Number(r.sim)])),
      };
    }
    const index = await this.vectorIndex();
    let allow: ((id: string) => boolean) | undefined;
    if (f.sql.length) {
      const rows = await this.ctx.conn.query(`SELECT m.id FROM memories m${sqlWhere(f)}`, f.args);
      const ids = new Set(rows.map((r) => String(r.id)));
      allow = (id) => ids.has(id);
    }
    return { hits: index.search(qv, k, allow), similarityOf: index.similarities(qv, also) };
  }

  /** The in-process vector index for the current model, refreshed at most once a second. */
  private async vectorIndex(): Promise<VectorIndex> {
    const model = this.embedder!.modelId;
    if (!this.index || this.index.model !== model) {
      this.index = new VectorIndex(model);
      this.indexCheckedAt = 0;
      this.indexLoaded = false;
    }
    if (Date.now() - this.indexCheckedAt > 1000) {
      await this.index.refresh(this.ctx.conn);
      this.indexCheckedAt = Date.now();
    }
    return this.index;
  }

  /** A memory was deleted: its vector leaves the in-process index now (the table's trigger did the rest). */
  forget(id: string): void {
    this.index?.remove(id);
  }

  /** Embeds these memories in the background (stored or edited in this process). */
  queue(items: { id: string; topic: string; summary: string }[]): void {
    if (!this.embedder || this.embedder.state !== 'ready' || !items.length) return;
    for (const m of items) this.pending.set(m.id, embedText(m.topic, m.summary));
    this.ctx.background(this.flush());
  }

  /** Writes the queued vectors; resolves when they are durable. */
  async flush(): Promise<void> {
    const run = this.flight.then(async () => {
      while (this.pending.size && this.embedder) {
        const batch = [...this.pending.entries()].slice(0, 32);
        for (const [id] of batch) this.pending.delete(id);
        await this.writeVectors(batch.map(([id, text]) => ({ id, text })));
      }
    });
    this.flight = run.catch(() => undefined);
    return run;
  }

  private async writeVectors(batch: { id: string; text: string }[]): Promise<void> {
    const e = this.embedder!;
    const vecs = await e.embed(
      batch.map((b) => b.text),
      'passage',
    );
    const now = nowRfc3339();
    // Only for memories that still exist with that text: a concurrent edit or delete wins.
    const stillThere = `SELECT ?, ?, ?, ?, ?
      WHERE EXISTS (SELECT 1 FROM memories WHERE id = ? AND topic || ' ' || summary = ?)`;
    await this.ctx.conn.batch(
      batch.map((b, i) => {
        const st = upsertVectorStmt(b.id, e.modelId, vecs[i], now);
        return { sql: st.sql.replace('VALUES (?, ?, ?, ?, ?)', stillThere), args: [...st.args!, b.id, b.text] };
      }),
    );
    this.indexCheckedAt = 0; // our own writes show in the next search
  }

  /**
   * Embeds every memory that has no vector for the current model (all of them with force), in
   * batches; resumable (it only looks at what is missing), cancellable, with progress.
   */
  async embedMissing(opts: EmbedMissingOptions = {}): Promise<EmbedProgress> {
    const e = this.embedder;
    if (!e) throw new InvalidInputError('embeddings are off: no embedding model is configured');
    await this.warm();
    const batchSize = clampLimit(opts.batchSize, 32, 512);
    const f = memoryFilter({ topic: opts.topic }, 'm');
    const missing = opts.force
      ? '1 = 1'
      : `NOT EXISTS (SELECT 1 FROM mnemos_vectors v WHERE v.memory_id = m.id AND v.model = ?)`;
    const margs: SqlArg[] = opts.force ? [] : [e.modelId];
    const where = `${missing}${sqlWhere(f, 'AND')}`;
    const [c] = await this.ctx.conn.query(`SELECT COUNT(*) AS n FROM memories m WHERE ${where}`, [...margs, ...f.args]);
    const progress: EmbedProgress = { done: 0, total: Number(c?.n ?? 0), errors: 0 };
    opts.onProgress?.({ ...progress });
    let after = '';
    while (!opts.signal?.aborted) {
      const rows = await this.ctx.conn.query(
        `SELECT m.id, m.topic, m.summary FROM memories m WHERE ${where} AND m.id > ? ORDER BY m.id LIMIT ?`,
        [...margs, ...f.args, after, batchSize],
      );
      if (!rows.length) break;
      after = String(rows[rows.length - 1].id);
      try {
        await this.writeVectors(
          rows.map((r) => ({ id: String(r.id), text: embedText(String(r.topic), String(r.summary)) })),
        );
        progress.done += rows.length;
      } catch (err) {
        if (err instanceof StoreError) throw err;
        progress.errors += rows.length;
        this.ctx.reportError(err);
      }
      opts.onProgress?.({ ...progress });
    }
    this.indexCheckedAt = 0;
    return progress;
  }

  /** Memories with and without a vector for the current model. */
  async coverage(): Promise<{ model: string | undefined; embedded: number; total: number }> {
    const model = this.embedder?.modelId;
    const [r] = await this.ctx.conn.query(
      `SELECT (SELECT COUNT(*) FROM memories) AS total,
              (SELECT COUNT(*) FROM mnemos_vectors v JOIN memories m ON m.id = v.memory_id
                WHERE v.model = ?) AS embedded`,
      [model ?? ''],
    );
    return { model, embedded: Number(r?.embedded ?? 0), total: Number(r?.total ?? 0) };
  }
}
