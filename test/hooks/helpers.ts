/** Runs the built hook (dist/hook.js) as the agents do: a child process, JSON on stdin, stdout read back. */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const HOOK_BIN = path.join(ROOT, 'dist/hook.js');
export const FIXTURES = path.join(ROOT, 'test/fixtures/hooks');

let built = false;
/** Builds the bundles once per test process. */
export function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  built = true;
}

export function tmpDir(prefix = 'mnemos-hooks-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runHookBin(
  args: string[],
  stdin: string | Buffer,
  env: NodeJS.ProcessEnv,
  opts: { keepOpen?: boolean } = {},
): Promise<HookRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [HOOK_BIN, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const kill = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('error', reject);
    p.stdin.on('error', () => undefined); // the hook may stop reading a huge payload
    p.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
    p.stdin.write(stdin);
    if (!opts.keepOpen) p.stdin.end();
  });
}

/** A fixture's text with CWD and TRANSCRIPT filled in (JSON-escaped). */
export function fixture(agent: string, name: string, vars: { cwd: string; transcript?: string }): string {
  const text = fs.readFileSync(path.join(FIXTURES, agent, name), 'utf8');
  return text
    .replace(/"CWD/g, JSON.stringify(vars.cwd).slice(0, -1))
    .replace(/CWD/g, vars.cwd)
    .replace(/"TRANSCRIPT"/g, vars.transcript ? JSON.stringify(vars.transcript) : 'null');
}

/** A project folder that is a git repository named `billing-api` (as its origin remote says). */
export function projectDir(): string {
  const dir = path.join(tmpDir('mnemos-proj-'), 'checkout');
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.git', 'config'),
    '[remote "origin"]\n\turl = git@github.com:acme/billing-api.git\n',
  );
  return dir;
}

export function readLog(stateDir: string): Record<string, unknown>[] {
  try {
    return fs
      .readFileSync(path.join(stateDir, 'hooks.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}
