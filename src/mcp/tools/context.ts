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
  /** ICM's store nudge: after this many tool calls without an `icm_memory_store`, results carry a hint; 0 = off. */
  storeNudge?: number;
}

/** ICM's store nudge text (icm-mcp), appended to a tool result's text. */
export const storeNudgeHint = (calls: number): string =>
  `\n[ICM: ${calls} tool calls since last store. Consider saving important context with icm_memory_store before it is lost.]`;

/** The result with ICM's hint appended to its last text part (or as a text part of its own). */
function withHint(r: CallToolResult, hint: string): CallToolResult {
  const content = [...r.content];
  const last = content.length - 1;
  const part = content[last];
  if (part && part.type === 'text') content[last] = { ...part, text: part.text + hint };
  else content.push({ type: 'text', text: hint.trimStart() });
  return { ...r, content };
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

  const nudge = Math.max(0, Math.floor(opts.storeNudge ?? 0));
  let sinceStore = 0;
  const run = async <A>(name: string, fn: (args: A) => Promise<Reply>, queued: boolean, args: A) => {
    try {
      const out = queued ? await writes.run(() => fn(args)) : await fn(args);
      return typeof out === 'string' ? text(out) : out;
    } catch (e) {
      return failure(name, e);
    }
  };
  const guard =
    <A>(name: string, fn: (args: A) => Promise<Reply>, queued: boolean) =>
    async (args: A): Promise<CallToolResult> => {
      // ICM counts every call (a failed one too) and resets on every store, before the call runs.
      const calls = name === 'icm_memory_store' ? (sinceStore = 0) : ++sinceStore;
      const result = await run(name, fn, queued, args);
      return nudge > 0 && calls >= nudge ? withHint(result, storeNudgeHint(calls)) : result;
    };

  return {
    store,
    compact: opts.compact,
    read: (name, fn) => guard(name, fn, false),
    write: (name, fn) => guard(name, fn, true),
  };
}
