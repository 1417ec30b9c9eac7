/**
 * One writer for the concurrent-DAG test: opens a Conn from MNEMOS_DAG_CONFIG (JSON), prints `ready`,
 * waits for a line on stdin (all writers start at once), then tries DAG_ATTEMPTS random links between
 * the concepts c0…c{DAG_CONCEPTS-1} of memoir `dag`, printing `ack <id> <from> <to> <relation>` for
 * each link the store acknowledged and `rej <cycle|dup>` for each refusal; `done` at the end.
 */
import { openConn } from '../../src/store/conn';
import { ConflictError, MemoirStore, type StoreConfig } from '../../src/store';

async function main(): Promise<void> {
  const conn = await openConn(JSON.parse(process.env.MNEMOS_DAG_CONFIG ?? '') as StoreConfig);
  const m = new MemoirStore(conn);
  await m.init();
  const n = Number(process.env.DAG_CONCEPTS ?? 8);
  const attempts = Number(process.env.DAG_ATTEMPTS ?? 40);
  const relations = ['depends_on', 'part_of'];
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  for (let i = 0; i < attempts; i++) {
    const a = Math.floor(Math.random() * n);
    let b = Math.floor(Math.random() * (n - 1));
    if (b >= a) b++;
    const rel = relations[Math.floor(Math.random() * relations.length)];
    try {
      const l = await m.link('dag', `c${a}`, `c${b}`, rel);
      process.stdout.write(`ack ${l.id} c${a} c${b} ${rel}\n`);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      process.stdout.write(`rej ${/cycle/.test(e.message) ? 'cycle' : 'dup'}\n`);
    }
  }
  await conn.close();
  process.stdout.write('done\n');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stdout.write(`err ${String((e as Error)?.message ?? e).replace(/\n/g, ' ')}\n`);
    process.exit(1);
  },
);
