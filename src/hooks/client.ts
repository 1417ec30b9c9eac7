/**
 * The helper's clients, bundled into the small entries (dist/hook.js, dist/cli.js): a hook, or one of
 * the read-only CLI commands, is sent to the warm helper (src/hooks/helper.ts) and its answer printed.
 * Nothing here loads libsql or the CLI: the full code (dist/cli-main.js) is required only when the work
 * has to happen in this process — no helper yet (one is started, detached, for the next call), the
 * helper declined, it died mid-request, `MNEMOS_HELPER=off`, or no safe runtime folder.
 * A hook never blocks the agent: a helper that does not answer within the hook's budget gets the agent
 * nothing (exit 0), as an in-process hook that runs out of time does.
 */
import type * as Full from '../cli/full';
import type * as Local from './local';
import { helperDisabled, type HelperPaths, helperPaths, livePid, type RequestOutcome, sendRequest } from './helperWire';
import { readStdin } from './stdin';

function loadFull(mainFile: string): typeof Full {
  // A computed path: the bundler leaves it to Node (dist/cli-main.js beside this bundle).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(mainFile) as typeof Full;
}

/** Starts a helper for the next call unless one is starting or running. Never throws. */
export function startHelper(paths: HelperPaths, mainFile: string, env: NodeJS.ProcessEnv): void {
  try {
    if (livePid(paths.lock) !== undefined) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only on this rare path
    const { spawn } = require('node:child_process') as typeof import('node:child_process');
    const child = spawn(process.execPath, [mainFile, '--mnemos-helper'], {
      detached: true,
      stdio: 'ignore',
      cwd: paths.dir,
      env: { ...env, RUST_LOG: env.RUST_LOG ?? 'off' },
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    /* the work happens in-process anyway */
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

function num(v: string | undefined, dflt: number): number {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) ? n : dflt;
}

function print(code: number, stdout: string, stderr: string): void {
  process.stdout.on('error', () => undefined); // EPIPE: a reader that went away
  if (stderr) process.stderr.write(stderr);
  if (stdout) process.stdout.write(stdout);
  process.exitCode = code;
}

/** `mnemos hook …` / `mnemos-hook …`: through the helper when it can, else in-process. */
export async function hookClient(argv: string[], mainFile: string): Promise<void> {
  const env = process.env;
  const inProcess = async (input?: { text: string; tooBig: boolean }, skipOnce?: boolean) => {
    const code = await loadFull(mainFile).runHookCommand(argv, {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env,
      input,
      skipOnce,
    });
    process.exit(code);
  };
  if (env.MNEMOS_HOOKS === 'off' || helperDisabled(env)) return inProcess();
  const paths = helperPaths(env, mainFile, true);
  if (!paths) return inProcess();
  const budget = Math.min(120_000, Math.max(100, num(env.MNEMOS_HOOK_TIMEOUT_MS, argv[0] === 'prompt' ? 2500 : 8000)));
  const input = await readStdin(process.stdin, Math.min(budget, 2000));
  const r: RequestOutcome = await sendRequest(
    paths,
    { kind: 'hook', argv, cwd: process.cwd(), env: stringEnv(env), input },
    budget + 1000,
  );
  if (r.ok && 'code' in r.reply) {
    print(r.reply.code, r.reply.stdout, r.reply.stderr);
    return;
  }
  if (r.ok) return inProcess(input);
  if (r.stage === 'connect') {
    startHelper(paths, mainFile, env);
    return inProcess(input);
  }
  if (r.stage === 'midway') return inProcess(input, true);
  // The helper is hung: the agent must not wait for a second attempt.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- node:crypto and the log code, only on this path
  const { fileLogger, stateDir } = require('./local') as typeof Local;
  fileLogger(stateDir(env), { event: argv[0] }).log('error', 'helper did not answer; the agent got no output', {
    error: r.reason,
  });
  process.exit(0);
}

/** A read-only CLI command (src/hooks/helper.ts HELPER_CLI_COMMANDS): through the helper when it can. */
export async function cliClient(argv: string[], mainFile: string): Promise<void> {
  const env = process.env;
  const paths = helperDisabled(env) ? undefined : helperPaths(env, mainFile, true);
  if (paths) {
    const r = await sendRequest(paths, { kind: 'cli', argv, cwd: process.cwd(), env: stringEnv(env) }, 60_000);
    if (r.ok && 'code' in r.reply) return print(r.reply.code, r.reply.stdout, r.reply.stderr);
    if (!r.ok && r.stage === 'connect') startHelper(paths, mainFile, env);
  }
  await loadFull(mainFile).runAsProcess(argv);
}
