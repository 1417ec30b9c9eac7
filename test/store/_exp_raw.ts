import { createClient } from '@libsql/client';
async function main() {
  const c = createClient({ url: process.env.URL!, intMode: 'number' });
  const w = Number(process.env.W), mode = process.env.MODE ?? 'batch';
  process.stdout.write('ready\n');
  await new Promise((r) => process.stdin.once('data', r));
  for (let i = 0; i < 200; i++) {
    const id = `${w}-${i}-${Math.random()}`;
    try {
      if (mode === 'batch') await c.batch([{ sql: 'INSERT INTO t(id, v) VALUES (?, ?)', args: [id, 'x'] }, { sql: 'SELECT * FROM t WHERE id = ?', args: [id] }], 'write');
      else await c.execute({ sql: 'INSERT INTO t(id, v) VALUES (?, ?)', args: [id, 'x'] });
      process.stdout.write('ack\n');
    } catch (e) { process.stdout.write('retry ' + String(e).slice(0, 100) + '\n'); }
  }
  c.close();
}
main().then(() => process.exit(0));
