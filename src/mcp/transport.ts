/**
 * Newline-delimited JSON-RPC over a pair of streams, like the SDK's StdioServerTransport, but hardened:
 * a malformed line gets a JSON-RPC error reply (-32700 / -32600) instead of silence, an oversized
 * line is discarded and answered instead of closing the connection, and end of input closes the
 * transport (the SDK's waits forever), so the server can flush and exit.
 */
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private size = 0;
  private discarding = false;
  private isClosed = false;
  private resolveClosed!: () => void;
  private resolveInputEnded!: () => void;
  /** Requests read but not yet answered, by id (the server flushes these before it exits). */
  private pending = new Map<string | number, number>();
  private idleWaiters: (() => void)[] = [];
  /** Resolves once the transport is closed (broken output, or close()). */
  readonly closed = new Promise<void>((r) => (this.resolveClosed = r));
  /** Resolves when the client stops sending (end of input). Answers to requests already read still go out. */
  readonly inputEnded = new Promise<void>((r) => (this.resolveInputEnded = r));

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('close', this.onEnd);
    this.input.on('error', this.onInputError);
    this.output.on('error', this.onOutputError);
    this.input.resume();
    return Promise.resolve();
  }

  /** Stops reading new messages (shutdown); answers to requests already read still go out. */
  stopReading(): void {
    this.input.off('data', this.onData);
    if (this.input.listenerCount('data') === 0) this.input.pause();
    this.chunks = [];
    this.size = 0;
    this.resolveInputEnded();
  }

  /** Resolves true when every request read so far has been answered, false on timeout. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0 || this.isClosed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  private settle(id: string | number): void {
    const n = this.pending.get(id);
    if (n === undefined) return;
    if (n > 1) this.pending.set(id, n - 1);
    else this.pending.delete(id);
    if (this.pending.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private onData = (chunk: Buffer | string): void => {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    while (buf.length) {
      const nl = buf.indexOf(0x0a);
      const part = nl === -1 ? buf : buf.subarray(0, nl);
      buf = nl === -1 ? Buffer.alloc(0) : buf.subarray(nl + 1);
      if (!this.discarding) {
        this.chunks.push(part);
        this.size += part.length;
        if (this.size > this.maxLineBytes) {
          this.chunks = [];
          this.size = 0;
          this.discarding = true;
          this.reply(null, -32600, `message larger than ${this.maxLineBytes} bytes; it was discarded`);
        }
      }
      if (nl === -1) return;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      const line = Buffer.concat(this.chunks, this.size).toString('utf8');
      this.chunks = [];
      this.size = 0;
      this.handleLine(line);
    }
  };

  private handleLine(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.reply(null, -32700, 'Parse error: each line must be one JSON-RPC message');
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      const id = (value as { id?: unknown } | null)?.id;
      const replyId = typeof id === 'string' || typeof id === 'number' ? id : null;
      this.reply(replyId, -32600, 'Invalid Request: not a JSON-RPC 2.0 request, notification or response');
      return;
    }
    const msg = parsed.data as { id?: string | number; method?: string };
    if (msg.method !== undefined && msg.id !== undefined) this.pending.set(msg.id, (this.pending.get(msg.id) ?? 0) + 1);
    try {
      this.onmessage?.(parsed.data);
    } catch (e) {
      this.onerror?.(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private reply(id: string | number | null, code: number, message: string): void {
    this.write(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }) + '\n').catch(() => undefined);
  }

  private onEnd = (): void => {
    this.resolveInputEnded();
  };

  private onInputError = (e: Error): void => {
    this.onerror?.(e);
    this.resolveInputEnded();
  };

  /** Nobody can read our answers any more (EPIPE): close. The listener stays so a late error cannot crash the process. */
  private onOutputError = (e: Error): void => {
    this.onerror?.(e);
    void this.close();
  };

  private write(data: string): Promise<void> {
    if (this.isClosed || this.output.destroyed || this.output.writableEnded)
      return Promise.reject(new Error('transport closed'));
    return new Promise((resolve, reject) => {
      this.output.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const m = message as { id?: string | number; method?: string };
    try {
      await this.write(JSON.stringify(message) + '\n');
    } finally {
      if (m.method === undefined && m.id !== undefined) this.settle(m.id);
    }
  }

  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.isClosed = true;
    this.stopReading();
    this.input.off('end', this.onEnd);
    this.input.off('close', this.onEnd);
    this.pending.clear();
    for (const w of this.idleWaiters.splice(0)) w();
    this.resolveClosed();
    this.onclose?.();
    return Promise.resolve();
  }
}
