/**
 * ICM's sqlite-vec table `vec_memories`: when Mnemos deletes memories (forget, forget topic, prune,
 * consolidate) in a database ICM made, their rows there go too, on a local file (Mnemos loads
 * sqlite-vec) and on sqld started with sqlite-vec. Where sqlite-vec is missing the delete still
 * succeeds, leaves the row and says so in one line. A file without the table never loads it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type MnemosStore, openStore } from '../../src/store';
import { buildIcmDb, embeddingBlob, fakeEmbedding, openWithVec, SAMPLE_MEMORIES } from '../fixtures/icm/build-icm-db';
import { startSqld, type Sqld } from '../helpers/sqld';
import { tmpDir } from './modes';

const ROOT = path.resolve(__dirname, '../..');
const open: MnemosStore[] = [];
const servers: Sqld[] = [];
after(async () => {
  for (const s of open) await s.close().catch(() => undefined);
  for (const s of servers) await s.stop();
});

async function mnemos(file: string, warnings: string[] = []): Promise<MnemosStore> {
  const s = await openStore({ mode: 'local', path: file });
  s.onWarning = (m) => warnings.push(m);
  open.push(s);
  return s;
}

/** The memory ids that have a row in vec_memories, read as ICM reads them (sqlite-vec loaded). */
function vecIds(file: string): Set<string> {
  const db = openWithVec(file);
  try {
    return new Set(
      db
        .prepare(`SELECT memory_id FROM vec_memories`)
        .all([])
        .map((r) => String(r.memory_id)),
    );
  } finally {
    db.close();
  }
}

describe("ICM's vec_memories on a local file", () => {
  test('forget, forget topic, prune and consolidate delete exactly their memories’ vec_memories rows', async () => {
    const file = path.join(tmpDir('mnemos-icmvec-'), 'icm.db');
    const built = buildIcmDb(file);
    const ids = (topic: string) => built.memories.filter((m) => m.topic === topic && m.hasEmbedding).map((m) => m.id);
    const all = vecIds(file);
    const warnings: string[] = [];
    const s = await mnemos(file, warnings);

    const one = ids('preferences')[0];
    await s.forget(one);
    const errors = ids('errors-resolved');
    assert.ok(errors.length >= 2);
    const inErrors = built.memories.filter((m) => m.topic === 'errors-resolved').length;
    assert.equal(await s.forgetTopic('errors-resolved'), inErrors);
    const low = ids('context-mnemos');
    const lower = `UPDATE memories SET weight = 0.01 WHERE id IN (SELECT value FROM json_each(?))`;
    await s.sql(lower, [JSON.stringify(low)]);
    assert.equal((await s.prune(0.1)).count, low.length);
    const arch = ids('architecture');
    const { replaced } = await s.consolidate('architecture', 'ICM keeps vectors in vec_memories, Mnemos beside it');
    assert.equal(replaced, arch.length);
    await s.close();

    const gone = new Set([one, ...errors, ...low, ...arch]);
    const expected = [...all].filter((id) => !gone.has(id)).sort();
    assert.deepEqual([...vecIds(file)].sort(), expected, 'the deleted memories’ rows are gone, every other row stays');
    assert.deepEqual(warnings, [], 'nothing was left behind, so nothing to warn about');
    const db = openWithVec(file);
    try {
      const [hit] = db
        .prepare(`SELECT memory_id FROM vec_memories WHERE embedding MATCH ? AND k = 1 ORDER BY distance`)
        .all([embeddingBlob(fakeEmbedding(1))]);
      assert.equal(hit.memory_id, built.memories[0].id, 'ICM’s KNN search still works on the table');
    } finally {
      db.close();
    }
  });

  test('without sqlite-vec’s binary the forget succeeds, the row stays, and one line says so', async () => {
    const file = path.join(tmpDir('mnemos-icmvec-'), 'icm.db');
    const built = buildIcmDb(file);
    const victim = built.memories.find((m) => m.hasEmbedding)!;
    const proc = path.join(__dirname, 'icm-vec-missing-proc.ts');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', proc, file, victim.id], {
      cwd: ROOT,
      timeout: 60_000,
    });
    assert.equal(stdout.trim(), 'forgotten');
    const lines = stderr.split('\n').filter((l) => l.trim());
    assert.equal(lines.length, 1, stderr);
    assert.match(
      lines[0],
      /^mnemos: ICM's vector index \(vec_memories\) still holds the deleted memory: sqlite-vec could/,
    );
    assert.match(lines[0], /sqlite-vec-linux-x64|Cannot find module/);
    assert.ok(vecIds(file).has(victim.id), 'the vec_memories row is left');
    const s = await mnemos(file);
    assert.equal(await s.get(victim.id), null, 'the memory itself is gone');
  });

  test('a file without vec_memories never loads sqlite-vec', async () => {
    const s = await mnemos(path.join(tmpDir('mnemos-icmvec-'), 'plain.db'));
    const { id } = await s.store({ topic: 't', summary: 'to be forgotten' });
    await s.forget(id);
    await assert.rejects(s.sql(`SELECT vec_version()`), /no such function/);
    const icm = path.join(tmpDir('mnemos-icmvec-'), 'icm.db');
    buildIcmDb(icm, { memories: SAMPLE_MEMORIES.slice(0, 2) });
    const t = await mnemos(icm);
    await assert.rejects(t.sql(`SELECT vec_version()`), /no such function/, 'not before a delete needs it');
    await t.forget((await t.list()).items[0].id);
    assert.match(String((await t.sql(`SELECT vec_version() AS v`))[0].v), /^v\d/);
  });
});

describe("ICM's vec_memories on sqld started with sqlite-vec", () => {
  test('forgetting a memory deletes its vec_memories row on the server', async () => {
    const ext = tmpDir('mnemos-sqld-ext-');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const so = (require('sqlite-vec') as { getLoadablePath(): string }).getLoadablePath();
    fs.copyFileSync(so, path.join(ext, 'vec0.so'));
    const sha = createHash('sha256').update(fs.readFileSync(so)).digest('hex');
    fs.writeFileSync(path.join(ext, 'trusted.lst'), `${sha}  vec0.so\n`);
    const sqld = await startSqld({ extensionsPath: ext });
    servers.push(sqld);
    const s = await openStore({ mode: 'remote', url: sqld.url });
    open.push(s);
    const warnings: string[] = [];
    s.onWarning = (m) => warnings.push(m);
    // ICM's DDL, at 64 dimensions.
    await s.sql(`CREATE VIRTUAL TABLE vec_memories USING vec0(
      memory_id TEXT PRIMARY KEY, embedding float[64] distance_metric=cosine)`);
    await s.close();
    const r = await openStore({ mode: 'remote', url: sqld.url });
    open.push(r);
    r.onWarning = (m) => warnings.push(m);
    assert.equal(r.schema.hasIcmVecTable, true);
    const [a, b] = await r.storeMany([
      { topic: 'vec', summary: 'first memory with an ICM vector' },
      { topic: 'vec', summary: 'second memory with an ICM vector' },
    ]);
    for (const [i, m] of [a, b].entries()) {
      const vec = embeddingBlob(fakeEmbedding(i + 1, 64));
      await r.sql(`INSERT INTO vec_memories(memory_id, embedding) VALUES (?, ?)`, [m.id, vec]);
    }
    await r.forget(a.id);
    const left = (await r.sql(`SELECT memory_id FROM vec_memories`)).map((x) => String(x.memory_id));
    assert.deepEqual(left, [b.id]);
    assert.deepEqual(warnings, []);
  });
});
