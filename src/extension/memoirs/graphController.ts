/**
 * A memoir graph panel's host side without VS Code: validates every webview message, answers from the
 * memoir store, pushes `dataChanged`. The panel wires it to a WebviewPanel; tests wire it to a page in
 * headless Chromium.
 */
import { isStoreError, type MemoirStore, type Memory, RELATIONS, redactSecrets } from '../../store';
import {
  type ConceptDetail,
  GRAPH_LIMITS,
  type GraphErrorInfo,
  type GraphHostMessage,
  type GraphMethod,
  type GraphParams,
  type GraphRequestMessage,
  type GraphResult,
  type SourceMemory,
} from '../../shared/graphProtocol';
import { oneLine } from '../../shared/text';

export interface GraphControllerOptions {
  /** The memoir store (a getter: the extension swaps stores when settings change). */
  memoirs(): Promise<MemoirStore>;
  /** The memoir shown, by id (or name). */
  memoir: string;
  /** Memories by id, for the source list (missing ids dropped). */
  memories(ids: string[]): Promise<Memory[]>;
  /** Sends one message to the webview. */
  post(message: GraphHostMessage): unknown;
  runCommand?(id: string, ...args: unknown[]): PromiseLike<unknown>;
  log?(message: string): void;
}

/** A request the host refuses before touching the store. */
class BadRequest extends Error {}

const METHODS: readonly GraphMethod[] = ['graph', 'concept', 'search', 'openMemory'];

export class GraphController {
  private ready = false;

  constructor(private readonly opts: GraphControllerOptions) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** Handles one message from the webview. Never throws: bad input is logged or answered with an error. */
  async receive(raw: unknown): Promise<void> {
    const m = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    if (m.type === 'ready') {
      this.ready = true;
      return;
    }
    if (m.type !== 'request' || !Number.isSafeInteger(m.seq) || (m.seq as number) < 0) {
      this.log('graph: ignored a malformed webview message');
      return;
    }
    const seq = m.seq as number;
    let reply: GraphHostMessage;
    try {
      reply = { type: 'response', seq, ok: true, result: await this.dispatch(parseRequest(m)) };
    } catch (e) {
      reply = { type: 'response', seq, ok: false, error: this.errorInfo(e) };
    }
    this.send(reply);
  }

  /** The panel's page is gone (hidden, disposed): wait for the next `ready`. */
  reset(): void {
    this.ready = false;
  }

  notifyDataChanged(): void {
    if (this.ready) this.send({ type: 'dataChanged' });
  }

  private send(m: GraphHostMessage): void {
    try {
      const r = this.opts.post(m);
      if (r && typeof (r as PromiseLike<unknown>).then === 'function') {
        (r as PromiseLike<unknown>).then(undefined, (e: unknown) =>
          this.log(`graph: post failed: ${redactSecrets(String(e))}`),
        );
      }
    } catch (e) {
      this.log(`graph: post failed: ${redactSecrets(String(e))}`);
    }
  }

  private log(message: string): void {
    this.opts.log?.(message);
  }

  private errorInfo(e: unknown): GraphErrorInfo {
    if (e instanceof BadRequest) {
      this.log(`graph: refused a request: ${e.message}`);
      return { code: 'bad_request', message: e.message };
    }
    if (isStoreError(e)) return { code: e.code, message: redactSecrets(e.message) };
    this.log(`graph: request failed: ${redactSecrets(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
    return { code: 'internal', message: 'The graph could not load this; details are in the Mnemos output channel.' };
  }

  private dispatch(req: GraphRequestMessage): Promise<GraphResult<GraphMethod>> {
    switch (req.method) {
      case 'graph':
        return this.graph();
      case 'concept':
        return this.concept(req.params);
      case 'search':
        return this.search(req.params);
      case 'openMemory':
        return this.openMemory(req.params);
    }
  }

  private async graph(): Promise<GraphResult<'graph'>> {
    const store = await this.opts.memoirs();
    const memoir = await store.getMemoir(this.opts.memoir);
    if (!memoir)
      return {
        memoir: { id: '', name: this.opts.memoir, description: '' },
        concepts: [],
        links: [],
        relations: [...RELATIONS],
      };
    const [concepts, links] = await Promise.all([store.listConcepts(memoir.id), store.linksForMemoir(memoir.id)]);
    const ids = new Set(concepts.map((c) => c.id));
    return {
      memoir: { id: memoir.id, name: memoir.name, description: memoir.description },
      concepts: concepts.map((c) => ({
        id: c.id,
        name: c.name,
        confidence: c.confidence,
        revision: c.revision,
        labels: c.labels.map((l) => `${l.namespace}:${l.value}`),
      })),
      // A link to a concept of another memoir (ICM allows it) has no node here to end at.
      links: links
        .filter((l) => ids.has(l.targetId))
        .map((l) => ({ id: l.id, source: l.sourceId, target: l.targetId, relation: l.relation })),
      relations: [...RELATIONS],
    };
  }

  private async concept(p: GraphParams<'concept'>): Promise<GraphResult<'concept'>> {
    const store = await this.opts.memoirs();
    const c = await store.getConcept(this.opts.memoir, p.id);
    if (!c) return { concept: null };
    const found = c.sourceMemoryIds.length ? await this.opts.memories(c.sourceMemoryIds) : [];
    const byId = new Map(found.map((m) => [m.id, m]));
    const sources: SourceMemory[] = c.sourceMemoryIds.map((id) => {
      const m = byId.get(id);
      return m ? { id, topic: m.topic, label: oneLine(m.summary, 160) } : { id, topic: '', label: '', missing: true };
    });
    const detail: ConceptDetail = {
      id: c.id,
      name: c.name,
      confidence: c.confidence,
      revision: c.revision,
      labels: c.labels.map((l) => `${l.namespace}:${l.value}`),
      definition: c.definition,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      sources,
    };
    return { concept: detail };
  }

  private async search(p: GraphParams<'search'>): Promise<GraphResult<'search'>> {
    if (!p.query.trim()) return { ids: [] };
    const store = await this.opts.memoirs();
    const hits = await store.searchConcepts(this.opts.memoir, p.query, { limit: GRAPH_LIMITS.searchMax });
    return { ids: hits.map((c) => c.id) };
  }

  private async openMemory(p: GraphParams<'openMemory'>): Promise<GraphResult<'openMemory'>> {
    if (!this.opts.runCommand) throw new BadRequest('commands are not available here');
    await this.opts.runCommand('mnemos.openMemory', p.id);
    return { done: true };
  }
}

// ----------------------------------------------------------------------------------- validation

function str(v: unknown, what: string, maxChars: number): string {
  if (typeof v !== 'string') throw new BadRequest(`${what} must be a string`);
  if (v.length > maxChars) throw new BadRequest(`${what} is longer than ${maxChars} characters`);
  if (v.includes('\0')) throw new BadRequest(`${what} must not contain NUL`);
  return v;
}

function id(v: unknown): string {
  const s = str(v, 'id', GRAPH_LIMITS.idChars).trim();
  if (!s) throw new BadRequest('id must not be empty');
  return s;
}

/** Turns an untrusted message into a typed request, or throws BadRequest. */
export function parseRequest(raw: Record<string, unknown>): GraphRequestMessage {
  const seq = raw.seq as number;
  const method = raw.method;
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) {
    throw new BadRequest(`unknown method ${JSON.stringify(String(method).slice(0, 40))}`);
  }
  const params = raw.params ?? {};
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw new BadRequest('params must be an object');
  const p = params as Record<string, unknown>;
  switch (method as GraphMethod) {
    case 'graph':
      return { type: 'request', seq, method: 'graph', params: {} };
    case 'concept':
      return { type: 'request', seq, method: 'concept', params: { id: id(p.id) } };
    case 'search':
      return {
        type: 'request',
        seq,
        method: 'search',
        params: { query: str(p.query, 'query', GRAPH_LIMITS.queryChars) },
      };
    case 'openMemory':
      return { type: 'request', seq, method: 'openMemory', params: { id: id(p.id) } };
  }
}
