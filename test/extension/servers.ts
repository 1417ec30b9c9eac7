/**
 * Starts the sqld servers the extension tests need and writes their addresses to a JSON file the
 * tests read (MNEMOS_TEST_SERVERS), so no token travels on a command line. Stops them on SIGTERM,
 * SIGINT or when stdin closes. The `flaky` server is for outage tests: SIGUSR1 stops it, SIGUSR2
 * starts it again on the same port and data.
 * usage: node --import tsx test/extension/servers.ts <out.json>
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { startSqld } from '../helpers/sqld';

/** A well-formed EdDSA JWT signed by a key the server does not trust: a realistic wrong token. */
function foreignToken(): string {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const b64 = (x: string | Buffer) => Buffer.from(x).toString('base64url');
  const head = b64(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }));
  const body = b64(JSON.stringify({ iat: Math.floor(Date.now() / 1000) }));
  return `${head}.${body}.${b64(crypto.sign(null, Buffer.from(`${head}.${body}`), privateKey))}`;
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: servers.ts <out.json>');
  const t0 = Date.now();
  const [plain, auth, flaky] = await Promise.all([startSqld(), startSqld({ auth: true }), startSqld()]);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all([plain.stop(), auth.stop(), flaky.stop()]);
    process.exit(0);
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => void stop());
  process.stdin.on('end', () => void stop());
  let flakyOp = Promise.resolve();
  process.on('SIGUSR1', () => {
    flakyOp = flakyOp.then(() => flaky.stop());
  });
  process.on('SIGUSR2', () => {
    flakyOp = flakyOp.then(() => flaky.restart());
  });
  process.stdin.resume();
  const tmp = `${out}.tmp`;
  fs.writeFileSync(
    tmp,
    JSON.stringify({
      plain: { url: plain.url },
      auth: { url: auth.url, token: auth.token, wrongToken: foreignToken() },
      flaky: { url: flaky.url, pid: process.pid },
    }),
    { mode: 0o600 },
  );
  fs.renameSync(tmp, out);
  process.stderr.write(`[servers] sqld ${plain.url} and sqld+JWT ${auth.url} up in ${Date.now() - t0} ms\n`);
}

main().catch((e) => {
  process.stderr.write(`[servers] ${String(e?.stack ?? e)}\n`);
  process.exit(1);
});
