/** Memoirs (ICM's knowledge graphs): ICM's memoir tests (icm-reference §5.1) and more, on every storage mode. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConflictError,
  type Conn,
  InvalidInputError,
  MemoirStore,
  type MnemosStore,
  NotFoundError,
} from '../../src/store';
import { forEachMode, type ModeContext } from './modes';

/** A fresh store with empty memoir tables (the shared sqld keeps its data between tests). */
async function fresh(ctx: ModeContext): Promise<{ s: MnemosStore; m: MemoirStore }> {
  const s = await ctx.fresh();
  const m = new MemoirStore(s.conn);
  await m.init();
  if (ctx.mode === 'sqld' || ctx.mode === 'replica') {
    await s.conn.batch(['concept_links', 'concepts', 'memoirs'].map((t) => ({ sql: `DELETE FROM ${t}` })));
  }
  return { s, m };
}

/** Counts calls that reach the driver: on a remote each is one round trip. */
function counting(conn: Conn): { conn: Conn; calls: () => number } {
  let n = 0;
  const wrapped = new Proxy(conn, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (
        typeof v === 'function' &&
        ['query', 'run', 'batch', 'batchRun', 'transaction', 'script'].includes(String(prop))
      ) {
        return (...a: unknown[]) => {
          n++;
          return (v as (...x: unknown[]) => unknown).apply(target, a);
        };
      }
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { conn: wrapped, calls: () => n };
}

forEachMode('memoirs', (ctx) => {
  test('memoir CRUD: by id and by name; delete leaves nothing', async () => {
    const { m } = await fresh(ctx);
    const created = await m.createMemoir('my-project', 'Description for my-project');
    assert.match(created.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(created.consolidationThreshold, 50);
    assert.equal((await m.getMemoir(created.id))!.name, 'my-project');
    assert.equal((await m.getMemoir('my-project'))!.id, created.id);
    const renamed = await m.updateMemoir('my-project', { name: 'renamed', description: 'new' });
    assert.equal(renamed.id, created.id);
    assert.equal((await m.getMemoir('renamed'))!.description, 'new');
    await m.deleteMemoir(created.id);
    assert.equal(await m.getMemoir(created.id), null);
    await assert.rejects(m.deleteMemoir(created.id), NotFoundError);
  });

  test('changeMarker moves on every kind of memoir write and stays put on reads', async () => {
    const { m } = await fresh(ctx);
    const seen = new Set([await m.changeMarker()]);
    const moved = async (what: string, write: () => Promise<unknown>) => {
      await write();
      const after = await m.changeMarker();
      assert.ok(!seen.has(after), `the marker moves after ${what}`);
      seen.add(after);
    };
    await moved('createMemoir', () => m.createMemoir('marker'));
    await moved('updateMemoir', () => m.updateMemoir('marker', { description: 'changed' }));
    await moved('addConcept', () => m.addConcept('marker', { name: 'a', definition: 'first' }));
    await moved('addConcept', () => m.addConcept('marker', { name: 'b', definition: 'second' }));
    await moved('refineConcept', () => m.refineConcept('marker', 'a', 'refined'));
    await moved('updateConcept', () => m.updateConcept('marker', 'b', { definition: 'patched' }));
    const link = await m.link('marker', 'a', 'b', 'depends_on');
    assert.ok(!seen.has(await m.changeMarker()), 'the marker moves after link');
    seen.add(await m.changeMarker());
    await moved('deleteLink', () => m.deleteLink(link.id));
    await moved('deleteConcept', () => m.deleteConcept('marker', 'b'));
    const before = await m.changeMarker();
    await m.listConcepts('marker');
    await m.stats('marker');
    await m.neighborhood('marker', 'a', 2);
    assert.equal(await m.changeMarker(), before, 'reads leave it');
    await moved('deleteMemoir', () => m.deleteMemoir('marker'));
  });

  test('memoir names are unique; list is by name with concept counts', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('beta');
    await m.createMemoir('alpha');
    await assert.rejects(m.createMemoir('beta'), ConflictError);
    await m.addConcept('alpha', { name: 'x', definition: 'd' });
    const list = await m.listMemoirs();
    assert.deepEqual(
      list.map((x) => [x.name, x.conceptCount]),
      [
        ['alpha', 1],
        ['beta', 0],
      ],
    );
    await assert.rejects(m.updateMemoir('alpha', { name: 'beta' }), ConflictError);
  });

  test('concept CRUD with labels; unique within a memoir, not across memoirs', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    await m.createMemoir('proj2');
    const c = await m.addConcept('proj', {
      name: 'event-sourcing',
      definition: 'Events stored in SQLite',
      labels: ['domain:arch', 'type:decision'],
    });
    assert.deepEqual(c.labels, [
      { namespace: 'domain', value: 'arch' },
      { namespace: 'type', value: 'decision' },
    ]);
    assert.equal(c.confidence, 0.5);
    assert.equal(c.revision, 1);
    assert.equal((await m.getConcept('proj', 'event-sourcing'))!.id, c.id);
    assert.equal((await m.getConceptById(c.id))!.name, 'event-sourcing');
    await assert.rejects(m.addConcept('proj', { name: 'event-sourcing', definition: 'second' }), ConflictError);
    const other = await m.addConcept('proj2', { name: 'event-sourcing', definition: 'other' });
    assert.notEqual(other.id, c.id);
    const upd = await m.updateConcept('proj', c.id, { definition: 'edited', labels: 'tag-only', confidence: 0.9 });
    assert.equal(upd.definition, 'edited');
    assert.deepEqual(upd.labels, [{ namespace: 'tag', value: 'tag-only' }]);
    assert.equal(upd.revision, 1);
    await m.deleteConcept('proj', 'event-sourcing');
    assert.equal(await m.getConceptById(c.id), null);
    await assert.rejects(m.deleteConcept('proj', 'event-sourcing'), NotFoundError);
    assert.equal((await m.listConcepts('proj2')).length, 1);
  });

  test('refine: new definition, revision + 1, confidence + 0.1 up to 1.0, source ids unioned', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    await m.addConcept('proj', { name: 'es', definition: 'Events v1', sourceMemoryIds: ['mem-0'] });
    const r = await m.refineConcept('proj', 'es', 'Events v2 with snapshots', ['mem-1', 'mem-0', 'mem-1']);
    assert.equal(r.revision, 2);
    assert.equal(r.definition, 'Events v2 with snapshots');
    assert.equal(r.confidence, 0.6);
    assert.deepEqual(r.sourceMemoryIds, ['mem-0', 'mem-1']);
    let last = r;
    for (let i = 0; i < 8; i++) last = await m.refineConcept('proj', 'es', `v${i + 3}`);
    assert.equal(last.confidence, 1);
    assert.equal(last.revision, 10);
    await assert.rejects(m.refineConcept('proj', 'missing', 'x'), NotFoundError);
    await assert.rejects(m.refineConcept('nope', 'es', 'x'), /memoir not found: nope/);
  });

  // Local files: two synchronous connections in one process would block each other in the busy handler;
  // separate processes on one file are covered by memoirs-dag.test.ts.
  test(
    'refinements from two connections at once all count (one statement each)',
    { skip: ctx.mode === 'memory' || ctx.mode === 'local' },
    async () => {
      const { m } = await fresh(ctx);
      await m.createMemoir('proj');
      await m.addConcept('proj', { name: 'es', definition: 'v1' });
      const s2 = await ctx.second();
      const m2 = new MemoirStore(s2.conn);
      await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? m : m2).refineConcept('proj', 'es', `v${i}`, [`mem-${i}`])),
      );
      await s2.conn.sync();
      const c = (await m2.getConcept('proj', 'es'))!;
      assert.equal(c.revision, 7);
      assert.deepEqual([...c.sourceMemoryIds].sort(), ['mem-0', 'mem-1', 'mem-2', 'mem-3', 'mem-4', 'mem-5']);
    },
  );

  test('links: from/to/delete; self-link, duplicate, unknown concept and cycles rejected', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    for (const n of ['A', 'B', 'C', 'D']) await m.addConcept('proj', { name: n, definition: n.toLowerCase() });
    const ab = await m.link('proj', 'A', 'B', 'depends_on');
    const [a, b] = [(await m.getConcept('proj', 'A'))!, (await m.getConcept('proj', 'B'))!];
    assert.deepEqual(
      (await m.linksFrom(a.id)).map((l) => [l.targetId, l.relation]),
      [[b.id, 'depends_on']],
    );
    assert.deepEqual(
      (await m.linksTo(b.id)).map((l) => l.sourceId),
      [a.id],
    );
    await m.link('proj', 'B', 'C', 'Refines');
    await assert.rejects(
      m.link('proj', 'C', 'A', 'related_to'),
      (e: Error) => e instanceof ConflictError && /cycle/.test(e.message),
    );
    await assert.rejects(m.link('proj', 'B', 'A', 'part_of'), /cycle/, 'a cycle through another relation is a cycle');
    await assert.rejects(m.link('proj', 'A', 'A', 'related_to'), InvalidInputError);
    await assert.rejects(
      m.link('proj', 'A', 'B', 'depends_on'),
      (e: Error) => e instanceof ConflictError && /already exists/.test(e.message),
    );
    await assert.rejects(
      m.link('proj', 'A', 'Z', 'depends_on'),
      (e: Error) => e instanceof NotFoundError && /Z/.test(e.message),
    );
    await assert.rejects(m.link('nope', 'A', 'B', 'depends_on'), NotFoundError);
    await assert.rejects(m.link('proj', 'A', 'D', 'loves'), InvalidInputError);
    // DAG shapes stay allowed: A→C, A→D, D→C, and A→B again under another relation.
    await m.link('proj', 'A', 'C', 'depends_on');
    await m.link('proj', 'A', 'D', 'depends_on');
    await m.link('proj', 'D', 'C', 'instanceof');
    const rel = await m.link('proj', a.id, b.id, 'related_to', { weight: 0.25 });
    assert.equal(rel.weight, 0.25);
    assert.equal((await m.linksForMemoir('proj')).length, 6);
    await m.deleteLink(ab.id);
    await assert.rejects(m.deleteLink(ab.id), NotFoundError);
    await assert.rejects(m.link('proj', 'B', 'A', 'part_of'), /cycle/, 'A→B related_to still leads back');
    await m.deleteLink(rel.id);
    await m.link('proj', 'B', 'A', 'part_of'); // no path from A to B is left
  });

  test('a retried link with the same id lands once and succeeds', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    await m.addConcept('proj', { name: 'a', definition: 'a' });
    await m.addConcept('proj', { name: 'b', definition: 'b' });
    const first = await m.link('proj', 'a', 'b', 'depends_on', { id: '01J0000000000000000000LINK' });
    const again = await m.link('proj', 'a', 'b', 'depends_on', { id: '01J0000000000000000000LINK' });
    assert.equal(again.id, first.id);
    assert.equal((await m.linksForMemoir('proj')).length, 1);
  });

  test('neighbours in both directions, with a relation filter', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    for (const n of ['a', 'b', 'c']) await m.addConcept('proj', { name: n, definition: `node ${n}` });
    await m.link('proj', 'a', 'b', 'depends_on');
    await m.link('proj', 'c', 'a', 'part_of');
    assert.deepEqual(
      (await m.neighbors('proj', 'a')).map((c) => c.name),
      ['b', 'c'],
    );
    assert.deepEqual(
      (await m.neighbors('proj', 'a', 'depends_on')).map((c) => c.name),
      ['b'],
    );
    assert.deepEqual(await m.neighbors('proj', 'b', 'part_of'), []);
    await assert.rejects(m.neighbors('proj', 'zz'), NotFoundError);
  });

  test('neighbourhood BFS: depth 1/2/3 → 2/3/4 concepts, root first, each link once', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    for (const n of ['a', 'b', 'c', 'd', 'e']) await m.addConcept('proj', { name: n, definition: `node ${n}` });
    await m.link('proj', 'a', 'b', 'depends_on');
    await m.link('proj', 'b', 'c', 'depends_on');
    await m.link('proj', 'c', 'd', 'depends_on');
    await m.link('proj', 'e', 'a', 'refines'); // incoming: BFS goes both ways
    const d1 = await m.neighborhood('proj', 'a', 1);
    assert.deepEqual(
      d1.concepts.map((c) => [c.name, c.depth]),
      [
        ['a', 0],
        ['b', 1],
        ['e', 1],
      ],
    );
    assert.equal(d1.links.length, 2);
    assert.equal((await m.neighborhood('proj', 'a', 2)).concepts.length, 4);
    const d3 = await m.neighborhood('proj', 'a', 3);
    assert.deepEqual(
      d3.concepts.map((c) => c.name),
      ['a', 'b', 'e', 'c', 'd'],
    );
    assert.equal(d3.links.length, 4);
    assert.equal(new Set(d3.links.map((l) => l.id)).size, 4);
    await assert.rejects(m.neighborhood('proj', 'a', 0), InvalidInputError);
    await assert.rejects(m.neighborhood('proj', 'zz', 2), NotFoundError);
  });

  test('deleting a memoir deletes its concepts and links, and only those', async () => {
    const { s, m } = await fresh(ctx);
    await m.createMemoir('proj');
    await m.createMemoir('keep');
    for (const memoir of ['proj', 'keep']) {
      await m.addConcept(memoir, { name: 'a', definition: 'def' });
      await m.addConcept(memoir, { name: 'b', definition: 'def' });
      await m.link(memoir, 'a', 'b', 'related_to');
    }
    const proj = (await m.getMemoir('proj'))!;
    await m.deleteMemoir('proj');
    await assert.rejects(m.listConcepts(proj.id), NotFoundError);
    const [n] = await s.conn.query(
      `SELECT (SELECT COUNT(*) FROM concepts) AS c, (SELECT COUNT(*) FROM concept_links) AS l`,
    );
    assert.deepEqual([Number(n.c), Number(n.l)], [2, 1]);
    assert.equal((await m.searchAllConcepts('def')).length, 2, 'the FTS index lost the deleted concepts');
  });

  test('stats: concepts, links, average confidence, label histogram', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    await m.addConcept('proj', { name: 'es', definition: 'event sourcing', labels: ['domain:arch'] });
    await m.addConcept('proj', {
      name: 'sqlite',
      definition: 'sqlite storage',
      labels: ['domain:arch', 'type:tech'],
      confidence: 0.9,
    });
    await m.link('proj', 'es', 'sqlite', 'depends_on');
    const st = await m.stats('proj');
    assert.equal(st.totalConcepts, 2);
    assert.equal(st.totalLinks, 1);
    assert.ok(Math.abs(st.avgConfidence - 0.7) < 1e-9);
    assert.deepEqual(st.labelCounts, [
      { label: 'domain:arch', count: 2 },
      { label: 'type:tech', count: 1 },
    ]);
    await assert.rejects(m.stats('nope'), NotFoundError);
  });

  test('full-text search: ICM cases, confidence order, and any string is safe', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    await m.createMemoir('other');
    await m.addConcept('proj', { name: 'event-sourcing', definition: 'Store domain events in append-only log' });
    await m.addConcept('proj', { name: 'cqrs', definition: 'Command Query Responsibility Segregation' });
    await m.addConcept('proj', { name: 'sqlite-vec', definition: 'Vector search extension for SQLite' });
    await m.addConcept('other', { name: 'events', definition: 'domain events elsewhere', confidence: 0.9 });
    assert.deepEqual(
      (await m.searchConcepts('proj', 'events')).map((c) => c.name),
      ['event-sourcing'],
    );
    assert.deepEqual(
      (await m.searchConcepts('proj', 'sqlite-vec')).map((c) => c.name),
      ['sqlite-vec'],
    );
    assert.deepEqual(await m.searchConcepts('proj', '***'), []);
    const all = await m.searchAllConcepts('domain events');
    assert.deepEqual(
      all.map((c) => [c.name, c.memoirName]),
      [
        ['events', 'other'],
        ['event-sourcing', 'proj'],
      ],
    );
    for (const q of [
      'foo"bar OR (',
      'NEAR(a b)',
      '-x*',
      'name:cqrs',
      '^start',
      '\0',
      "'; DROP TABLE concepts; --",
      'x'.repeat(20_000),
    ]) {
      await m.searchConcepts('proj', q);
      await m.searchAllConcepts(q);
    }
    assert.equal(
      (await m.searchConcepts('proj', "cqrs:Segregation ')")).length,
      1,
      'a column filter is searched as words',
    );
    await assert.rejects(m.searchConcepts('nope', 'x'), NotFoundError);
  });

  test('labels: exact search by ns:value (no wildcards), and label mode with a query', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj');
    await m.addConcept('proj', { name: 'es', definition: 'event sourcing', labels: 'domain:arch' });
    await m.addConcept('proj', { name: 'sqlite', definition: 'storage', labels: 'domain:tech' });
    await m.addConcept('proj', { name: 'pct', definition: 'percent', labels: 'domain:a%' });
    assert.deepEqual(
      (await m.searchByLabel('proj', 'domain:arch')).map((c) => c.name),
      ['es'],
    );
    assert.deepEqual(
      (await m.searchByLabel('proj', 'domain:a%')).map((c) => c.name),
      ['pct'],
    );
    assert.deepEqual(
      (await m.searchByLabel('proj', { namespace: 'domain', value: 'a_ch' })).map((c) => c.name),
      [],
    );
    assert.deepEqual(
      (await m.searchConcepts('proj', 'SOURC', { label: 'domain:arch' })).map((c) => c.name),
      ['es'],
    );
    assert.deepEqual(await m.searchConcepts('proj', 'nothing', { label: 'domain:arch' }), []);
  });

  test('bad input is refused with a clear error and changes nothing', async () => {
    const { s, m } = await fresh(ctx);
    await m.createMemoir('proj');
    await assert.rejects(m.createMemoir('x'.repeat(256)), /name too long: 256 bytes \(max 255\)/);
    await m.createMemoir('y'.repeat(255));
    await assert.rejects(m.createMemoir(''), InvalidInputError);
    await assert.rejects(m.createMemoir('a\nb'), InvalidInputError);
    await assert.rejects(m.createMemoir('ok', 'd'.repeat(10_001)), /description too long/);
    await assert.rejects(m.addConcept('proj', { name: 'c', definition: 'd'.repeat(10_001) }), /definition too long/);
    await assert.rejects(m.addConcept('proj', { name: 'c', definition: '   ' }), InvalidInputError);
    await assert.rejects(m.addConcept('proj', { name: 'c\0', definition: 'd' }), /NUL/);
    await assert.rejects(m.addConcept('proj', { name: 'c', definition: 'd', confidence: 2 }), InvalidInputError);
    await assert.rejects(m.addConcept('nope', { name: 'c', definition: 'd' }), NotFoundError);
    await assert.rejects(m.refineConcept('proj', 'c', 'd'.repeat(10_001)), InvalidInputError);
    await assert.rejects(m.export('proj', 'svg'), /unsupported format/);
    const [n] = await s.conn.query(`SELECT (SELECT COUNT(*) FROM memoirs) AS m, (SELECT COUNT(*) FROM concepts) AS c`);
    assert.deepEqual([Number(n.m), Number(n.c)], [2, 0]);
    // Injection-looking names are data.
    const evil = `x'); DROP TABLE memoirs; --`;
    await m.createMemoir(evil);
    assert.equal((await m.getMemoir(evil))!.name, evil);
  });

  test('export: ICM json (names, not ids), dot, ascii and ai', async () => {
    const { m } = await fresh(ctx);
    await m.createMemoir('proj', 'the project');
    await m.addConcept('proj', { name: 'es', definition: 'say "events"', labels: 'domain:arch', confidence: 0.9 });
    await m.addConcept('proj', { name: 'sqlite', definition: 'storage' });
    await m.link('proj', 'es', 'sqlite', 'depends_on');
    const json = JSON.parse(await m.export('proj', 'json'));
    assert.deepEqual(json.memoir, { name: 'proj', description: 'the project' });
    assert.deepEqual(
      json.concepts.map((c: { name: string; labels: string[]; confidence: number; revision: number }) => [
        c.name,
        c.labels,
        c.confidence,
        c.revision,
      ]),
      [
        ['es', ['domain:arch'], 0.9, 1],
        ['sqlite', [], 0.5, 1],
      ],
    );
    assert.deepEqual(json.links, [{ source: 'es', target: 'sqlite', relation: 'depends_on', weight: 1 }]);
    assert.match(await m.export('proj', 'json'), /"weight": 1\.0\n/);
    const dot = await m.export('proj', 'dot');
    assert.match(dot, /^digraph "proj" \{\n {2}rankdir=LR;/);
    assert.match(dot, /"es" \[tooltip="say \\"events\\"" fillcolor="#4CAF50" label="es\\n\(90%\)"\];/);
    assert.match(dot, /"es" -> "sqlite" \[label="depends_on" penwidth=2\.5\];/);
    const ascii = await m.export('proj', 'ascii');
    assert.match(ascii, /^╔══ proj ══╗\n║ the project\n║ 2 concepts, 1 links\n╚══════════╝\n/);
    assert.match(ascii, /┌─ es \[domain:arch\] #####\n│ {2}say "events"\n│ {2}──depends_on──> sqlite\n└─/);
    const ai = await m.export('proj', 'ai');
    assert.match(
      ai,
      /^# Memoir: proj — the project\n\n## Concepts \(2\)\n- \*\*es\*\* \[domain:arch\] \(confidence: 90%\): say "events"/,
    );
    assert.match(ai, /## Relations \(1\)\n- es ──depends_on──> sqlite \(w:1\.0\)\n$/);
  });

  test('distill: one concept per memory, refined when the name exists; a second run changes nothing', async () => {
    const { s, m } = await fresh(ctx);
    await m.createMemoir('arch');
    const m1 = await s.store({
      topic: 'decisions',
      summary: 'Use event sourcing for the audit log',
      keywords: ['events', 'audit'],
      importance: 'high',
    });
    const m2 = await s.store({ topic: 'decisions', summary: 'Events are stored in SQLite', keywords: ['events'] });
    const m3 = await s.store({ topic: 'decisions', summary: 'No keywords on this one' });
    const r = await m.distill('decisions', 'arch');
    assert.equal(r.memories, 3);
    const events = (await m.getConcept('arch', 'events'))!;
    assert.equal(events.revision, 2);
    assert.equal(events.confidence, 0.6);
    assert.deepEqual([...events.sourceMemoryIds].sort(), [m1.id, m2.id].sort());
    assert.match(events.definition, /\n---\n/);
    assert.deepEqual(
      events.labels.map((l) => l.namespace),
      ['tag', 'tag'].slice(0, events.labels.length),
    );
    const plain = (await m.getConcept('arch', `decisions-${m3.id.slice(0, 8)}`))!;
    assert.equal(plain.definition, 'No keywords on this one');
    assert.equal((await m.listConcepts('arch')).length, 2);
    const again = await m.distill('decisions', 'arch');
    assert.equal(again.unchanged, 3);
    assert.equal((await m.getConcept('arch', 'events'))!.revision, 2);
    await assert.rejects(m.distill('no-such-topic', 'arch'), /no memories found in topic/);
    await assert.rejects(m.distill('decisions', 'nope'), NotFoundError);
  });

  test('extract patterns: keyword clusters become concepts with ICM confidence and labels', async () => {
    const { s, m } = await fresh(ctx);
    await m.createMemoir('patterns');
    for (let i = 0; i < 3; i++)
      await s.store({
        topic: 'errors',
        summary: `build broke again ${i}`,
        keywords: ['esbuild', 'bundle', 'external'],
      });
    await s.store({ topic: 'errors', summary: 'unrelated', keywords: ['css'] });
    const dry = await m.extractPatterns('errors');
    assert.equal(dry.clusters.length, 1);
    assert.equal(dry.clusters[0].count, 3);
    assert.deepEqual(dry.concepts, []);
    const r = await m.extractPatterns('errors', { memoir: 'patterns' });
    assert.equal(r.concepts.length, 1);
    const c = r.concepts[0].concept;
    assert.equal(c.name, 'esbuild-bundle-external');
    assert.equal(c.confidence, 0.65);
    assert.match(c.definition, /\(pattern detected across 3 memories\)$/);
    assert.deepEqual(
      c.labels.map((l) => `${l.namespace}:${l.value}`),
      ['pattern:esbuild', 'pattern:bundle', 'pattern:external'],
    );
    assert.equal((await m.extractPatterns('errors', { memoir: 'patterns' })).concepts[0].action, 'unchanged');
  });

  test(
    'on sqld every write is one round trip (the cycle check is inside the insert)',
    { skip: ctx.mode !== 'sqld' },
    async () => {
      const { s } = await fresh(ctx);
      const { conn, calls } = counting(s.conn);
      const m = new MemoirStore(conn);
      await m.init();
      const before = calls();
      await m.createMemoir('rt');
      for (let i = 0; i < 10; i++) await m.addConcept('rt', { name: `c${i}`, definition: `concept ${i}` });
      for (let i = 0; i < 9; i++) await m.link('rt', `c${i}`, `c${i + 1}`, 'depends_on');
      await m.refineConcept('rt', 'c0', 'refined');
      await assert.rejects(m.link('rt', 'c9', 'c0', 'depends_on'), /cycle/);
      assert.equal(calls() - before, 1 + 10 + 9 + 1 + 1);
      const t0 = calls();
      await m.neighborhood('rt', 'c5', 3);
      assert.equal(calls() - t0, 1, 'a neighbourhood is one statement');
    },
  );
});
