/**
 * One memory per call, as an agent stores them, through the store API on a 10k store, against the
 * same INSERT (same row, same triggers and indexes) run bare on the store's own libsql connection in
 * a BEGIN IMMEDIATE … COMMIT: (store − bare) is what the store adds per call. Interleaved in rounds.
 *
 *   node --import tsx bench/store-call.ts [--n 10000] [--calls 1000] [--rounds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'libsql';
import { configFromEnv, newId, openStore } from '../src/store';
import { generateMemories } from './peers/corpus';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    calls: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
  },
});
const now = () => performance.now();
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const n = Number(opt.n);
  const calls = Number(opt.calls);
  const rounds = Number(opt.rounds);
  const all = generateMemories(n + 3 * calls * rounds);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'store-call-'));
  const file = path.join(dir, 'mnemos.db');
  const store = await openStore(configFromEnv({ db: file }, {}));
  for (let i = 0; i < n; i += 1000) {
    await store.storeMany(
      all.slice(i, Math.min(n, i + 1000)).map((m) => ({
        topic: m.topic,
        summary: m.content,
        importance: m.importance,
        keywords: m.keywords,
      })),
    );
  }
  const bare = new Database(file);
  bare.pragma('busy_timeout = 5000');
  bare.pragma('synchronous = NORMAL');
  const ins = bare.prepare(
    `INSERT INTO memories (id, created_at, updated_at, last_accessed, access_count, weight, topic, summary,
       raw_excerpt, keywords, importance, source_type, source_data, related_ids, summary_hash)
     VALUES (?, ?, ?, ?, 0, 1.0, ?, ?, NULL, ?, ?, 'manual', NULL, '[]', ?)`,
  );
  const begin = bare.prepare('BEGIN IMMEDIATE');
  const commit = bare.prepare('COMMIT');
  let next = n;
  const storeT: number[] = [];
  const storeCountT: number[] = [];
  const bareT: number[] = [];
  // Blocks of 100 calls in turns, not call by call: each connection's page cache is dropped when the
  // other one commits, which a server writing alone never pays.
  const block = 100;
  for (let r = 0; r < rounds; r++) {
    for (let b = 0; b < calls; b += block) {
      for (let c = 0; c < block; c++) {
        const m = all[next++];
        const t = now();
        await store.store({
          id: newId(),
          topic: m.topic,
          summary: m.content,
          importance: m.importance,
          keywords: m.keywords,
        });
        storeT.push(now() - t);
      }
      for (let c = 0; c < block; c++) {
        const m = all[next++];
        const t = now();
        await store.store({
          id: newId(),
          topic: m.topic,
          summary: m.content,
          importance: m.importance,
          keywords: m.keywords,
        });
        await store.count(m.topic);
        storeCountT.push(now() - t);
      }
      for (let c = 0; c < block; c++) {
        const m = all[next++];
        const ts = new Date().toISOString();
        const t = now();
        begin.run();
        ins.run([newId(), ts, ts, ts, m.topic, m.content, JSON.stringify(m.keywords), m.importance, `bare${next}`]);
        commit.run();
        bareT.push(now() - t);
      }
    }
  }
  const us = (x: number) => (x * 1000).toFixed(0);
  console.log(`n=${n} calls=${calls}×${rounds} load=${os.loadavg()[0].toFixed(1)}`);
  console.log(
    `store() p50 ${us(med(storeT))} µs; store()+count() p50 ${us(med(storeCountT))} µs; bare INSERT txn p50 ${us(med(bareT))} µs`,
  );
  console.log(`ratio store/bare ${(med(storeT) / med(bareT)).toFixed(2)}`);
  bare.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
void main();
