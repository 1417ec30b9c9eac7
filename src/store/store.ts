/**
 * MnemosStore: ICM's memory operations over any libSQL connection (local file, sqld/Turso, replica).
 * No `vscode` import: the CLI, the MCP server and the extension all use this class.
 *
 * A façade: each operation reads as ICM's and is delegated to a module with one job: the memories
 * table (`memories.ts`), listing (`listing.ts`), recall (`recall.ts`), vectors (`semantic.ts`),
 * access bookkeeping (`access.ts`), lifecycle (`maintenance.ts`), export/import (`transfer.ts`),
 * the change feed (`changes.ts`) and ICM's sqlite-vec table (`icm-vectors.ts`). Each gets the
 * `StoreContext` below (`context.ts`); a new family of ICM's tables does the same, in its own module.
 */
import { AccessLog } from './access';
import { ChangeFeed } from './changes';
import { type StoreConfig, type StoreMode, describeConfig } from './config';
import { type Conn, openConn, type Row, type SqlArg } from './conn';
import { FtsCompactor } from './ftsCompact';
import type { CodeAreaStore } from './codeAreas';
import type { FactsStore } from './facts';
import type { FeedbackStore } from './feedback';
import { icmRestStores, type IcmRestStores } from './icmRest';
import { MemoirStore } from './memoirs';
import type { TranscriptStore } from './transcripts';
import type { StoreContext } from './context';
import { IcmVectorTable } from './icm-vectors';
import { Listing } from './listing';
import { DEFAULT_DECAY_FACTOR, Maintenance } from './maintenance';
import { Memories, mergeMetadata, prepareMemory } from './memories';
import { type Importance, type Memory, type MemoryPatch, type NewMemory, nowRfc3339, summaryHash } from './model';
import { Recall } from './recall';
import { migrate, type SchemaInfo } from './schema';
import { SemanticIndex } from './semantic';
import { exportAll, importAll } from './transfer';
import type {
  EmbeddingProvider,
  EmbedMissingOptions,
  EmbedProgress,
  ExportFile,
  ListOptions,
  MemoryBrief,
  Page,
  RecallOptions,
  RecallResult,
  ScoredMemory,
  SemanticOptions,
  StoreResult,
  StoreStats,
  TopicCount,
  TopicHealth,
} from './types';

export { DEFAULT_DECAY_FACTOR };

export class MnemosStore {
  /** Errors from background work (access bumps, embeddings, periodic sync); front ends may log them. */
  onBackgroundError: (e: unknown) => void = () => undefined;
  /** One-line notices (something left undone, nothing failed); front ends may route them to their log. */
  onWarning: (message: string) => void = (m) => console.warn(`mnemos: ${m}`);

  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly changes: ChangeFeed;
  /** Merges the keyword index's segments in idle time (local files only). */
  readonly compactor: FtsCompactor;
  /** What every module gets: the connection, the schema, and the write and background bookkeeping. */
  private readonly ctx: StoreContext;
  private readonly semantic: SemanticIndex;
  private readonly access: AccessLog;
  private readonly memories: Memories;
  private readonly listing: Listing;
  private readonly recaller: Recall;
  private readonly maintenance: Maintenance;

  private constructor(
    readonly conn: Conn,
    readonly config: StoreConfig,
    readonly schema: SchemaInfo,
  ) {
    this.changes = new ChangeFeed(conn);
    this.compactor = new FtsCompactor(
      conn,
      (p) => this.background(p),
      (e) => this.onBackgroundError(e),
    );
    this.ctx = {
      conn,
      schema,
      noteWrite: () => {
        this.changes.noteWrite();
        this.compactor.noteWrite();
      },
      background: (p) => this.background(p),
      reportError: (e) => this.onBackgroundError(e),
      warn: (m) => this.onWarning(m),
    };
    this.semantic = new SemanticIndex(this.ctx);
    this.access = new AccessLog(this.ctx);
    const icmVectors = new IcmVectorTable(this.ctx);
    this.memories = new Memories(this.ctx, icmVectors, {
      written: (ms) => this.semantic.queue(ms),
      deleted: (id) => this.semantic.forget(id),
    });
    this.listing = new Listing(conn);
    this.recaller = new Recall(conn, this.semantic, this.access, (ids) => this.memories.getMany(ids));
    this.maintenance = new Maintenance(this.ctx, icmVectors);
  }

  // ICM's other families, each a module of its own over the same connection, created on first use
  // (their tables too: a store that never touches memoirs never creates them).
  private families?: IcmRestStores & { memoirs: MemoirStore };
  private family(): IcmRestStores & { memoirs: MemoirStore } {
    return (this.families ??= { ...icmRestStores(this.conn), memoirs: new MemoirStore(this.conn) });
  }
  /** ICM's memoirs: the knowledge graph of concepts and typed links (docs/MEMOIRS.md). */
  get memoirs(): MemoirStore {
    return this.family().memoirs;
  }
  /** ICM's session transcripts (`sessions`, `messages`, `messages_fts`). */
  get transcripts(): TranscriptStore {
    return this.family().transcripts;
  }
  /** ICM's feedback (`feedback`, `feedback_fts`). */
  get feedback(): FeedbackStore {
    return this.family().feedback;
  }
  /** ICM's facts with supersession history (`facts`). */
  get facts(): FactsStore {
    return this.family().facts;
  }
  /** ICM's code areas: which files agents touched (`code_areas`). */
  get codeAreas(): CodeAreaStore {
    return this.family().codeAreas;
  }

  static async open(config: StoreConfig): Promise<MnemosStore> {
    const conn = await openConn(config);
    try {
      const schema = await migrate(conn);
      const store = new MnemosStore(conn, config, schema);
      if (config.mode === 'replica' && config.syncIntervalSec && config.syncIntervalSec > 0) {
        store.startSyncTimer(config.syncIntervalSec);
      }
      return store;
    } catch (e) {
      await conn.close().catch(() => undefined);
      throw e;
    }
  }

  get mode(): StoreMode {
    return this.conn.mode;
  }
  describe(): string {
    return describeConfig(this.config);
  }

  // ------------------------------------------------------------------------------------- writes

  /**
   * Stores one memory with ICM's hash dedup: the same topic + normalised content merges into the
   * existing row. With a ready embedder, a near duplicate in the same topic is updated instead.
   */
  async store(input: NewMemory): Promise<StoreResult> {
    if (this.semantic.checksNearDuplicates && input && typeof input === 'object') {
      const { memory } = prepareMemory(input, nowRfc3339());
      const near = await this.semantic.nearDuplicate(memory).catch((e) => {
        this.onBackgroundError(e);
        return undefined;
      });
      const cur = near && (await this.get(near.id));
      if (near && cur && summaryHash(cur.topic, cur.summary) !== summaryHash(memory.topic, memory.summary)) {
        const { importance, keywords, rawExcerpt } = mergeMetadata(cur, memory);
        await this.update(near.id, { summary: memory.summary, importance, keywords, rawExcerpt });
        return { id: near.id, action: 'merged', similarity: near.similarity };
      }
    }
    return (await this.storeMany([input]))[0];
  }

  /** Many memories in one atomic round trip, validated first, idempotent by id (memories.ts). */
  storeMany(inputs: NewMemory[]): Promise<StoreResult[]> {
    return this.memories.storeMany(inputs);
  }
  get(id: string): Promise<Memory | null> {
    return this.memories.get(id);
  }
  /** Memories for these ids, in the order given; missing ids are dropped, duplicates collapsed. */
  getMany(ids: string[]): Promise<Memory[]> {
    return this.memories.getMany(ids);
  }
  /** Edits a memory (weight back to 1.0, as ICM does); moving it onto an identical memory is a conflict. */
  update(id: string, patch: MemoryPatch): Promise<Memory> {
    return this.memories.update(id, patch);
  }
  forget(id: string): Promise<void> {
    return this.memories.forget(id);
  }
  /** Deletes every memory in the topic (no 500-row cap). Returns how many were deleted. */
  forgetTopic(topic: string): Promise<number> {
    return this.memories.forgetTopic(topic);
  }

  // -------------------------------------------------------------------------------------- lists

  /** Keyset-paginated listing (no 10,000 cap): by weight (ICM's order) or most recent first. */
  list(opts: ListOptions = {}): Promise<Page<Memory>> {
    return this.listing.list(opts);
  }
  /** Every memory, page by page (for export, backfill…). */
  iterate(opts: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<Memory> {
    return this.listing.iterate(opts);
  }
  /** Topics with their memory counts (only memories of these importances, when given). */
  topics(opts: { importance?: Importance | Importance[] } = {}): Promise<TopicCount[]> {
    return this.listing.topics(opts);
  }
  /** Ranking fields (no text) of memories of these importances and, optionally, of preference topics. */
  briefs(opts: { importance: Importance[]; preferenceTopics?: boolean; heaviest?: number }): Promise<MemoryBrief[]> {
    return this.listing.briefs(opts);
  }
  count(topic?: string): Promise<number> {
    return this.listing.count(topic);
  }
  stats(): Promise<StoreStats> {
    return this.listing.stats();
  }
  /** ICM's topic health: stale = weight < 0.5 and not accessed for 14 days; consolidate when > 5 entries. */
  topicHealth(topic?: string): Promise<TopicHealth[]> {
    return this.maintenance.topicHealth(topic);
  }

  // ------------------------------------------------------------------------------------- recall

  /** Keyword recall: every term by BM25, else some terms by BM25; filters before the limit; any text is safe. */
  recallKeyword(query: string, opts: RecallOptions = {}): Promise<ScoredMemory[]> {
    return this.recaller.keyword(query, opts);
  }

  /**
   * ICM's recall: the once-a-day decay claim, then hybrid recall when an embedder is ready (BM25 +
   * cosine, fused; filters before the limit), else keyword recall with a note saying why.
   */
  recall(query: string, opts: RecallOptions = {}): Promise<RecallResult> {
    this.background(this.maintenance.maybeAutoDecay());
    return this.recaller.hybrid(query, opts);
  }

  /** Access bookkeeping is off the read path: local writes it at once, remote/replica in the background, coalesced. */
  bumpAccess(ids: string[]): void {
    this.access.bump(ids);
  }
  /** Writes pending access bumps now; resolves when they are durable. */
  flushAccess(): Promise<void> {
    return this.access.flush();
  }

  // ---------------------------------------------------------------------------------- semantic

  /** Turns semantic recall on (or off with null). Vectors of different models are never compared. */
  setEmbedder(provider: EmbeddingProvider | null, opts: SemanticOptions = {}): void {
    this.semantic.setEmbedder(provider, opts);
  }
  get embeddingModel(): string | undefined {
    return this.semantic.modelId;
  }
  /** Writes vectors for memories stored or edited in this process; resolves when they are durable. */
  flushEmbeddings(): Promise<void> {
    return this.semantic.flush();
  }
  /** Embeds every memory without a vector for the current model: resumable, cancellable, with progress. */
  embedMissing(opts: EmbedMissingOptions = {}): Promise<EmbedProgress> {
    return this.semantic.embedMissing(opts);
  }
  /** Memories with and without a vector for the current model. */
  embeddingCoverage(): Promise<{ model: string | undefined; embedded: number; total: number }> {
    return this.semantic.coverage();
  }

  // ---------------------------------------------------------------------------------- lifecycle

  /** ICM's decay: critical never decays; high slower, low faster; accesses slow it, capped at 5. */
  decay(factor = DEFAULT_DECAY_FACTOR): Promise<number> {
    return this.maintenance.decay(factor);
  }
  /** ICM's schedule: at most once a day across every process sharing the store. */
  maybeAutoDecay(force = false): Promise<boolean> {
    return this.maintenance.maybeAutoDecay(force);
  }
  /** Deletes low-weight memories that are not critical or high. */
  prune(threshold = 0.1, opts: { dryRun?: boolean } = {}): Promise<{ count: number; ids: string[] }> {
    return this.maintenance.prune(threshold, opts);
  }
  /** Replaces a whole topic with one memory (ICM: importance high), in one transaction. */
  consolidate(
    topic: string,
    summary: string,
    opts: { keywords?: string[]; importance?: Importance } = {},
  ): Promise<{ id: string; replaced: number }> {
    return this.maintenance.consolidate(topic, summary, opts);
  }

  // ------------------------------------------------------------------------------ export/import

  exportAll(): Promise<ExportFile> {
    return exportAll(this.listing);
  }
  /** Imports an export file exactly; validates every memory first and writes nothing if one is bad. */
  importAll(data: unknown): Promise<{ imported: number; skipped: number }> {
    return importAll(this.ctx, data);
  }

  // -------------------------------------------------------------------------------- change feed

  /** A cheap value that changes when any writer (any process, ICM too) changes memories. */
  changeMarker(): Promise<string> {
    return this.changes.marker();
  }

  /** Replica: pull the primary's changes now. Local/remote: no-op. */
  async sync(): Promise<void> {
    await this.conn.sync();
  }

  private startSyncTimer(sec: number): void {
    this.syncTimer = setInterval(() => {
      this.conn.sync().catch(this.onBackgroundError);
    }, sec * 1000);
    this.syncTimer.unref();
  }

  // ------------------------------------------------------------------------------------ plumbing

  /** Tracks background work so close() can wait for it; its errors go to onBackgroundError. */
  protected background(p: Promise<unknown>): void {
    const t = p.catch((e) => this.onBackgroundError(e)).finally(() => this.inFlight.delete(t));
    this.inFlight.add(t);
  }

  /** Raw rows, for tests and diagnostics. */
  async sql(sql: string, args: SqlArg[] = []): Promise<Row[]> {
    return this.conn.query(sql, args);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.compactor.stop();
    await Promise.all([...this.inFlight]);
    await this.flushEmbeddings().catch(this.onBackgroundError);
    await this.flushAccess();
    await this.conn.close();
  }
}

export async function openStore(config: StoreConfig): Promise<MnemosStore> {
  return MnemosStore.open(config);
}
