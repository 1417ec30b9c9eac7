/**
 * The webview end of a host ⇄ webview protocol (browser code, bundled into each webview): one private
 * VS Code API handle, requests as promises answered by exactly one `response` with the same `seq`,
 * pushes as callbacks. Typed by the protocol's request map, so the sidebar (src/shared/protocol.ts)
 * and the memoir graph panel (src/shared/graphProtocol.ts) share this one implementation.
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** A host reply that says the request failed; `code` is a StoreError code or 'bad_request' / 'internal' / 'timeout'. */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const REQUEST_TIMEOUT_MS = 30_000;

type Response =
  | { type: 'response'; seq: number; ok: true; result: unknown }
  | { type: 'response'; seq: number; ok: false; error?: { code?: string; message?: string } };

export class WebviewRpc<
  Map extends { [K in keyof Map]: { params: unknown; result: unknown } },
  Host extends { type: string },
> {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private seq = 0;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }
  >();
  private pushHandler: (m: Exclude<Host, { type: 'response' }>) => void = () => undefined;

  /** `isHostMessage`: the protocol's guard for what the host may send. */
  constructor(private readonly isHostMessage: (m: unknown) => m is Host) {
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
  }

  onPush(handler: (m: Exclude<Host, { type: 'response' }>) => void): void {
    this.pushHandler = handler;
  }

  ready(): void {
    this.api.postMessage({ type: 'ready' });
  }

  request<M extends keyof Map & string>(method: M, params: Map[M]['params']): Promise<Map[M]['result']> {
    const seq = ++this.seq;
    return new Promise<Map[M]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new RequestError('timeout', 'Mnemos did not answer in time.'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(seq, { resolve, reject, timer });
      this.api.postMessage({ type: 'request', seq, method, params });
    });
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: unknown): void {
    this.api.setState(state);
  }

  private onMessage(data: unknown): void {
    if (!this.isHostMessage(data)) return;
    if (data.type !== 'response') {
      this.pushHandler(data as Exclude<Host, { type: 'response' }>);
      return;
    }
    const r = data as unknown as Response;
    const p = this.pending.get(r.seq);
    if (!p) return;
    this.pending.delete(r.seq);
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r.result);
    else p.reject(new RequestError(String(r.error?.code ?? 'internal'), String(r.error?.message ?? 'Request failed.')));
  }
}
