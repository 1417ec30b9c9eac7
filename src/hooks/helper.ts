/**
 * The warm helper: one per user and build, started detached by the first hook (or `mnemos recall`) that
 * finds none, and gone after an idle time (`MNEMOS_HELPER_IDLE_MS`, 10 minutes). It keeps the native
 * libsql module loaded, the bundles compiled and local stores open, and runs the hook or the CLI command
 * a client sends (src/hooks/client.ts) exactly as that client would have: the request's argv, working
 * folder and environment, stdout/stderr captured and sent back with the exit code.
 *
 * Safety: the socket lives in a per-user 0700 folder the helper and the clients both check
 * (src/hooks/helperWire.ts); a client must present the token of a 0600 file in it; requests and their
 * fields are capped; one lock file makes a second helper of the same build exit at once; a stale socket
 * (a helper that was killed) is replaced. The helper serves local files only (each request names its
 * own: `--db`, `MNEMOS_DB`…, and a different file is opened beside the others, at most 4, the least
 * recently used closed); a remote or replica store, or a request that wants embeddings, is declined and
 * the client runs it in-process.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../cli/main';
import { configFromEnv, type MnemosStore, openStore, type StoreConfig } from '../store';
import { runHookCommand } from './entry';
import {
  type HelperPaths,
  type HelperReply,
  type HelperRequest,
  helperPaths,
  livePid,
  MAX_REQUEST_BYTES,
  WIRE_VERSION,
} from './helperWire';

/** CLI commands a client may send: they read the store, take nothing on stdin, and print. */
export const HELPER_CLI_COMMANDS: readonly string[] = ['recall', 'get', 'list', 'topics', 'stats'];
const MAX_STORES = 4;
const MAX_ARGS = 256;
const MAX_ENV = 4096;

interface Pooled {
  store: Promise<MnemosStore>;
  /** The file's identity when opened: a file replaced or deleted under the helper is opened again. */
  ident: string;
  used: number;
}

function fileIdent(p: string): string {
  try {
    const st = fs.statSync(p);
    return `${st.dev}:${st.ino}`;
  } catch {
    return 'missing';
  }
}

/** Local stores kept open, keyed by their file. */
export class StorePool {
  private readonly open = new Map<string, Pooled>();
  constructor(private readonly log: (line: string) => void = () => undefined) {}

  get size(): number {
    return this.open.size;
  }

  async lease(cfg: StoreConfig): Promise<MnemosStore> {
    if (cfg.mode !== 'local') throw new Error('the helper serves local files only');
    const key = cfg.path;
    const ident = fileIdent(key);
    let p = this.open.get(key);
    if (p && p.ident !== ident) {
      this.log(`reopening ${key}: the file changed`);
      this.drop(key);
      p = undefined;
    }
    if (!p) {
      const store = openStore(cfg);
      p = { store, ident, used: Date.now() };
      this.open.set(key, p);
      store.then(
        () => (p!.ident = fileIdent(key)), // created by the open: its identity from now on
        () => this.open.get(key) === p && this.open.delete(key),
      );
      while (this.open.size > MAX_STORES) {
        const oldest = [...this.open.entries()].sort((a, b) => a[1].used - b[1].used)[0][0];
        this.drop(oldest);
      }
    }
    p.used = Date.now();
    return p.store;
  }

  private drop(key: string): void {
    const p = this.open.get(key);
    this.open.delete(key);
    // Requests still holding it finish first (a close waits for its statements); errors are moot here.
    p?.store.then((s) => setTimeout(() => void s.close().catch(() => undefined), 5_000).unref()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.store.then((s) => s.close()).catch(() => undefined)));
  }
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    if (this.text.length < 32 * 1024 * 1024) this.text += chunk.toString();
    cb();
  }
}

/** What is wrong with a request, or undefined (shape, sizes, types; the token is checked apart). */
export function requestProblem(r: unknown): string | undefined {
  if (!r || typeof r !== 'object' || Array.isArray(r)) return 'not an object';
  const q = r as Partial<HelperRequest>;
  if (q.v !== WIRE_VERSION) return 'wire version';
  if (q.kind !== 'hook' && q.kind !== 'cli') return 'kind';
  if (
    !Array.isArray(q.argv) ||
    q.argv.length > MAX_ARGS ||
    q.argv.some((a) => typeof a !== 'string' || a.length > 65536)
  )
    return 'argv';
  if (typeof q.cwd !== 'string' || !q.cwd || q.cwd.length > 4096 || q.cwd.includes('\0')) return 'cwd';
  if (!q.env || typeof q.env !== 'object' || Array.isArray(q.env)) return 'env';
  const env = Object.entries(q.env);
  if (env.length > MAX_ENV || env.some(([, v]) => typeof v !== 'string')) return 'env';
  if (q.input !== undefined && (typeof q.input !== 'object' || typeof q.input?.text !== 'string')) return 'input';
  if (q.kind === 'cli' && !HELPER_CLI_COMMANDS.includes(q.argv[0] ?? '')) return 'command';
  return undefined;
}

/** Why the helper leaves a (valid) request to the client, or undefined when it serves it. */
function declineReason(q: HelperRequest): string | undefined {
  const env = q.env;
  const model = (env.MNEMOS_EMBED_MODEL ?? '').trim();
  if (model && model !== 'off' && model !== '0') return 'embeddings: the model is loaded in-process';
  if (q.kind === 'hook' && env.MNEMOS_HOOK_HYBRID === '1') return 'hybrid hook recall';
  if (q.kind === 'cli' && q.argv.some((a) => a === '--url' || a.startsWith('--url=') || a === '--replica'))
    return 'not a local file';
  try {
    if (configFromEnv({}, env).mode !== 'local') return 'not a local file';
  } catch {
    return 'store settings the command should report itself';
  }
  return undefined;
}

export interface HelperOptions {
  /** The file the helper runs (dist/cli-main.js): its build id names the socket. */
  helperFile: string;
  env?: NodeJS.ProcessEnv;
  idleMs?: number;
  log?: (line: string) => void;
}

/** Runs the helper until it has been idle long enough; resolves when it has shut down. */
export async function runHelper(o: HelperOptions): Promise<void> {
  const env = o.env ?? process.env;
  const log = o.log ?? (() => undefined);
  const idleMs = Math.max(200, Number(env.MNEMOS_HELPER_IDLE_MS) || 10 * 60_000);
  const paths = helperPaths(env, o.helperFile, true);
  if (!paths) return log('no safe runtime folder: not starting');
  if (!takeLock(paths)) return log('another helper holds the lock');
  const token = randomBytes(32).toString('hex');
  const pool = new StorePool(log);
  let inFlight = 0;
  let last = Date.now();
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    inFlight++;
    last = Date.now();
    void handle(sock, token, pool, log).finally(() => {
      inFlight--;
      last = Date.now();
    });
  });
  try {
    await listen(server, paths);
    writeKey(paths.key, token);
  } catch (e) {
    releaseLock(paths);
    throw e;
  }
  const sockIdent = fileIdent(paths.sock);
  log(`listening on ${paths.sock}, idle exit after ${idleMs} ms`);
  await new Promise<void>((resolve) => {
    const tick = setInterval(
      () => {
        // Idle, or our socket was removed or replaced (the folder cleaned): leave.
        if ((inFlight === 0 && Date.now() - last >= idleMs) || fileIdent(paths.sock) !== sockIdent) {
          clearInterval(tick);
          resolve();
        }
      },
      Math.min(1000, idleMs / 4),
    );
    const stop = () => {
      clearInterval(tick);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  log('idle: shutting down');
  // Our files only: a socket replaced under us belongs to the helper that replaced it.
  const ours = fileIdent(paths.sock) === sockIdent;
  server.close();
  if (ours) {
    fs.rmSync(paths.sock, { force: true });
    fs.rmSync(paths.key, { force: true });
  }
  releaseLock(paths);
  await pool.closeAll();
}

function takeLock(paths: HelperPaths): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(paths.lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
      if (livePid(paths.lock) !== undefined) return false;
      fs.rmSync(paths.lock, { force: true }); // a helper that died without cleaning up
    }
  }
  return false;
}

function releaseLock(paths: HelperPaths): void {
  try {
    if (fs.readFileSync(paths.lock, 'utf8').trim() === String(process.pid)) fs.rmSync(paths.lock, { force: true });
  } catch {
    /* gone already */
  }
}

function writeKey(file: string, token: string): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, token, { flag: 'wx', mode: 0o600 });
}

function listen(server: net.Server, paths: HelperPaths): Promise<void> {
  // We hold the lock: whatever socket file is there belongs to a helper that is gone (a stale socket).
  fs.rmSync(paths.sock, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(paths.sock, () => {
      server.off('error', reject);
      try {
        fs.chmodSync(paths.sock, 0o600);
      } catch {
        /* the folder's 0700 is what protects it */
      }
      resolve();
    });
  });
}

function tokenOk(given: unknown, token: string): boolean {
  if (typeof given !== 'string' || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

async function handle(sock: net.Socket, token: string, pool: StorePool, log: (line: string) => void): Promise<void> {
  const reply = (r: HelperReply) => {
    if (!sock.destroyed) sock.end(JSON.stringify(r));
  };
  sock.on('error', () => undefined);
  const text = await new Promise<string | undefined>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => resolve(undefined), 10_000);
    sock.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_REQUEST_BYTES) {
        clearTimeout(timer);
        sock.destroy();
        return resolve(undefined);
      }
      chunks.push(b);
    });
    sock.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (text === undefined) return void sock.destroy();
  let req: HelperRequest;
  try {
    req = JSON.parse(text) as HelperRequest;
  } catch {
    return void sock.destroy();
  }
  if (!req || typeof req !== 'object' || !tokenOk(req.token, token)) {
    log('refused a request without the token');
    return void sock.destroy();
  }
  const bad = requestProblem(req);
  if (bad) return reply({ decline: `bad request (${bad})` });
  const why = declineReason(req);
  if (why) return reply({ decline: why });
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough();
  stdin.end();
  const env: NodeJS.ProcessEnv = { ...req.env };
  const sharedStore = (cfg: StoreConfig) => pool.lease(cfg);
  let code: number;
  try {
    code =
      req.kind === 'hook'
        ? await runHookCommand(req.argv, {
            stdin,
            stdout,
            stderr,
            env,
            input: req.input
              ? { text: req.input.text, tooBig: req.input.tooBig === true }
              : { text: '', tooBig: false },
            skipOnce: req.skipOnce === true,
            sharedStore,
          })
        : await main(req.argv, { stdin, stdout, stderr, env, cwd: req.cwd, sharedStore });
  } catch (e) {
    log(`request failed: ${String((e as Error)?.message ?? e)}`);
    return reply({ decline: 'the helper failed' });
  }
  reply({ code, stdout: stdout.text, stderr: stderr.text });
}
