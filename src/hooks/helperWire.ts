/**
 * The warm helper's wire, shared by its clients (dist/cli.js, dist/hook.js: tiny, loaded on every hook and
 * every `mnemos recall`) and the helper itself (src/hooks/helper.ts). Node built-ins only: importing this
 * must cost the clients nothing measurable.
 *
 * Where: one per-user folder, 0700, owned by the user (`$MNEMOS_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/mnemos`,
 * else `<tmp>/mnemos-<uid>`), checked before every use; in it, per build of dist/cli-main.js (its size and
 * mtime, so a rebuilt or upgraded Mnemos never talks to an old helper): `h-<id>.sock` (the Unix socket,
 * 0600), `h-<id>.key` (a random token the client must present, 0600), `h-<id>.pid` (the lock: one helper).
 * One request per connection: the client writes one JSON object and half-closes; the helper answers one
 * JSON object and closes. Both sides cap what they read.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Hook payloads are capped at 8 MiB (src/hooks/entry.ts); the rest is argv, env and framing. */
export const MAX_REQUEST_BYTES = 9 * 1024 * 1024;
/** Captured stdout + stderr of one command (a `list --all` of a big store is the largest). */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;
export const WIRE_VERSION = 1;

export interface HelperRequest {
  v: number;
  token: string;
  kind: 'hook' | 'cli';
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** kind 'hook': the payload, read by the client (at most 8 MiB). */
  input?: { text: string; tooBig: boolean };
  /** kind 'hook': the payload was already handed to a helper that died; act on it even if it was claimed. */
  skipOnce?: boolean;
}

export type HelperReply =
  | { code: number; stdout: string; stderr: string }
  /** The helper does not serve this request (a remote store, embeddings…): run it in-process. */
  | { decline: string };

export interface HelperPaths {
  dir: string;
  sock: string;
  key: string;
  lock: string;
  id: string;
}

const uid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** The per-user folder, created 0700 if missing; undefined when it is not safely ours (or on Windows). */
export function runtimeDir(env: NodeJS.ProcessEnv, create: boolean): string | undefined {
  const me = uid();
  if (me === undefined || process.platform === 'win32') return undefined;
  const dir = env.MNEMOS_RUNTIME_DIR
    ? path.resolve(env.MNEMOS_RUNTIME_DIR)
    : env.XDG_RUNTIME_DIR
      ? path.join(env.XDG_RUNTIME_DIR, 'mnemos')
      : path.join(os.tmpdir(), `mnemos-${me}`);
  try {
    if (create) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    // Not a symlink, ours, and nobody else may enter it: only then can a socket in it be trusted.
    if (!st.isDirectory() || st.uid !== me || (st.mode & 0o077) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The helper's build id: the size and mtime of the file it runs, so each build has its own socket. */
export function buildId(helperFile: string): string | undefined {
  try {
    const st = fs.statSync(helperFile);
    return `${st.size.toString(36)}${Math.trunc(st.mtimeMs).toString(36)}`;
  } catch {
    return undefined;
  }
}

export function helperPaths(env: NodeJS.ProcessEnv, helperFile: string, create: boolean): HelperPaths | undefined {
  const dir = runtimeDir(env, create);
  const id = dir && buildId(helperFile);
  if (!dir || !id) return undefined;
  const base = path.join(dir, `h-${id}`);
  return { dir, id, sock: `${base}.sock`, key: `${base}.key`, lock: `${base}.pid` };
}

/** The helper is off for this process (`MNEMOS_HELPER=off`, or `0`). */
export function helperDisabled(env: NodeJS.ProcessEnv): boolean {
  const v = env.MNEMOS_HELPER;
  return v === 'off' || v === '0' || v === 'false';
}

/** The token file's content, if it is a regular file of ours that nobody else can read. */
export function readKey(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== uid() || (st.mode & 0o077) !== 0 || st.size > 256) return undefined;
    const buf = Buffer.alloc(st.size);
    fs.readSync(fd, buf, 0, buf.length, 0);
    const k = buf.toString('utf8').trim();
    return /^[0-9a-f]{64}$/.test(k) ? k : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The pid in a lock file, when that process is alive. */
export function livePid(lockFile: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    // EPERM: alive but not ours (a recycled pid): not our helper either.
    return undefined;
  }
}

export type RequestOutcome =
  | { ok: true; reply: HelperReply }
  /** connect: nobody answered (no helper, a stale socket); nothing was sent. */
  | { ok: false; stage: 'connect'; reason: string }
  /** midway: the request went out, but no whole answer came back (the helper died or broke the wire). */
  | { ok: false; stage: 'midway'; reason: string }
  | { ok: false; stage: 'timeout'; reason: string };

/** Sends one request and reads one reply; never throws, never takes longer than `timeoutMs`. */
export function sendRequest(
  paths: HelperPaths,
  req: Omit<HelperRequest, 'v' | 'token'>,
  timeoutMs: number,
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let sent = false;
    const done = (o: RequestOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    const me = uid();
    try {
      const st = fs.lstatSync(paths.sock);
      if (!st.isSocket() || st.uid !== me) return resolve({ ok: false, stage: 'connect', reason: 'no helper socket' });
    } catch {
      return resolve({ ok: false, stage: 'connect', reason: 'no helper socket' });
    }
    const token = readKey(paths.key);
    if (!token) return resolve({ ok: false, stage: 'connect', reason: 'no helper key' });
    const sock = net.createConnection(paths.sock);
    const timer = setTimeout(
      () => done({ ok: false, stage: 'timeout', reason: `no answer in ${timeoutMs} ms` }),
      timeoutMs,
    );
    const chunks: Buffer[] = [];
    let size = 0;
    sock.on('connect', () => {
      sent = true;
      sock.end(JSON.stringify({ v: WIRE_VERSION, token, ...req }));
    });
    sock.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_REPLY_BYTES) return done({ ok: false, stage: 'midway', reason: 'reply too large' });
      chunks.push(b);
    });
    sock.on('error', (e: NodeJS.ErrnoException) =>
      done({ ok: false, stage: sent ? 'midway' : 'connect', reason: e.code ?? e.message }),
    );
    sock.on('close', () => {
      if (!sent) return done({ ok: false, stage: 'connect', reason: 'closed before connecting' });
      try {
        const r = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HelperReply;
        if (r && typeof r === 'object' && 'decline' in r && typeof r.decline === 'string')
          return done({ ok: true, reply: r });
        if (
          r &&
          typeof r === 'object' &&
          'code' in r &&
          Number.isInteger(r.code) &&
          typeof r.stdout === 'string' &&
          typeof r.stderr === 'string'
        )
          return done({ ok: true, reply: r });
      } catch {
        /* torn */
      }
      done({ ok: false, stage: 'midway', reason: 'no whole answer' });
    });
  });
}
