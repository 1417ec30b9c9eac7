/**
 * Why a Mnemos recall costs what it costs on the peer workload: a store of N memories made through the
 * store API, then each of the 200 queries timed as store.recall() and as the SQL it runs, arm by arm,
 * on a second connection to the same file; plus how many rows each arm matches, and the same arms with
 * the rank computed in FTS5 alone and the memories joined after the LIMIT.
 *
 *   node --import tsx bench/peers/recall-sql.ts [--n 10000]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildFtsQuery, configFromEnv, openStore } from '../../src/store';
import { M_COLUMNS } from '../../src/store/rows';
import { generateCorpus } from './corpus';

const { values: opt } = parseArgs({ options: { n: { type: 'string', default: '10000' } } });
const N = Number(opt.n);
const now = () => performance.now();
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const f = (x: number, d = 2) => x.toFixed(d);

type Db = { prepare(sql: string): { all(a: unknown[]): unknown[] }; exec(sql: string): void; close(): void };

async function main() {
  const { memories, queries } = generateCorpus(N);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'peers-recall-sql-'));
  const file = path.join(dir, 'mnemos.db');
  const store = await openStore(configFromEnv({ db: file }, {}));
  const t0 = now();
  for (let i = 0; i < memories.length; i += 500) {
    await store.storeMany(
      memories
        .slice(i, i + 500)
        .map((m) => ({ topic: m.topic, summary: m.content, importance: m.importance, keywords: m.keywords })),
    );
  }
  console.log(
    `N = ${N}: stored in ${f((now() - t0) / 1000, 1)} s; load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('libsql') as new (p: string) => Db;
  const db = new Database(file);
  const joinFirst = (extra = '') =>
    db.prepare(
      `SELECT ${M_COLUMNS}, memories_fts.rank AS bm25 FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid WHERE memories_fts MATCH ? ${extra} ORDER BY memories_fts.rank LIMIT ?`,
    );
  const ftsFirst = db.prepare(
    `SELECT ${M_COLUMNS}, r.rank AS bm25 FROM (SELECT rowid, rank FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rank LIMIT ?) r JOIN memories m ON m.rowid = r.rowid ORDER BY r.rank`,
  );
  const byRecency = db.prepare(
    `SELECT ${M_COLUMNS} FROM (SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rowid DESC LIMIT ?) r JOIN memories m ON m.rowid = r.rowid`,
  );
  const countStmt = db.prepare(`SELECT count(*) AS n FROM memories_fts WHERE memories_fts MATCH ?`);
  const jf = joinFirst();

  const rows: {
    kind: string;
    text: string;
    terms: number;
    recall: number;
    all: number;
    any: number;
    allFts: number;
    anyFts: number;
    anyRecent: number;
    nAll: number;
    nAny: number;
  }[] = [];
  for (const x of queries) {
    const fq = buildFtsQuery(x.text)!;
    let t = now();
    await store.recall(x.text, { limit: 5, bumpAccess: false });
    const recall = now() - t;
    t = now();
    jf.all([fq.all, 5]);
    const all = now() - t;
    t = now();
    jf.all([fq.any, 10]);
    const any = now() - t;
    t = now();
    ftsFirst.all([fq.all, 5]);
    const allFts = now() - t;
    t = now();
    ftsFirst.all([fq.any, 10]);
    const anyFts = now() - t;
    t = now();
    byRecency.all([fq.any, 10]);
    const anyRecent = now() - t;
    const nAll = Number((countStmt.all([fq.all])[0] as { n: number }).n);
    const nAny = Number((countStmt.all([fq.any])[0] as { n: number }).n);
    rows.push({
      kind: x.form ?? x.kind,
      text: x.text,
      terms: fq.terms.length,
      recall,
      all,
      any,
      allFts,
      anyFts,
      anyRecent,
      nAll,
      nAny,
    });
  }
  console.log(
    '\n| queries | store.recall() p50 / p95 ms | all-terms arm p50 ms | some-terms arm p50 / p95 ms | some-terms, rank in FTS5 then join, p50 / p95 ms | some-terms, newest first (no BM25), p50 / p95 ms | rows matching all terms (median) | rows matching some term (median / max) | some-terms arm runs (> 1 term, < 5 full matches) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const kind of ['needle', 'phrase', 'words']) {
    const g = rows.filter((r) => r.kind === kind);
    const runs = g.filter((r) => r.terms > 1 && r.nAll < 5).length;
    console.log(
      `| ${kind} (${g.length}) | ${f(
        q(
          g.map((r) => r.recall),
          0.5,
        ),
      )} / ${f(
        q(
          g.map((r) => r.recall),
          0.95,
        ),
      )} | ${f(
        q(
          g.map((r) => r.all),
          0.5,
        ),
      )} | ${f(
        q(
          g.map((r) => r.any),
          0.5,
        ),
      )} / ${f(
        q(
          g.map((r) => r.any),
          0.95,
        ),
      )} | ${f(
        q(
          g.map((r) => r.anyFts),
          0.5,
        ),
      )} / ${f(
        q(
          g.map((r) => r.anyFts),
          0.95,
        ),
      )} | ${f(
        q(
          g.map((r) => r.anyRecent),
          0.5,
        ),
      )} / ${f(
        q(
          g.map((r) => r.anyRecent),
          0.95,
        ),
      )} | ${q(
        g.map((r) => r.nAll),
        0.5,
      )} | ${q(
        g.map((r) => r.nAny),
        0.5,
      )} / ${Math.max(...g.map((r) => r.nAny))} | ${runs}/${g.length} |`,
    );
  }
  const slow = [...rows].sort((a, b) => b.recall - a.recall).slice(0, 5);
  console.log(
    `\nslowest recalls: ${slow.map((r) => `"${r.text}" ${f(r.recall)} ms (${r.nAny} rows match some term)`).join('; ')}`,
  );
  db.close();
  await store.close();
  const files = readdirSync(dir).map((n) => `${n} ${f(statSync(path.join(dir, n)).size / 1e6, 1)} MB`);
  const ftsPages = (() => {
    const d = new Database(file);
    const r = d
      .prepare(`SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 6`)
      .all([]) as { name: string; bytes: number }[];
    d.close();
    return r.map((x) => `${x.name} ${f(x.bytes / 1e6, 1)} MB`).join(', ');
  })();
  console.log(`files after close: ${files.join(', ')}\nlargest tables/indexes: ${ftsPages}`);
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
