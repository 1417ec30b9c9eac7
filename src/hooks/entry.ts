/**
 * `mnemos hook <event> --agent <dialect>`: reads the agent's JSON on stdin, answers on stdout, exits 0.
 * Runs on every prompt, so it imports little up front: the store is loaded only when an event needs it.
 * Whatever goes wrong (store offline, bad payload, timeout) the agent gets empty stdout and exit 0,
 * and the reason goes to `<state dir>/hooks.log`. src/hooks/bin.ts runs it as dist/hook.js (scripts/build.mjs).
 */
import { createHash } from 'node:crypto';
import { DIALECTS, type Dialect, parseHookInput, PayloadError, renderHookOutput } from './adapters';
import { claimOnce, detectProject, fileLogger, stateDir, sweepOnce } from './local';
import { MAX_INPUT_BYTES, readStdin } from './stdin';
import { HOOK_EVENTS, type HookConfig, type HookEventName } from './types';
import type { MnemosStore, StoreConfig } from '../store';

export { MAX_INPUT_BYTES } from './stdin';

export interface HookIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
  /** The payload, already read (by the helper's client): stdin is then not read. */
  input?: { text: string; tooBig: boolean };
  /** Act even if this payload was claimed once already (a helper that claimed it died before answering). */
  skipOnce?: boolean;
  /** A store kept open by the caller (the warm helper, src/hooks/helper.ts): used, never closed here. */
  sharedStore?: (config: StoreConfig) => Promise<MnemosStore>;
}

export const HOOK_USAGE = `usage: mnemos hook <${HOOK_EVENTS.join('|')}> --agent <${DIALECTS.join('|')}> [--db FILE | --url URL]`;

interface HookArgs {
  event: HookEventName;
  dialect: Dialect;
  /** `--db FILE` / `--url URL`, written by `mnemos init --db` and the extension's Connect Agents: the store to use. */
  store: { db?: string; url?: string };
}

function parseArgv(argv: readonly string[]): HookArgs | string {
  let event: string | undefined;
  let dialect: string | undefined;
  const store: HookArgs['store'] = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined];
    if (flag === '--agent') dialect = inline ?? argv[++i];
    else if (flag === '--db' || flag === '--url') {
      const v = inline ?? argv[++i];
      if (!v) return `${flag} needs a value`;
      store[flag === '--db' ? 'db' : 'url'] = v;
    } else if (!a.startsWith('-') && event === undefined) event = a;
    else return `unexpected argument ${JSON.stringify(a)}`;
  }
  if (store.db !== undefined && store.url !== undefined) return 'give --db or --url, not both';
  if (!event || !(HOOK_EVENTS as readonly string[]).includes(event))
    return `unknown hook event ${JSON.stringify(event ?? '')}`;
  if (!dialect || !(DIALECTS as readonly string[]).includes(dialect))
    return `unknown agent ${JSON.stringify(dialect ?? '')}`;
  return { event: event as HookEventName, dialect: dialect as Dialect, store };
}

function num(v: string | undefined, dflt: number, min: number, max: number): number {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : dflt;
}

export function configFromHookEnv(env: NodeJS.ProcessEnv, base: HookConfig): HookConfig {
  return {
    minScore: num(env.MNEMOS_HOOK_MIN_SCORE, base.minScore, 0, 1000),
    promptLimit: Math.floor(num(env.MNEMOS_HOOK_LIMIT, base.promptLimit, 1, 20)),
    promptTokens: Math.floor(num(env.MNEMOS_HOOK_PROMPT_TOKENS, base.promptTokens, 50, 4000)),
    wakeUpTokens: Math.floor(num(env.MNEMOS_HOOK_WAKEUP_TOKENS, base.wakeUpTokens, 20, 4000)),
    extractEvery: Math.floor(num(env.MNEMOS_HOOK_EXTRACT_EVERY, base.extractEvery, 0, 1000)),
    maxPerExtraction: base.maxPerExtraction,
    archive: env.MNEMOS_HOOK_ARCHIVE === '1',
  };
}

/** Runs one hook; resolves to the exit code (always 0 once the arguments are valid). */
export async function runHookCommand(argv: readonly string[], io: HookIo): Promise<number> {
  const args = parseArgv(argv);
  if (typeof args === 'string') {
    io.stderr.write(`mnemos hook: ${args}\n${HOOK_USAGE}\n`);
    return 64; // a wrong command line is the installer's mistake, not the agent's: say so loudly
  }
  const { event, dialect, store } = args;
  const dir = stateDir(io.env);
  const t0 = Date.now();
  let logger = fileLogger(dir, { event, agent: dialect });
  if (io.env.MNEMOS_HOOKS === 'off') return 0;
  const budget = num(io.env.MNEMOS_HOOK_TIMEOUT_MS, event === 'prompt' ? 2500 : 8000, 100, 120_000);
  let closeStore: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    const input = io.input ?? (await readStdin(io.stdin, Math.min(budget, 2000)));
    if (input.tooBig) throw new PayloadError(`payload larger than ${MAX_INPUT_BYTES} bytes`);
    let raw: unknown;
    try {
      raw = JSON.parse(input.text);
    } catch {
      throw new PayloadError(`stdin is not JSON (${input.text.length} characters)`);
    }
    const ev = parseHookInput(dialect, event, raw);
    logger = fileLogger(dir, { event, agent: dialect, session: ev.sessionId });
    // VS Code also runs Claude Code's hook files: the same payload may arrive twice; act once.
    const onceMs = num(io.env.MNEMOS_HOOK_ONCE_MS, 15_000, 0, 600_000);
    const key = `${event}\0${createHash('sha256').update(input.text).digest('hex')}`;
    if (onceMs > 0 && !claimOnce(dir, key, onceMs) && !io.skipOnce) return { note: 'duplicate delivery' };
    if (event === 'start') sweepOnce(dir);
    ev.project = detectProject(ev.cwd);
    const [{ runHook, DEFAULT_CONFIG }, { storeDeps }] = await Promise.all([import('./core'), import('./deps')]);
    const deps = storeDeps({
      env: io.env,
      store,
      stateDir: dir,
      logger,
      dialect,
      sessionId: ev.sessionId,
      sharedStore: io.sharedStore,
    });
    closeStore = deps.close;
    return runHook(ev, deps, configFromHookEnv(io.env, DEFAULT_CONFIG));
  })();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${budget} ms`)), budget);
  });
  try {
    const result = await Promise.race([work, timeout]);
    const out = renderHookOutput(dialect, event, result);
    if (out.stdout) io.stdout.write(out.stdout);
    logger.log('info', result.note ?? 'done', { ms: Date.now() - t0, injected: out.stdout.length, pid: process.pid });
  } catch (e) {
    work.catch(() => undefined);
    const level = e instanceof PayloadError ? 'warn' : 'error';
    logger.log(level, 'hook failed; the agent got no output', {
      error: String((e as Error)?.message ?? e).slice(0, 500),
      ms: Date.now() - t0,
    });
  } finally {
    clearTimeout(timer);
    // Close, but never wait more than 500 ms for it; the cap's timer is cleared so that it does not keep a
    // process that ends when its event loop drains (`mnemos hook` through the CLI) alive for the rest of it.
    if (closeStore) {
      let cap: NodeJS.Timeout | undefined;
      await Promise.race([
        closeStore().catch(() => undefined),
        new Promise((r) => {
          cap = setTimeout(r, 500);
        }),
      ]);
      clearTimeout(cap);
    }
  }
  return 0;
}
