/**
 * Runs N writer processes (test/store/writer-proc.ts) against one store at once: each opens the
 * store, all start together, each issues individual store() calls and reports every acknowledged id.
 * Shared by the concurrency test and the write benchmark. A watchdog asks `onStall` what to do when
 * no acknowledgement has arrived for `stallMs` (a server that stopped accepting writes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { createClient } from '@libsql/client';
import type { StoreConfig } from '../../src/store';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'test/store/writer-proc.ts');

export interface WriterStats {
  writer: number;
  retries: number;
  openMs: number;
  writeMs: number;
  p50: number;
  p99: number;
  max: number;
}
export interface RunResult {
  writers: number;
  perWriter: number;
  acks: string[][];
  actions: string[];
  retryMessages: string[];
  errors: string[];
  stats: WriterStats[];
  /** Exit code of each writer (null: killed). */
  codes: (number | null)[];
  /** Tail of each writer's stderr. */
  logs: string[];
  wallMs: number;
  /** Every writer finished; false when the watchdog stopped a stalled run. */
  complete: boolean;
  stallNote?: string;
}
export interface RunOptions {
  writers: number;
  perWriter: number;
  configFor: (w: number) => StoreConfig;
  /** Bypass Mnemos: writers use plain @libsql/client against this URL (table raw_concurrency must exist). */
  rawUrl?: string;
  /** store() retries per memory inside a writer (same content, so dedup makes it land once). */
  retries?: number;
  stallMs?: number;
  /** Called after stallMs without an ack: a reason string stops the run, undefined keeps waiting. */
  onStall?: () => Promise<string | undefined>;
}

/** Starts every writer, waits until all have opened the store, releases them together, collects acks. */
export async function runWriters(o: RunOptions): Promise<RunResult> {
  const { writers, perWriter } = o;
  const stallMs = o.stallMs ?? 10_000;
  const procs: ChildProcess[] = [];
  const r: RunResult = {
    writers,
    perWriter,
    acks: Array.from({ length: writers }, () => []),
    actions: [],
    retryMessages: [],
    errors: [],
    stats: [],
    codes: [],
    logs: Array.from({ length: writers }, () => ''),
    wallMs: 0,
    complete: false,
  };
  let ready = 0;
  let lastAck: number;
  let releaseAll: () => void = () => undefined;
  const allReady = new Promise<void>((res) => (releaseAll = res));
  const exits: Promise<number | null>[] = [];
  try {
    for (let w = 0; w < writers; w++) {
      const p = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {
          ...process.env,
          MNEMOS_WRITER_CONFIG: JSON.stringify(o.configFor(w)),
          WRITER_INDEX: String(w),
          WRITER_COUNT: String(perWriter),
          WRITER_RETRIES: String(o.retries ?? 0),
          ...(o.rawUrl ? { WRITER_RAW_URL: o.rawUrl } : {}),
        },
      });
      procs.push(p);
      let buf = '';
      p.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line === 'ready' && ++ready === writers) releaseAll();
          else if (line.startsWith('ack ')) {
            const [, id, action] = line.split(' ');
            r.acks[w].push(id);
            r.actions.push(action);
            lastAck = Date.now();
          } else if (line.startsWith('retry ')) r.retryMessages.push(line.slice(6));
          else if (line.startsWith('done ')) r.stats.push(JSON.parse(line.slice(5)) as WriterStats);
          else if (line.startsWith('err ')) r.errors.push(`writer ${w}: ${line.slice(4)}`);
        }
      });
      p.stderr.on('data', (d: Buffer) => (r.logs[w] = (r.logs[w] + d.toString()).slice(-2000)));
      exits.push(new Promise((res) => p.on('exit', (code) => res(code))));
    }
    // A writer that dies while opening would leave the others waiting: race readiness against exits.
    await Promise.race([allReady, Promise.all(exits)]);
    if (ready !== writers)
      throw new Error(
        `only ${ready} of ${writers} writers opened the store: ${r.errors.join('; ')} ${r.logs.join('\n')}`,
      );
    const t0 = performance.now();
    lastAck = Date.now();
    for (const p of procs) p.stdin!.write('go\n');
    let stalled: string | undefined;
    const all = Promise.all(exits);
    while (!stalled) {
      const done = await Promise.race([
        all.then(() => true),
        new Promise<false>((res) => setTimeout(() => res(false), 1000)),
      ]);
      if (done) break;
      if (Date.now() - lastAck > stallMs && o.onStall) {
        stalled = await o.onStall();
        if (!stalled) lastAck = Date.now();
      }
    }
    r.wallMs = performance.now() - t0;
    if (stalled) {
      r.stallNote = stalled;
      return r;
    }
    r.codes = await all;
    r.complete = true;
    return r;
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  }
}

/** Does a one-row write on the server return within 5 s? (A fresh client: not one of the writers.) */
export async function serverAcceptsWrites(url: string): Promise<boolean> {
  const c = createClient({ url });
  try {
    const write = c.execute({
      sql: `INSERT OR REPLACE INTO icm_metadata(key, value) VALUES ('concurrency_probe', ?)`,
      args: [String(Date.now())],
    });
    write.catch(() => undefined);
    return await Promise.race([
      write.then(() => true),
      new Promise<boolean>((res) => setTimeout(() => res(false), 5000)),
    ]);
  } finally {
    c.close();
  }
}
