/**
 * One writer process for the concurrency test: opens the store from MNEMOS_WRITER_CONFIG (JSON),
 * prints `ready`, waits for a line on stdin (so every writer starts at once), then issues
 * WRITER_COUNT individual store() calls with unique content, printing `ack <id> <action>` as each
 * one resolves, and finally `done <json stats>`. With WRITER_RETRIES=n a failed store() is retried
 * (same content, so ICM's dedup makes it land once) and reported as `retry <message>`; a failure
 * past that prints `err <message>` and exits 1.
 *
 *   MNEMOS_WRITER_CONFIG='{"mode":"local","path":"/tmp/x.db"}' WRITER_INDEX=3 WRITER_COUNT=200 \
 *     node --import tsx test/store/writer-proc.ts
 *
 * With WRITER_RAW_URL set it bypasses Mnemos and writes rows into table `raw_concurrency(id, v)`
 * with plain `@libsql/client` batches, to show what the server does without any Mnemos code.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from '@libsql/client';
import { openStore, type StoreConfig } from '../../src/store';

/** A store-shaped writer over plain @libsql/client: one write batch (INSERT + SELECT back) per call. */
function rawWriter(url: string) {
  const c = createClient({ url });
  return {
    async store(input: { summary: string }) {
      const id = randomUUID();
      await c.batch(
        [
          { sql: 'INSERT INTO raw_concurrency(id, v) VALUES (?, ?)', args: [id, input.summary] },
          { sql: 'SELECT id FROM raw_concurrency WHERE id = ?', args: [id] },
        ],
        'write',
      );
      return { id, action: 'created' as const };
    },
    close() {
      return Promise.resolve(c.close());
    },
  };
}

async function main(): Promise<void> {
  const rawUrl = process.env.WRITER_RAW_URL;
  const writer = Number(process.env.WRITER_INDEX ?? 0);
  const count = Number(process.env.WRITER_COUNT ?? 200);
  const maxRetries = Number(process.env.WRITER_RETRIES ?? 0);
  const tOpen = performance.now();
  const store = rawUrl
    ? rawWriter(rawUrl)
    : await openStore(JSON.parse(process.env.MNEMOS_WRITER_CONFIG ?? '') as StoreConfig);
  const openMs = performance.now() - tOpen;
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));

  const lat: number[] = [];
  let retries = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    // Unique content: the dedup rule must never merge two of these.
    const input = {
      topic: `concurrency-writer-${writer}`,
      summary: `writer ${writer} memory ${i}: decided to retry SQLITE_BUSY on ${randomUUID()}`,
      keywords: ['concurrency', `w${writer}`],
      importance: (['low', 'medium', 'high', 'critical'] as const)[i % 4],
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await store.store(input);
        process.stdout.write(`ack ${r.id} ${r.action}\n`);
        break;
      } catch (e) {
        // A caller's retry of the same memory: the dedup rule must make it land once, whatever the first attempt did.
        if (attempt >= maxRetries) throw e;
        retries++;
        process.stdout.write(
          `retry ${String((e as Error)?.message ?? e)
            .replace(/\n/g, ' ')
            .slice(0, 200)}\n`,
        );
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * (attempt + 1)));
      }
    }
    lat.push(performance.now() - s);
  }
  const writeMs = performance.now() - t0;
  await store.close();
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  process.stdout.write(
    `done ${JSON.stringify({ writer, openMs, writeMs, retries, p50: q(0.5), p99: q(0.99), max: lat[lat.length - 1] ?? 0 })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stdout.write(`err ${String((e as Error)?.message ?? e).replace(/\n/g, ' ')}\n`);
    process.exit(1);
  },
);
