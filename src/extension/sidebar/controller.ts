/**
 * The sidebar's host side without VS Code: validates every webview message, answers requests from
 * the store, and pushes `dataChanged`/`status`. The provider wires it to a webview; tests wire it
 * to a headless browser page.
 */
import { oneLine } from '../../shared/text';
import { isStoreError, type Memory, type MnemosStore, redactSecrets } from '../../store';
import {
  COMMAND_ARG,
  COMMAND_FIXED_ARGS,
  type ErrorInfo,
  type HostMessage,
  IMPORTANCE_LEVELS,
  type ImportanceLevel,
  LIMITS,
  type MemoryDetail,
  type MemoryItem,
  type Method,
  type Params,
  type RecallNotice,
  type RequestMessage,
  type Result,
  SIDEBAR_COMMANDS,
  type SidebarCommand,
  type SidebarStatus,
} from '../../shared/protocol';

export interface SidebarControllerOptions {
  /** The store, or a getter (the extension swaps stores when settings change). */
  store: MnemosStore | (() => Promise<MnemosStore>);
  /** Sends one message to the webview. */
  post(message: HostMessage): unknown;
  runCommand?(id: string, ...args: unknown[]): PromiseLike<unknown>;
  status?(): SidebarStatus;
  /** Loads the embedding model again (Retry after a failed load). */
  reloadModel?(): Promise<unknown>;
  log?(message: string): void;
  /** Replaces the message of an error that means "the server is unreachable" (the code stays `connection`). */
  offlineMessage?(error: unknown): string | undefined;
}

/** A request the host refuses before touching the store. */
class BadRequest extends Error {}

export class SidebarController {
  private ready = false;

  constructor(private readonly opts: SidebarControllerOptions) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** Handles one message from the webview. Never throws: bad input is logged or answered with an error. */
  async receive(raw: unknown): Promise<void> {
    const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    if (type === 'ready') {
      this.ready = true;
      this.pushStatus();
      return;
    }
    const seq = raw && typeof raw === 'object' ? (raw as { seq?: unknown }).seq : undefined;
    if (type !== 'request' || !Number.isSafeInteger(seq) || (seq as number) < 0) {
      this.log(
        `sidebar: ignored a malformed webview message (type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : typeof type)})`,
      );
      return;
    }
    let reply: HostMessage;
    try {
      const req = parseRequest(raw as Record<string, unknown>);
      reply = { type: 'response', seq: seq as number, ok: true, result: await this.dispatch(req) };
    } catch (e) {
      reply = { type: 'response', seq: seq as number, ok: false, error: this.errorInfo(e) };
    }
    this.send(reply);
  }

  /** The view was hidden or disposed: its page is gone, wait for the next `ready`. */
  reset(): void {
    this.ready = false;
  }

  /** Someone changed memories (this window, another window, a teammate): the webview re-queries. */
  notifyDataChanged(): void {
    if (this.ready) this.send({ type: 'dataChanged' });
  }

  pushStatus(): void {
    if (!this.ready || !this.opts.status) return;
    try {
      const s = this.opts.status();
      const recall = s.keywordOnly ? this.recallNotice(s) : undefined;
      this.send({
        type: 'status',
        status: {
          mode: String(s.mode),
          keywordOnly: !!s.keywordOnly,
          connected: !!s.connected,
          ...(recall ? { recall } : {}),
        },
      });
    } catch (e) {
      this.log(`sidebar: status failed: ${redactSecrets(String(e))}`);
    }
  }

  private send(m: HostMessage): void {
    try {
      const r = this.opts.post(m);
      if (r && typeof (r as PromiseLike<unknown>).then === 'function') {
        (r as PromiseLike<unknown>).then(undefined, (e: unknown) =>
          this.log(`sidebar: post failed: ${redactSecrets(String(e))}`),
        );
      }
    } catch (e) {
      this.log(`sidebar: post failed: ${redactSecrets(String(e))}`);
    }
  }

  /** The host's notice while search is keyword-only (one line, bounded), or undefined. */
  private recallNotice(s: SidebarStatus | undefined): RecallNotice | undefined {
    const n = s?.recall;
    if (!n) return undefined;
    return { reason: n.reason, text: oneLine(String(n.text), 400), ...(n.action ? { action: n.action } : {}) };
  }

  private log(message: string): void {
    this.opts.log?.(message);
  }

  private async store(): Promise<MnemosStore> {
    const s = this.opts.store;
    return typeof s === 'function' ? s() : s;
  }

  private errorInfo(e: unknown): ErrorInfo {
    if (e instanceof BadRequest) {
      this.log(`sidebar: refused a request: ${e.message}`);
      return { code: 'bad_request', message: e.message };
    }
    if (isStoreError(e))
      return {
        code: e.code,
        message: redactSecrets((e.code === 'connection' && this.opts.offlineMessage?.(e)) || e.message),
      };
    this.log(`sidebar: request failed: ${redactSecrets(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
    return { code: 'internal', message: 'The sidebar could not load this; details are in the Mnemos output channel.' };
  }

  private async dispatch(req: RequestMessage): Promise<Result<Method>> {
    switch (req.method) {
      case 'topics':
        return this.topics(req.params);
      case 'list':
        return this.list(req.params);
      case 'search':
        return this.search(req.params);
      case 'get':
        return this.get(req.params);
      case 'run':
        return this.run(req.params);
      case 'reloadModel':
        return this.reloadModel();
    }
  }

  private async topics(p: Params<'topics'>): Promise<Result<'topics'>> {
    const store = await this.store();
    const topics = await store.topics({ importance: p.importance });
    return { topics, total: topics.reduce((n, t) => n + t.count, 0) };
  }

  private async list(p: Params<'list'>): Promise<Result<'list'>> {
    const store = await this.store();
    // exactTopic: the tree lists a topic it was given, so "x*" is that topic, not a prefix.
    const page = await store.list({
      topic: p.topic,
      exactTopic: true,
      cursor: p.cursor,
      limit: p.limit,
      importance: p.importance,
      order: 'recent',
    });
    return { items: page.items.map(toItem), nextCursor: page.nextCursor };
  }

  private async search(p: Params<'search'>): Promise<Result<'search'>> {
    if (!p.query.trim()) return { items: [], mode: 'keyword' };
    const store = await this.store();
    // Typing is not an access: bumping access_count per keystroke would also feed dataChanged back to us.
    const r = await store.recall(p.query, {
      prefix: true,
      limit: p.limit,
      topic: p.topic,
      importance: p.importance,
      exactTopic: true,
      bumpAccess: false,
    });
    const notice = r.mode === 'keyword' ? (this.recallNotice(this.opts.status?.()) ?? noticeOf(r.note)) : undefined;
    return { items: r.items.map((s) => toItem(s.memory)), mode: r.mode, ...(notice ? { notice } : {}) };
  }

  private async reloadModel(): Promise<Result<'reloadModel'>> {
    if (!this.opts.reloadModel) throw new BadRequest('reloading the embedding model is not available here');
    await this.opts.reloadModel();
    this.pushStatus();
    return { done: true };
  }

  private async get(p: Params<'get'>): Promise<Result<'get'>> {
    const store = await this.store();
    const m = await store.get(p.id);
    return { memory: m ? toDetail(m) : null };
  }

  private async run(p: Params<'run'>): Promise<Result<'run'>> {
    if (!this.opts.runCommand) throw new BadRequest('commands are not available here');
    const id = SIDEBAR_COMMANDS[p.command];
    const arg = COMMAND_ARG[p.command];
    if (arg === 'id') await this.opts.runCommand(id, p.id);
    else if (arg === 'topic') await this.opts.runCommand(id, p.topic);
    else await this.opts.runCommand(id, ...(COMMAND_FIXED_ARGS[p.command] ?? []));
    return { done: true };
  }
}

// ----------------------------------------------------------------------------------- validation

const METHODS: readonly Method[] = ['topics', 'list', 'search', 'get', 'run', 'reloadModel'];

function obj(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new BadRequest(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string, maxChars: number): string {
  if (typeof v !== 'string') throw new BadRequest(`${what} must be a string`);
  if (v.length > maxChars) throw new BadRequest(`${what} is longer than ${maxChars} characters`);
  if (v.includes('\0')) throw new BadRequest(`${what} must not contain NUL`);
  return v;
}

function memoryId(v: unknown): string {
  const s = str(v, 'id', LIMITS.idChars).trim();
  if (!s) throw new BadRequest('id must not be empty');
  return s;
}

function topicName(v: unknown): string {
  const s = str(v, 'topic', LIMITS.topicBytes).trim();
  if (!s) throw new BadRequest('topic must not be empty');
  if (new TextEncoder().encode(s).length > LIMITS.topicBytes)
    throw new BadRequest(`topic exceeds ${LIMITS.topicBytes} bytes`);
  return s;
}

function limit(v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
    throw new BadRequest(`limit must be an integer from 1 to ${max}`);
  return v;
}

function importanceFilter(v: unknown): ImportanceLevel[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length > IMPORTANCE_LEVELS.length)
    throw new BadRequest('importance must be a list of importance levels');
  const out: ImportanceLevel[] = [];
  for (const x of v) {
    if (!(IMPORTANCE_LEVELS as readonly unknown[]).includes(x))
      throw new BadRequest(`unknown importance ${JSON.stringify(String(x).slice(0, 20))}`);
    if (!out.includes(x as ImportanceLevel)) out.push(x as ImportanceLevel);
  }
  return out.length ? out : undefined;
}

/** Turns an untrusted message into a typed request, or throws BadRequest. */
export function parseRequest(raw: Record<string, unknown>): RequestMessage {
  const seq = raw.seq as number;
  const method = raw.method;
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method))
    throw new BadRequest(`unknown method ${JSON.stringify(String(method).slice(0, 40))}`);
  const p = obj(raw.params ?? {}, 'params');
  switch (method as Method) {
    case 'topics':
      return { type: 'request', seq, method: 'topics', params: { importance: importanceFilter(p.importance) } };
    case 'list': {
      const cursor = p.cursor === null || p.cursor === undefined ? null : str(p.cursor, 'cursor', LIMITS.cursorChars);
      return {
        type: 'request',
        seq,
        method: 'list',
        params: {
          topic: topicName(p.topic),
          cursor,
          limit: limit(p.limit, LIMITS.pageMax),
          importance: importanceFilter(p.importance),
        },
      };
    }
    case 'search':
      return {
        type: 'request',
        seq,
        method: 'search',
        params: {
          query: str(p.query, 'query', LIMITS.queryChars),
          limit: limit(p.limit, LIMITS.searchMax),
          topic: p.topic === undefined || p.topic === null || p.topic === '' ? undefined : topicName(p.topic),
          importance: importanceFilter(p.importance),
        },
      };
    case 'get':
      return { type: 'request', seq, method: 'get', params: { id: memoryId(p.id) } };
    case 'reloadModel':
      return { type: 'request', seq, method: 'reloadModel', params: {} };
    case 'run': {
      const command = p.command;
      if (typeof command !== 'string' || !Object.prototype.hasOwnProperty.call(SIDEBAR_COMMANDS, command)) {
        throw new BadRequest(`unknown command ${JSON.stringify(String(command).slice(0, 40))}`);
      }
      const c = command as SidebarCommand;
      const arg = COMMAND_ARG[c];
      return {
        type: 'request',
        seq,
        method: 'run',
        params: {
          command: c,
          ...(arg === 'id' ? { id: memoryId(p.id) } : arg === 'topic' ? { topic: topicName(p.topic) } : {}),
        },
      };
    }
  }
}

// -------------------------------------------------------------------------------------- shaping

/** Without the host's status (tests, other hosts): the store's own note, as a sentence. */
function noticeOf(note: string | undefined): RecallNotice | undefined {
  if (!note) return undefined;
  const text = oneLine(note, 400);
  return { reason: 'failed', text: text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?…]$/.test(text) ? '' : '.') };
}

/** First non-blank line of the summary, cut for a tree row. */
export function labelOf(summary: string): string {
  const line = summary.split(/\r?\n/).find((l) => l.trim()) ?? summary;
  return oneLine(line, LIMITS.labelChars);
}

function toItem(m: Memory): MemoryItem {
  return {
    id: m.id,
    topic: m.topic,
    label: labelOf(m.summary),
    importance: m.importance,
    weight: m.weight,
    createdAt: m.createdAt,
  };
}

function sourceLabel(m: Memory): MemoryDetail['source'] {
  const d = m.sourceData as Record<string, unknown> | null;
  if (!d) return null;
  const file = typeof d.file === 'string' ? d.file : typeof d.file_path === 'string' ? d.file_path : null;
  if (!file) return null;
  const start = Number(d.startLine);
  const end = Number(d.endLine);
  let label = file;
  if (Number.isInteger(start) && start > 0)
    label += Number.isInteger(end) && end > start ? `:${start}–${end}` : `:${start}`;
  return {
    label: oneLine(label, 500),
    ...(typeof d.language === 'string' ? { language: oneLine(d.language, 40) } : {}),
  };
}

function toDetail(m: Memory): MemoryDetail {
  const raw = m.rawExcerpt;
  return {
    id: m.id,
    topic: m.topic,
    summary: m.summary,
    rawExcerpt: raw === null ? null : raw.slice(0, LIMITS.excerptChars),
    rawExcerptTruncated: raw !== null && raw.length > LIMITS.excerptChars,
    keywords: m.keywords,
    importance: m.importance,
    weight: m.weight,
    accessCount: m.accessCount,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    lastAccessed: m.lastAccessed,
    sourceType: m.sourceType,
    source: sourceLabel(m),
  };
}
