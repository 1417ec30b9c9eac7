/** The store's public types: what its operations take and return (re-exported by src/store/index.ts). */
import type { Fusion } from './hybrid';
import type { Importance, Memory } from './model';

/** The filters listing and recall share: one topic (or `prefix*`) and importances. */
export interface MemoryFilter {
  topic?: string;
  /** Match `topic` literally even when it ends in `*` (a UI listing or searching a topic it was given). */
  exactTopic?: boolean;
  importance?: Importance | Importance[];
}

export interface StoreResult {
  id: string;
  /**
   * created: a new row; merged: same topic+content (or a near duplicate) existed and was updated;
   * unchanged: it existed already as is.
   */
  action: 'created' | 'merged' | 'unchanged';
  /** Cosine similarity, when a near duplicate was merged. */
  similarity?: number;
}

export interface ListOptions extends MemoryFilter {
  limit?: number;
  cursor?: string | null;
  order?: 'weight' | 'recent';
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
/** What ranking a memory needs without its text (the wake-up pack scores every candidate, then reads few). */
export interface MemoryBrief {
  id: string;
  topic: string;
  importance: Importance;
  createdAt: string;
  lastAccessed: string;
  weight: number;
  /**
   * A lower bound on the summary's length once flattened to one line (whitespace runs to one space):
   * its non-whitespace characters when it is printable ASCII, else 0 (unknown).
   */
  minLineLength: number;
}
export interface TopicCount {
  topic: string;
  count: number;
}
export interface StoreStats {
  totalMemories: number;
  totalTopics: number;
  avgWeight: number;
  oldestMemory: string | null;
  newestMemory: string | null;
}
export interface TopicHealth {
  topic: string;
  entryCount: number;
  avgWeight: number;
  avgAccessCount: number;
  oldest: string | null;
  newest: string | null;
  lastAccessed: string | null;
  needsConsolidation: boolean;
  staleCount: number;
  status: string;
}
export interface RecallOptions extends MemoryFilter {
  limit?: number;
  /** Treat the last term as a prefix (search as you type). */
  prefix?: boolean;
  /** Record the access (access_count + 1, last_accessed = now). Default true. */
  bumpAccess?: boolean;
  /**
   * Look for memories holding only some of the terms while fewer than this many hold every term.
   * Default 1: only when none does (ICM's every-term semantics, with a fallback instead of nothing).
   */
  fillTo?: number;
}
export interface ScoredMemory {
  memory: Memory;
  /** Higher is better. Keyword recall: −bm25. Hybrid: the fused score. */
  score: number;
  /** Every query term matched (as opposed to only some, or none for a purely semantic hit). */
  fullMatch: boolean;
  /** Cosine similarity to the query, when the hit came with a vector. */
  similarity?: number;
}
export interface RecallResult {
  items: ScoredMemory[];
  mode: 'keyword' | 'hybrid';
  /** Why recall is keyword-only, when it is (no model yet, embeddings disabled…). */
  note?: string;
}

/** What the store needs from an embedder (src/embed's Embedder satisfies it). */
export interface EmbeddingProvider {
  readonly modelId: string;
  readonly state: 'idle' | 'loading' | 'ready' | 'failed' | 'disposed';
  embed(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]>;
  info(): Promise<{ modelId: string; dim: number }>;
}

export interface SemanticOptions {
  /** How keyword and vector candidates are combined (docs/RECALL-EVAL.md has the measurements). */
  fusion?: Fusion;
  /** Cosine at or above which a new memory in the same topic updates the existing one; false = off. */
  nearDuplicate?: number | false;
  /** Wait for the model to load instead of answering keyword-only while it loads (CLI: yes; editor, MCP: no). */
  waitForModel?: boolean;
  /**
   * Where cosine similarity is computed. memory: an in-process index (local file, replica: reads are
   * local); sql: libSQL's vector_distance_cos in the database (remote: one round trip, nothing to
   * download). auto picks per mode (docs/ARCHITECTURE.md has the measurements).
   */
  vectorEngine?: 'auto' | 'memory' | 'sql';
  /** auto on a remote: load the in-process index in the background (long-lived processes, not a one-shot CLI). */
  backgroundIndex?: boolean;
}

export interface EmbedProgress {
  done: number;
  total: number;
  errors: number;
}

export interface EmbedMissingOptions {
  /** Only this topic (or `prefix*`). */
  topic?: string;
  /** Re-embed memories that already have a vector for the current model. */
  force?: boolean;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: EmbedProgress) => void;
}

export interface ExportFile {
  format: 'mnemos-export';
  version: 1;
  exportedAt: string;
  memories: Memory[];
}
