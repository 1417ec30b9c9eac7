/** The graph panel's end of its protocol: one private VS Code API handle, requests as promises, pushes as callbacks. */
import {
  type GraphHostMessage,
  type GraphMethod,
  type GraphParams,
  type GraphResult,
  type GraphWebviewMessage,
  isGraphHostMessage,
} from '../shared/graphProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const REQUEST_TIMEOUT_MS = 30_000;

export class GraphRpc {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private seq = 0;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }
  >();
  private pushHandler: (m: Exclude<GraphHostMessage, { type: 'response' }>) => void = () => undefined;

  constructor() {
    window.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
  }

  onPush(handler: (m: Exclude<GraphHostMessage, { type: 'response' }>) => void): void {
    this.pushHandler = handler;
  }

  ready(): void {
    this.post({ type: 'ready' });
  }

  request<M extends GraphMethod>(method: M, params: GraphParams<M>): Promise<GraphResult<M>> {
    const seq = ++this.seq;
    return new Promise<GraphResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new RequestError('timeout', 'Mnemos did not answer in time.'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(seq, { resolve: resolve, reject, timer });
      this.post({ type: 'request', seq, method, params } as GraphWebviewMessage);
    });
  }

  getState(): unknown {
    return this.api.getState();
  }

  setState(state: unknown): void {
    this.api.setState(state);
  }

  private post(m: GraphWebviewMessage): void {
    this.api.postMessage(m);
  }

  private onMessage(data: unknown): void {
    if (!isGraphHostMessage(data)) return;
    if (data.type !== 'response') {
      this.pushHandler(data);
      return;
    }
    const p = this.pending.get(data.seq);
    if (!p) return;
    this.pending.delete(data.seq);
    clearTimeout(p.timer);
    if (data.ok) p.resolve(data.result);
    else
      p.reject(
        new RequestError(String(data.error?.code ?? 'internal'), String(data.error?.message ?? 'Request failed.')),
      );
  }
}
