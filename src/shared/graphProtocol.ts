/**
 * The message protocol between a memoir's graph panel (webview) and the extension host, the same
 * shape as src/shared/protocol.ts: the webview posts `ready`, then requests with a `seq`, each
 * answered by exactly one `response`; the host pushes `dataChanged` (re-query the graph).
 * No runtime dependency on Node or VS Code: both sides import it.
 */

/** Limits the host enforces on webview input (the webview is untrusted too). */
export const GRAPH_LIMITS = {
  idChars: 128,
  queryChars: 500,
  searchMax: 100,
} as const;

/** One node: what the graph draws and filters on. Definitions come with the detail, on demand. */
export interface GraphConcept {
  id: string;
  name: string;
  confidence: number;
  revision: number;
  /** `ns:value` strings. */
  labels: string[];
}

/** One directed, typed link. */
export interface GraphLink {
  id: string;
  source: string;
  target: string;
  relation: string;
}

export interface GraphData {
  memoir: { id: string; name: string; description: string };
  concepts: GraphConcept[];
  links: GraphLink[];
  /** Every relation name ICM knows, for the relation filter. */
  relations: string[];
}

/** A memory the concept was distilled from; `missing` when it has been deleted since. */
export interface SourceMemory {
  id: string;
  topic: string;
  /** First line of the summary, cut. */
  label: string;
  missing?: boolean;
}

export interface ConceptDetail extends GraphConcept {
  definition: string;
  createdAt: string;
  updatedAt: string;
  sources: SourceMemory[];
}

/** method → params and result. */
export interface GraphRequestMap {
  /** The whole memoir: concepts (without definitions) and links. */
  graph: { params: Record<string, never>; result: GraphData };
  /** One concept with its definition and source memories; null if it was deleted. */
  concept: { params: { id: string }; result: { concept: ConceptDetail | null } };
  /** Full-text search over names, definitions and labels (FTS5, every term quoted on the host). */
  search: { params: { query: string }; result: { ids: string[] } };
  /** Opens a source memory in the memory detail (`mnemos.openMemory`). */
  openMemory: { params: { id: string }; result: { done: true } };
}
export type GraphMethod = keyof GraphRequestMap;
export type GraphParams<M extends GraphMethod> = GraphRequestMap[M]['params'];
export type GraphResult<M extends GraphMethod> = GraphRequestMap[M]['result'];

export type GraphRequestMessage = {
  [M in GraphMethod]: { type: 'request'; seq: number; method: M; params: GraphParams<M> };
}[GraphMethod];

/** webview → host */
export type GraphWebviewMessage = { type: 'ready' } | GraphRequestMessage;

export interface GraphErrorInfo {
  /** A StoreError code, or 'internal' / 'bad_request'. */
  code: string;
  /** Safe to show: no stack, no token. */
  message: string;
}

export type GraphResponseMessage =
  | { type: 'response'; seq: number; ok: true; result: unknown }
  | { type: 'response'; seq: number; ok: false; error: GraphErrorInfo };

/** host → webview */
export type GraphHostMessage = GraphResponseMessage | { type: 'dataChanged' };

export function isGraphHostMessage(v: unknown): v is GraphHostMessage {
  if (!v || typeof v !== 'object') return false;
  const m = v as { type?: unknown; seq?: unknown; ok?: unknown };
  if (m.type === 'response') return typeof m.seq === 'number' && typeof m.ok === 'boolean';
  return m.type === 'dataChanged';
}
