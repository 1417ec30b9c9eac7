import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startSqld } from '../helpers/sqld';
import * as fs from 'node:fs';
import { openStore } from '../../src/store';
async function main() {
  process.env.RUST_LOG = process.env.RL ?? 'warn';
  const s = await startSqld();
  s.proc.stderr!.on('data', (d) => fs.appendFileSync('/tmp/exp/sqld.log', d));
  s.proc.stdout!.on('data', (d) => fs.appendFileSync('/tmp/exp/sqld.log', d));
  const a = await openStore({ mode: 'remote', url: s.url }); await a.close();
  const N = Number(process.env.N ?? 16);
  const acks = new Array(N).fill(0), retries = new Array(N).fill(0); let ready = 0;
  const procs = Array.from({ length: N }, (_, w) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'writer-proc.ts')], { env: { ...process.env, MNEMOS_WRITER_CONFIG: JSON.stringify(process.env.REPL ? { mode: 'replica', path: '/tmp/exp/repl-' + process.pid + '-' + w + '.db', syncUrl: s.url, syncIntervalSec: 0 } : { mode: 'remote', url: s.url }), WRITER_INDEX: String(w), WRITER_COUNT: process.env.C ?? '200', WRITER_RETRIES: '8' } });
    p.stdout.on('data', (d) => { for (const l of String(d).split('\n')) { if (l.startsWith('ack')) acks[w]++; if (l.startsWith('retry')) retries[w]++; if (l === 'ready') ready++; if (l.startsWith('err')) console.log(w, l); } });
    p.stderr.on('data', (d) => console.log('stderr', w, String(d).slice(0, 300)));
    return p;
  });
  while (ready < N) await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  procs.forEach((p) => p.stdin.write('go\n'));
  let last = -1, probed = false;
  const iv = setInterval(async () => {
    const tot = acks.reduce((x, y) => x + y);
    if (tot === last && !probed) {
      probed = true;
      const t = Date.now();
      try { const r = await fetch(s.url + '/v2/pipeline', { method: 'POST', body: JSON.stringify({ requests: [{ type: 'execute', stmt: { sql: 'SELECT count(*) FROM memories' } }, { type: 'close' }] }) }); console.log('probe read', r.status, (await r.text()).slice(0, 200), Date.now() - t, 'ms'); } catch (e) { console.log('probe read err', String(e)); }
      console.log(require('child_process').execSync(`ps -o pid,pcpu,stat,nlwp,args -p ${s.proc.pid} | cut -c1-80`).toString());
      const t2 = Date.now();
      try { const r = await fetch(s.url + '/v2/pipeline', { method: 'POST', body: JSON.stringify({ requests: [{ type: 'execute', stmt: { sql: "INSERT INTO icm_metadata(key,value) VALUES('probe','1')" } }, { type: 'close' }] }) }); console.log('probe write', r.status, (await r.text()).slice(0, 300), Date.now() - t2, 'ms'); } catch (e) { console.log('probe write err', String(e)); }
      console.log(require('child_process').execSync(`ps -o pid,pcpu,stat,wchan:20,args -p ${s.proc.pid} | cut -c1-100`).toString());
      console.log(require('child_process').execSync(`ls -la ${s.dbPath}/dbs/default/ 2>&1 || ls -laR ${s.dbPath} | head -30`).toString());
    }
    last = tot;
  }, 5000);
  const iv2 = setInterval(() => console.log(((Date.now() - t0) / 1000).toFixed(0), 's acks', acks.join(','), 'retries', retries.reduce((x, y) => x + y)), 5000);
  await Promise.all(procs.map((p) => new Promise((r) => p.on('exit', r))));
  clearInterval(iv); clearInterval(iv2);
  console.log('total', (Date.now() - t0), 'ms', acks.reduce((x, y) => x + y), 'retries', retries.reduce((x, y) => x + y));
  await s.stop();
}
main();
