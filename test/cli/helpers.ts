/** Runs the CLI in-process with captured streams, and builds per-mode targets (flags + env). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main';
import { openStore } from '../../src/store';
import type { Sqld } from '../helpers/sqld';

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document. */
  json<T = any>(): T;
  /** stderr parsed as one JSON document. */
  errJson<T = any>(): T;
}

export function tmpDir(prefix = 'mnemos-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A clean environment: nothing from the developer's shell (no TURSO_* leaking in), default db under a temp folder. */
const BASE_ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH, XDG_DATA_HOME: tmpDir('mnemos-cli-home-') };

export async function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string; cwd?: string } = {},
): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, {
    stdout,
    stderr,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: { ...BASE_ENV, ...opts.env },
    cwd: opts.cwd,
  });
  const parse = (text: string, what: string) => {
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${what} is not one JSON document (exit ${code}):\n${text}\nstderr: ${stderr.text}`);
    }
  };
  return {
    code,
    stdout: stdout.text,
    stderr: stderr.text,
    json: () => parse(stdout.text, 'stdout'),
    errJson: () => parse(stderr.text, 'stderr'),
  };
}

/** Where a test's CLI calls point: extra leading flags plus environment. */
export interface Target {
  mode: 'local' | 'remote' | 'replica';
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Runs `mnemos <target flags> ...args`, expecting exit 0 unless `expect` says otherwise. */
  run(args: string[], opts?: { stdin?: string; expect?: number; json?: boolean }): Promise<CliResult>;
}

export function makeTarget(mode: Target['mode'], args: string[], env: NodeJS.ProcessEnv): Target {
  const t: Target = {
    mode,
    args,
    env,
    async run(cmd, opts = {}) {
      const full = [...args, ...(opts.json === false ? [] : ['--format', 'json']), ...cmd];
      const r = await runCli(full, { env, stdin: opts.stdin });
      const expect = opts.expect ?? 0;
      if (r.code !== expect)
        throw new Error(
          `mnemos ${cmd.join(' ')} exited ${r.code}, expected ${expect}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
        );
      return r;
    },
  };
  return t;
}

/** Empties the server's database between tests (the sqld is shared by a whole file). */
export async function wipeServer(sqld: Sqld): Promise<void> {
  const s = await openStore({ mode: 'remote', url: sqld.url, authToken: sqld.token });
  try {
    await s.sql('DELETE FROM memories');
    await s.sql('DELETE FROM icm_metadata');
  } finally {
    await s.close();
  }
}

/** An export document for seeding: n memories in `topic`, ids and weights fixed so order is known. */
export function seedExport(n: number, topic = 'seed', opts: { start?: number; importance?: string } = {}) {
  const memories = Array.from({ length: n }, (_, k) => {
    const i = (opts.start ?? 0) + k;
    const ts = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString().replace('Z', '+00:00');
    return {
      id: `01J0000000000000000000${String(i).padStart(4, '0')}`,
      topic,
      summary: `seeded memory number ${i} about gardening`,
      importance: opts.importance ?? 'medium',
      keywords: [`k${i}`],
      rawExcerpt: null,
      weight: 1 - i / 1000,
      accessCount: 0,
      createdAt: ts,
      updatedAt: ts,
      lastAccessed: ts,
      sourceType: 'manual',
      sourceData: null,
      relatedIds: [],
    };
  });
  return { format: 'mnemos-export', version: 1, exportedAt: '2026-01-02T00:00:00+00:00', memories };
}
