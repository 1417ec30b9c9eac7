/**
 * What every tool family gets: the store, the output mode, and the handler guard that turns a
 * handler's text into a tool result and any failure into a tool error (never a stack trace).
 * A family registers its tools with the SDK's own `server.registerTool`, so the arguments a handler
 * receives are typed by the SDK from the zod input schema.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isBusyError, isStoreError, type MnemosStore, redactSecrets } from '../../store';

/** A handler's answer: plain text, or a full result (e.g. a tool error it chose itself). */
export type Reply = string | CallToolResult;

export interface ToolContext {
  store: MnemosStore;
  /** ICM's compact output (`ok:<id>`, `[topic] summary` lines); false = verbose blocks. */
  compact: boolean;
  /** The handler for tool `name` that only reads, or writes outside the queue (embed_all: minutes long). */
  read<A>(name: string, fn: (args: A) => Promise<Reply>): (args: A) => Promise<CallToolResult>;
  /** The handler for tool `name` that writes memories: runs in this server's write queue. */
  write<A>(name: string, fn: (args: A) => Promise<Reply>): (args: A) => Promise<CallToolResult>;
}

export interface ToolContextOptions {
  compact: boolean;
  /** Where diagnostics go (never stdout, which carries the protocol). */
  log: (line: string) => void;
  /** Strings to scrub from anything logged or returned (e.g. the auth token). */
  secrets: readonly (string | undefined)[];
}

export const text = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }] });
export const toolError = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }], isError: true });

/** Runs one task at a time, in arrival order. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export function createToolContext(store: MnemosStore, opts: ToolContextOptions): ToolContext {
  const scrub = (s: string) => redactSecrets(s, opts.secrets);
  // One agent's writes go to the store one at a time: it keeps their order, and bounds the load one
  // server puts on a shared sqld (many concurrent write streams from several clients can stall it).
  const writes = new SerialQueue();

  /** Store errors become their message, anything else a generic one (details to the log). */
  const failure = (name: string, e: unknown): CallToolResult => {
    if (isStoreError(e)) return toolError(scrub(e.message));
    if (isBusyError(e)) return toolError('the database stayed locked by other writers; nothing was changed, try again');
    if (e instanceof Error && e.name === 'EmbedderUnavailableError') {
      return toolError(`the embedding model is unavailable (${scrub(e.message)}); recall stays keyword-only`);
    }
    opts.log(`${name} failed: ${scrub(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
    return toolError(`${name} failed with an internal error; the details are in the Mnemos MCP server's log (stderr).`);
  };

  const guard =
    <A>(name: string, fn: (args: A) => Promise<Reply>, queued: boolean) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        const out = queued ? await writes.run(() => fn(args)) : await fn(args);
        return typeof out === 'string' ? text(out) : out;
      } catch (e) {
        return failure(name, e);
      }
    };

  return {
    store,
    compact: opts.compact,
    read: (name, fn) => guard(name, fn, false),
    write: (name, fn) => guard(name, fn, true),
  };
}
