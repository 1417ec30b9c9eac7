/**
 * The common shape of an agent hook, whatever the agent: adapters turn each agent's stdin JSON into a
 * `HookEvent` and a `HookResult` back into that agent's stdout JSON. No imports: the entry stays small.
 */

/** `mnemos hook <event>`: one name per moment of a session. */
export const HOOK_EVENTS = ['start', 'prompt', 'post', 'compact', 'stop', 'end'] as const;
export type HookEventName = (typeof HOOK_EVENTS)[number];

export interface ToolCall {
  name: string;
  input: unknown;
  /** What the tool returned, as text (truncated by the adapter). */
  output?: string;
  /** The agent said the call failed (Copilot's result_type, Claude's PostToolUseFailure…). */
  failed?: boolean;
  id?: string;
}

export interface HookEvent {
  event: HookEventName;
  sessionId?: string;
  cwd?: string;
  prompt?: string;
  tool?: ToolCall;
  transcriptPath?: string;
  /** SessionStart source (startup/resume/new/clear/compact) or PreCompact trigger (manual/auto). */
  source?: string;
  /** The agent's own event name, for the log. */
  agentEvent?: string;
  /** The project the session works on (ICM's project name: the git repository's, else the folder's). */
  project?: string;
}

export interface HookResult {
  /** Text for the model ("additional context"); absent: nothing is injected. */
  context?: string;
  /** For the log and tests: what the hook did. */
  note?: string;
}

export interface RecallHit {
  id: string;
  topic: string;
  summary: string;
  /** Keyword recall: −bm25 (higher is better). Hybrid: the fused score. */
  score: number;
  fullMatch: boolean;
}

export interface CandidateMemory {
  topic: string;
  summary: string;
  importance: 'critical' | 'high' | 'medium' | 'low';
  keywords: string[];
  rawExcerpt?: string;
}

/** One file the agent edited (ICM's `code_areas` row: UNIQUE(project, file_path), touch_count + 1). */
export interface CodeAreaTouch {
  project: string;
  filePath: string;
  sessionId?: string;
  toolName: string;
  at: string;
}

/** Where edited files are recorded: the store's code areas (deps.ts, `storeCodeAreas`). */
export interface CodeAreaRecorder {
  touch(areas: CodeAreaTouch[]): Promise<void>;
}

/** A transcript message, as far as the rules need it. */
export interface TranscriptMessage {
  role: 'user' | 'assistant' | 'tool';
  text: string;
  isError?: boolean;
  /** Stable across reads of the same transcript (the archive's message id comes from it). */
  key?: string;
}

/** Per-session counters kept between hook processes (a small file; see state.ts). */
export interface SessionState {
  calls: number;
  /** Tool calls whose output looked like an error and that later calls may resolve. */
  openErrors: { key: string; tool: string; firstLine: string; at: number }[];
  /** Files edited since the session started (for "fixed after editing …"). */
  edited: string[];
  /** Recent tool observations not yet run through the rules. */
  pending: TranscriptMessage[];
  /** Hashes of the memories this session already extracted. */
  extracted: string[];
}

export interface HookLogger {
  log(level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>): void;
}

/** What the core needs from the world; the entry wires the real store, tests may wire what they like. */
export interface HookDeps {
  recall(query: string, opts: { project?: string; limit: number }): Promise<RecallHit[]>;
  wakeUp(opts: { project?: string; maxTokens: number }): Promise<string>;
  /** Stores one memory (hash dedup in the store); returns the store's action. */
  store(m: CandidateMemory): Promise<'created' | 'merged' | 'unchanged'>;
  /** Summaries already stored in `topic` that share words with `text` (for near-duplicate dedup). */
  similar(topic: string, text: string): Promise<string[]>;
  codeAreas: CodeAreaRecorder;
  loadState(sessionId: string): Promise<SessionState>;
  saveState(sessionId: string, s: SessionState): Promise<void>;
  readTranscript(path: string, maxBytes: number): Promise<TranscriptMessage[]>;
  /**
   * Archives a transcript into ICM's sessions/messages (MNEMOS_HOOK_ARCHIVE=1), idempotently: messages the
   * session already holds are not written again. Returns how many messages were added.
   */
  archive?(sessionId: string, messages: TranscriptMessage[], meta: { project?: string }): Promise<number>;
  logger: HookLogger;
  now(): Date;
}

export interface HookConfig {
  /** Keyword recall (−bm25) below which a memory is not injected into a prompt (docs/HOOKS.md). */
  minScore: number;
  promptLimit: number;
  promptTokens: number;
  wakeUpTokens: number;
  extractEvery: number;
  maxPerExtraction: number;
  archive: boolean;
}
