/**
 * `mnemos serve`'s process: opens the store from flags and environment, serves MCP on stdin/stdout,
 * keeps stdout for the protocol (console output and uncaught errors go to the log), and shuts down
 * cleanly on end of input or a signal.
 */
import type { Readable, Writable } from 'node:stream';
import { type ConfigOverrides, configFromEnv, type MnemosStore, openStore, redactSecrets } from '../store';
import { embedderFromEnv } from '../embed/config';
import { createMcpServer } from './server';
import { LineTransport } from './transport';

export interface RunStdioOptions {
  /** Flags from the command line (`--db`, `--url`, `--replica`…), over the environment. */
  configOverrides?: ConfigOverrides;
  env?: NodeJS.ProcessEnv;
  /** Default: true, unless MNEMOS_MCP_COMPACT=0 in the environment. */
  compact?: boolean;
  stdin?: Readable;
  stdout?: Writable;
  log?: (line: string) => void;
  /** How long shutdown waits for answers to requests already read (ms). */
  drainTimeoutMs?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** stdout carries the protocol: anything a library prints goes to stderr instead. Returns the undo. */
function consoleToStderr(): () => void {
  const { log, info } = console;
  console.log = (...a: unknown[]) => console.error(...a);
  console.info = (...a: unknown[]) => console.error(...a);
  return () => {
    console.log = log;
    console.info = info;
  };
}

/** An error nobody caught is logged and the server keeps running. Returns the undo. */
function logUncaught(log: (line: string) => void, scrub: (s: string) => string): () => void {
  const onUncaught = (e: unknown) =>
    log(`unexpected error (server keeps running): ${scrub(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  return () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  };
}

/** Resolves `received` on SIGTERM, SIGINT or SIGHUP (instead of dying mid-write). */
function stopSignals(log: (line: string) => void): { received: Promise<void>; dispose(): void } {
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  let resolve: () => void = () => undefined;
  const received = new Promise<void>((r) => (resolve = r));
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: finishing requests in flight and closing the store`);
    resolve();
  };
  for (const s of signals) process.on(s, onSignal);
  return { received, dispose: () => signals.forEach((s) => process.off(s, onSignal)) };
}

/** Default true; MNEMOS_MCP_COMPACT=0 (or false, no) turns it off. */
function compactFromEnv(env: NodeJS.ProcessEnv): boolean {
  const v = env.MNEMOS_MCP_COMPACT?.trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'no');
}

/**
 * Serves MCP on stdin/stdout until the client closes stdin or the process gets SIGTERM/SIGINT/SIGHUP.
 * Then answers the requests already read, flushes the store's pending writes, closes it and resolves.
 * Rejects (with a message that never contains the token) when the store cannot be opened.
 */
export async function runStdioServer(opts: RunStdioOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`[mnemos-mcp] ${line}\n`));
  const config = configFromEnv(opts.configOverrides ?? {}, env);
  const secrets = ['authToken' in config ? config.authToken : undefined, env.TURSO_AUTH_TOKEN, env.LIBSQL_AUTH_TOKEN];
  const scrub = (s: string) => redactSecrets(s, secrets);
  const compact = opts.compact ?? compactFromEnv(env);

  let store: MnemosStore;
  try {
    store = await openStore(config);
  } catch (e) {
    throw new Error(scrub(message(e)), { cause: e });
  }
  store.onBackgroundError = (e) => log(`background write failed: ${scrub(message(e))}`);
  store.onWarning = (m) => log(scrub(m));
  // Semantic recall when MNEMOS_EMBED_MODEL names a model; never waits for it (keyword-only until it loads).
  const embedder = embedderFromEnv(env);
  if (embedder) {
    store.setEmbedder(embedder, { waitForModel: false });
    log(`embeddings: ${embedder.modelId} (loaded on first use)`);
  }

  const restoreConsole = consoleToStderr();
  const stopLoggingUncaught = logUncaught(log, scrub);
  const server = createMcpServer(store, { compact, log, secrets, env });
  server.server.onerror = (e) => log(`protocol: ${scrub(e.message)}`);
  const transport = new LineTransport(opts.stdin ?? process.stdin, opts.stdout ?? process.stdout);
  const signal = stopSignals(log);

  try {
    await server.connect(transport);
    log(`serving ${store.describe()} over stdio (${compact ? 'compact' : 'verbose'} output)`);
    await Promise.race([transport.inputEnded, transport.closed, signal.received]);
    transport.stopReading();
    if (!(await transport.idle(opts.drainTimeoutMs ?? 10_000))) log('gave up waiting for requests in flight');
  } finally {
    signal.dispose();
    await server.close().catch(() => undefined);
    await store.close().catch((e) => log(`closing the store failed: ${scrub(message(e))}`));
    await embedder?.dispose().catch(() => undefined);
    stopLoggingUncaught();
    restoreConsole();
  }
}
