/**
 * The one message protocol between the Memories sidebar (webview) and the extension host.
 * Both sides import this file; it has no runtime dependency on Node or VS Code.
 *
 * Flow: the webview posts `ready`; only then does the host post anything. Every webview request
 * carries a sequence number and gets exactly one `response` with the same `seq`. The host pushes
 * `dataChanged` (re-query what you show) and `status` on its own.
 */

export const IMPORTANCE_LEVELS = ['critical', 'high', 'medium', 'low'] as const;
export type ImportanceLevel = (typeof IMPORTANCE_LEVELS)[number];

/** Limits the host enforces on webview input (the webview is untrusted too). */
export const LIMITS = {
  pageMax: 1000,
  searchMax: 200,
  queryChars: 1000,
  topicBytes: 256,
  idChars: 128,
  cursorChars: 1024,
  /** Labels are cut on the host; the detail view carries the full text. */
  labelChars: 240,
  /** A raw excerpt can be 1 MB; the detail view shows the start of it. */
  excerptChars: 100_000,
} as const;

/** One row of the tree: enough to draw a label, nothing more. */
export interface MemoryItem {
  id: string;
  topic: string;
  /** First line of the summary, cut to LIMITS.labelChars. */
  label: string;
  importance: ImportanceLevel;
  weight: number;
  createdAt: string;
}

export interface MemoryDetail {
  id: string;
  topic: string;
  summary: string;
  rawExcerpt: string | null;
  rawExcerptTruncated: boolean;
  keywords: string[];
  importance: ImportanceLevel;
  weight: number;
  accessCount: number;
  createdAt: string;
  updatedAt: string;
  lastAccessed: string;
  sourceType: string;
  /** A plain-text description of where the memory came from ("src/a.ts:10–20"), or null. */
  source: { label: string; language?: string } | null;
}

export interface TopicInfo {
  topic: string;
  count: number;
}

/** Why search is keyword-only right now ('loading', a failure's cause, 'disabled' …). */
export type RecallReason =
  | 'disabled'
  | 'not-loaded'
  | 'loading'
  | 'unloaded'
  | 'no-network'
  | 'not-found'
  | 'not-downloaded'
  | 'corrupt-cache'
  | 'timeout'
  | 'failed';

/** Why search is keyword-only, in words a person can read, and what the sidebar offers to do about it. */
export interface RecallNotice {
  reason: RecallReason;
  /** One or two sentences; never raw error text (that goes to the log). */
  text: string;
  /** `retry` reloads the embedding model (`reloadModel`); `settings` opens the embedding settings. */
  action?: 'retry' | 'settings';
}

export interface SidebarStatus {
  mode: string;
  keywordOnly: boolean;
  connected: boolean;
  /** Set while search is keyword-only. */
  recall?: RecallNotice;
}

/** Commands the webview may ask the host to run; the host maps each to one `mnemos.*` command id. */
export const SIDEBAR_COMMANDS = {
  openMemory: 'mnemos.openMemory',
  editMemory: 'mnemos.editMemory',
  deleteMemory: 'mnemos.deleteMemory',
  forgetTopic: 'mnemos.forgetTopic',
  saveMemory: 'mnemos.saveMemory',
  recall: 'mnemos.recall',
  connect: 'mnemos.connect',
  embeddingSettings: 'workbench.action.openSettings',
} as const;
export type SidebarCommand = keyof typeof SIDEBAR_COMMANDS;
/** Which argument each command takes. */
export const COMMAND_ARG: Record<SidebarCommand, 'id' | 'topic' | 'none'> = {
  openMemory: 'id',
  editMemory: 'id',
  deleteMemory: 'id',
  forgetTopic: 'topic',
  saveMemory: 'none',
  recall: 'none',
  connect: 'none',
  embeddingSettings: 'none',
};
/** Fixed arguments a command always gets (the settings it opens). */
export const COMMAND_FIXED_ARGS: Partial<Record<SidebarCommand, readonly string[]>> = {
  embeddingSettings: ['mnemos.embeddings'],
};

/** method → params and result. */
export interface RequestMap {
  /** Topics with counts (counting only the given importances, when set). */
  topics: { params: { importance?: ImportanceLevel[] }; result: { topics: TopicInfo[]; total: number } };
  /** One keyset page of a topic, most recent first. */
  list: {
    params: { topic: string; cursor: string | null; limit: number; importance?: ImportanceLevel[] };
    result: { items: MemoryItem[]; nextCursor: string | null };
  };
  /** Search as you type (prefix on the last word). */
  search: {
    params: { query: string; limit: number; topic?: string; importance?: ImportanceLevel[] };
    result: { items: MemoryItem[]; mode: 'keyword' | 'hybrid'; notice?: RecallNotice };
  };
  /** Loads the embedding model again (the Retry of a failed load). */
  reloadModel: { params: Record<string, never>; result: { done: true } };
  get: { params: { id: string }; result: { memory: MemoryDetail | null } };
  run: { params: { command: SidebarCommand; id?: string; topic?: string }; result: { done: true } };
}
export type Method = keyof RequestMap;
export type Params<M extends Method> = RequestMap[M]['params'];
export type Result<M extends Method> = RequestMap[M]['result'];

export type RequestMessage = { [M in Method]: { type: 'request'; seq: number; method: M; params: Params<M> } }[Method];

/** webview → host */
export type WebviewMessage = { type: 'ready' } | RequestMessage;

export interface ErrorInfo {
  /** A StoreError code, or 'internal' / 'bad_request'. */
  code: string;
  /** Safe to show: no stack, no token. */
  message: string;
}

export type ResponseMessage =
  | { type: 'response'; seq: number; ok: true; result: unknown }
  | { type: 'response'; seq: number; ok: false; error: ErrorInfo };

/** host → webview */
export type HostMessage = ResponseMessage | { type: 'dataChanged' } | { type: 'status'; status: SidebarStatus };

export function isHostMessage(v: unknown): v is HostMessage {
  if (!v || typeof v !== 'object') return false;
  const t = (v as { type?: unknown }).type;
  if (t === 'response')
    return typeof (v as { seq?: unknown }).seq === 'number' && typeof (v as { ok?: unknown }).ok === 'boolean';
  if (t === 'status')
    return !!(v as { status?: unknown }).status && typeof (v as { status?: unknown }).status === 'object';
  return t === 'dataChanged';
}
