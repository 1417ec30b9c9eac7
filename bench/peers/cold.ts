/**
 * Cold start of whole processes, paired in turns against `node -e 0` (same run, medians, ratios):
 *   recall — `node dist/cli.js recall <words> --db <10k store>` from spawn to exit;
 *   serve  — `node dist/cli.js serve` from spawn to the answer to its first tools/list (initialize,
 *            initialized, tools/list written at once, as a client does), then stdin closed.
 * The store is made once through the store API (the peer corpus) in a temp dir and deleted after.
 *
 *   node --import tsx bench/peers/cold.ts [--n 10000] [--runs 15] [--entry dist/cli.js]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configFromEnv, openStore } from '../../src/store';
import { generateCorpus } from './corpus';
import { ROOT } from './servers';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '15' },
    entry: { type: 'string', default: 'dist/cli.js' },
  },
});
const now = () => performance.now();
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function toExit(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = now();
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'], env });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(now() - t) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

function toFirstList(entry: string, db: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = now();
    const p = spawn(process.execPath, [entry, 'serve', '--db', db], { stdio: ['pipe', 'pipe', 'ignore'] });
    p.on('error', reject);
    let buf = '';
    let took = 0;
    p.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      if (!took && buf.includes('"id":2')) {
        took = now() - t;
        if (!buf.includes('icm_memory_recall')) reject(new Error(`no tool list: ${buf.slice(0, 300)}`));
        p.stdin.end();
      }
    });
    p.on('exit', () => (took ? resolve(took) : reject(new Error('serve exited before tools/list'))));
    const msgs = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cold', version: '0' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    ];
    p.stdin.write(msgs.map((m) => JSON.stringify(m)).join('\n') + '\n');
  });
}

async function main() {
  const n = Number(opt.n);
  const runs = Number(opt.runs);
  const entry = path.join(ROOT, opt.entry);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'peers-cold-'));
  const db = path.join(dir, 'mnemos.db');
  try {
    const { memories, queries } = generateCorpus(n);
    const store = await openStore(configFromEnv({ db }, {}));
    for (let i = 0; i < memories.length; i += 500) {
      await store.storeMany(
        memories
          .slice(i, i + 500)
          .map((m) => ({ topic: m.topic, summary: m.content, importance: m.importance, keywords: m.keywords })),
      );
    }
    await store.close();
    const words = queries.filter((q) => q.kind === 'natural').map((q) => q.text);
    const t = {
      node: [] as number[],
      recall: [] as number[],
      serve: [] as number[],
      rRatio: [] as number[],
      sRatio: [] as number[],
    };
    for (let i = -2; i < runs; i++) {
      const a = await toExit(['-e', '0']);
      const r = await toExit([entry, 'recall', words[(i + 2) % words.length], '--db', db]);
      const b = await toExit(['-e', '0']);
      const s = await toFirstList(entry, db);
      if (i < 0) continue; // warm-up: page cache
      t.node.push(a, b);
      t.recall.push(r);
      t.serve.push(s);
      t.rRatio.push(r / a);
      t.sRatio.push(s / b);
    }
    const f = (x: number) => x.toFixed(1);
    console.log(
      `cold start, ${runs} paired turns, store of ${n} memories; load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}, Node ${process.version}`,
    );
    console.log('| process | median ms | median ratio to node -e 0 (paired) |\n| --- | --- | --- |');
    console.log(`| node -e 0 | ${f(med(t.node))} | 1 |`);
    console.log(`| mnemos recall <words> (to exit) | ${f(med(t.recall))} | ${med(t.rRatio).toFixed(2)} |`);
    console.log(`| mnemos serve (to the first tools/list answer) | ${f(med(t.serve))} | ${med(t.sRatio).toFixed(2)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
