/**
 * Shared parts of the fault tests and the scale bench: the built CLI, writer processes that speak
 * JSON lines, a seeded random source, and clean child environments. No node:test import here, so
 * bench/scale.ts can use it too.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Embedder } from '../../src/embed/embedder';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');
export const WRITER_SOURCE = path.join(__dirname, 'writer.ts');
/** writer.ts bundled by esbuild (a plain node start: tens of ms instead of tsx's hundreds, 32 at a time in the bench). */
export const WRITER = path.join(ROOT, '.cache/faults/writer.js');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function tmpDir(prefix = 'mnemos-faults-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/cli.js (scripts/build.mjs) when it is missing or older than any source file. */
export function ensureBuilt(): void {
  if (fs.existsSync(CLI) && fs.statSync(CLI).mtimeMs >= newestMtime(path.join(ROOT, 'src'))) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(CLI))
    throw new Error(`node scripts/build.mjs failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Bundles writer.ts (as scripts/build.mjs bundles the CLI: native modules external). Needs dist/embed-worker.js for FAULT_EMBED. */
export function ensureWriterBundle(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  fs.mkdirSync(path.dirname(WRITER), { recursive: true });
  const tmp = `${WRITER}.${process.pid}.tmp`;
  esbuild.buildSync({
    entryPoints: [WRITER_SOURCE],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['libsql', '@libsql/*', 'onnxruntime-node', 'onnxruntime-common', 'sqlite-vec', 'sqlite-vec-*'],
    logLevel: 'error',
  });
  fs.renameSync(tmp, WRITER); // atomic: another test file may be starting writers from it
}

/** The tiny offline test model, its worker from dist/ (bundled: loads in a fraction of the tsx worker's time). */
export function tinyEmbedder(): Embedder {
  return new Embedder({
    modelId: 'tiny-bert',
    localModelPath: path.join(ROOT, 'test/fixtures/models'),
    cacheDir: path.join(ROOT, '.cache/faults/models'),
    allowRemote: false,
    workerPath: path.join(ROOT, 'dist/embed-worker.js'),
  });
}

/** Deterministic choices from a seed; timings stay real, so a seed replays the plan, not the race. */
export { rng as seeded } from '../../bench/lib/rng';

/** Same format as the writer's: unique, one FTS term on every row, importance derived from n. */
export function contentFor(prefix: string, n: number, extra = ''): string {
  return `faultprobe original ${prefix} n${n}${extra} ${randomUUID()}`;
}

/** Only what a child needs: nothing from the developer's shell (no TURSO_* leaking in). */
export function cleanEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir() };
  if (process.env.NODE_OPTIONS) env.NODE_OPTIONS = process.env.NODE_OPTIONS;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export type Msg = { t: string; [k: string]: any };

/** A child process that prints JSON lines; every parsed line goes to `onMsg` and `msgs`. */
export class LineChild {
  readonly msgs: Msg[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  onMsg: (m: Msg) => void = () => undefined;
  private buf = '';
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg | undefined) => void }[] = [];

  constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        let m: Msg;
        try {
          m = JSON.parse(line) as Msg;
        } catch {
          m = { t: 'text', line };
        }
        this.msgs.push(m);
        this.onMsg(m);
        this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
    void this.exited.then(() => {
      for (const w of this.waiters) w.resolve(undefined);
      this.waiters = [];
    });
  }

  /** The first message (already seen or future) matching `pred`; undefined if the process exits first. */
  waitFor(pred: (m: Msg) => boolean): Promise<Msg | undefined> {
    const seen = this.msgs.find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.proc.exitCode !== null || this.proc.signalCode) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  send(line: string): void {
    if (this.proc.stdin?.writable) this.proc.stdin.write(line + '\n');
  }

  kill(sig: NodeJS.Signals = 'SIGKILL'): void {
    if (this.proc.exitCode === null && !this.proc.signalCode) this.proc.kill(sig);
  }
}

export interface WriterEnv {
  config: object;
  prefix: string;
  topic: string;
  count?: number;
  mix?: 'store' | 'mixed' | 'update';
  /** mixed without update() (FAULT_UPDATES=0). */
  noUpdates?: boolean;
  gate?: boolean;
  embed?: boolean;
  lat?: boolean;
  paceMs?: number;
}

export function spawnWriter(w: WriterEnv): LineChild {
  const proc = spawn(process.execPath, [WRITER], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: cleanEnv({
      FAULT_CONFIG: JSON.stringify(w.config),
      FAULT_PREFIX: w.prefix,
      FAULT_TOPIC: w.topic,
      FAULT_COUNT: w.count === undefined ? undefined : String(w.count),
      FAULT_MIX: w.mix,
      FAULT_UPDATES: w.noUpdates ? '0' : undefined,
      FAULT_GATE: w.gate ? '1' : undefined,
      FAULT_EMBED: w.embed ? '1' : undefined,
      FAULT_LAT: w.lat ? '1' : undefined,
      FAULT_PACE_MS: w.paceMs ? String(w.paceMs) : undefined,
    }),
  });
  return new LineChild(proc);
}

export function quantile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
