/**
 * The CLI behaviour suite, run end to end (argv in, stdout/stderr/exit code out) against each
 * storage mode: local file, sqld with auth, embedded replica of that sqld.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { makeTarget, runCli, seedExport, type Target, tmpDir } from './helpers';

const total = async (t: Target) => (await t.run(['stats'])).json().totalMemories as number;

export function cliSuite(title: string, fresh: () => Promise<Target>): void {
  describe(title, () => {
    test('store then get returns every field as given', async () => {
      const t = await fresh();
      const stored = (
        await t.run([
          'store',
          '-t',
          'decisions-mnemos',
          '-c',
          'Use WAL for concurrent writers',
          '-i',
          'high',
          '-k',
          'sqlite,wal',
          '-k',
          'locking',
          '-r',
          'PRAGMA journal_mode=WAL;',
        ])
      ).json();
      assert.equal(stored.action, 'created');
      assert.match(stored.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
      const { memory } = (await t.run(['get', stored.id])).json();
      assert.equal(memory.id, stored.id);
      assert.equal(memory.topic, 'decisions-mnemos');
      assert.equal(memory.summary, 'Use WAL for concurrent writers');
      assert.equal(memory.importance, 'high');
      assert.deepEqual(memory.keywords, ['sqlite', 'wal', 'locking']);
      assert.equal(memory.rawExcerpt, 'PRAGMA journal_mode=WAL;');
      assert.equal(memory.weight, 1);
      assert.equal(memory.sourceType, 'manual');
      const text = await t.run(['get', stored.id], { json: false });
      assert.match(text.stdout, new RegExp(`^id: +${stored.id}$`, 'm'));
      assert.match(text.stdout, /^importance: +high$/m);
    });

    test('text output of store names the new id, and storing the same memory again returns that id', async () => {
      const t = await fresh();
      const first = await t.run(['store', '-t', 'prefs', '-c', 'Tabs, not spaces'], { json: false });
      const id = /Stored memory: (\S+)/.exec(first.stdout)?.[1];
      assert.ok(id, first.stdout);
      const again = (await t.run(['store', '-t', ' prefs ', '-c', 'tabs,   NOT spaces', '-i', 'critical'])).json();
      assert.deepEqual(again, { id, action: 'merged' });
      assert.equal((await t.run(['get', id])).json().memory.importance, 'critical');
      assert.equal(await total(t), 1);
    });

    test('recall finds memories by their words and honours topic, importance and limit', async () => {
      const t = await fresh();
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(6, 'garden')) });
      await t.run(['store', '-t', 'kitchen', '-c', 'gardening tools live in the shed', '-i', 'low']);
      await t.run(['store', '-t', 'kitchen', '-c', 'the oven runs hot']);
      const all = (await t.run(['recall', 'gardening', '-l', '20'])).json();
      assert.equal(all.items.length, 7);
      assert.ok(['keyword', 'hybrid'].includes(all.mode));
      for (const i of all.items) assert.equal(typeof i.score, 'number');
      const garden = (await t.run(['recall', 'gardening', '-t', 'garden', '-l', '20'])).json();
      assert.equal(garden.items.length, 6);
      assert.ok(garden.items.every((i: any) => i.memory.topic === 'garden'));
      assert.equal((await t.run(['recall', 'gardening', '-l', '2'])).json().items.length, 2);
      const low = (await t.run(['recall', 'gardening', '-i', 'low'])).json();
      assert.deepEqual(
        low.items.map((i: any) => i.memory.summary),
        ['gardening tools live in the shed'],
      );
      const oven = await t.run(['recall', 'oven', 'hot'], { json: false });
      assert.match(oven.stdout, /^[0-9A-Z]{26} {2}\[kitchen\] the oven runs hot$/m);
      // The access bump (deferred on a server) is flushed before the command returns.
      const ovenId = oven.stdout.split(' ')[0];
      assert.equal((await t.run(['get', ovenId])).json().memory.accessCount, 1);
      const none = await t.run(['recall', 'zeppelin'], { json: false });
      assert.equal(none.stdout.trim(), 'No memories found.');
    });

    test('hostile recall queries search for words or find nothing, never fail', async () => {
      const t = await fresh();
      await t.run(['store', '-t', 'notes', '-c', 'foo bar baz and x marks the spot']);
      const queries = [
        'foo"bar OR (',
        'NOT',
        ')',
        '*',
        '"',
        'foo AND',
        'topic:notes',
        "'; DROP TABLE memories; --",
        'NEAR(foo bar)',
        '^foo',
        '---',
      ];
      for (const q of queries) {
        const r = await t.run(q.startsWith('-') ? ['recall', '--', q] : ['recall', q]);
        assert.ok(Array.isArray(r.json().items), q);
      }
      assert.equal((await t.run(['recall', 'foo"bar OR ('])).json().items.length, 1);
      // A query that starts with "-" goes after -- (as with any getopt CLI).
      const dash = (await t.run(['recall', '--', '-x*'])).json();
      assert.equal(dash.items.length, 1);
      assert.equal(await total(t), 1);
    });

    test('list pages through every memory with the cursor, one page at a time', async () => {
      const t = await fresh();
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(7, 'paging')) });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: any = (await t.run(['list', '-l', '3', ...(cursor ? ['--cursor', cursor] : [])])).json();
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((m: any) => m.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(
        seen,
        seedExport(7).memories.map((m) => m.id),
      ); // heaviest first, no gaps or repeats
      const all = (await t.run(['list', '--all'])).json();
      assert.equal(all.items.length, 7);
      assert.equal(all.nextCursor, null);
      const text = await t.run(['list', '-l', '3'], { json: false });
      assert.equal(text.stdout.trim().split('\n').length, 3);
      assert.match(text.stderr, /--cursor \S+/);
      const recent = (await t.run(['list', '-l', '1', '-s', 'recent'])).json();
      assert.equal(recent.items[0].id, seedExport(7).memories[6].id);
    });

    test('topics, stats and health count what is stored', async () => {
      const t = await fresh();
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(6, 'big')) });
      await t.run(['store', '-t', 'small', '-c', 'only one here']);
      assert.deepEqual((await t.run(['topics'])).json(), {
        topics: [
          { topic: 'big', count: 6 },
          { topic: 'small', count: 1 },
        ],
      });
      const stats = (await t.run(['stats'])).json();
      assert.equal(stats.totalMemories, 7);
      assert.equal(stats.totalTopics, 2);
      assert.equal(stats.mode, t.mode);
      assert.equal(typeof stats.avgWeight, 'number');
      assert.equal(stats.oldestMemory, seedExport(1).memories[0].createdAt);
      const health = (await t.run(['health'])).json().topics;
      assert.deepEqual(
        health.map((h: any) => [h.topic, h.entryCount, h.needsConsolidation]),
        [
          ['big', 6, true],
          ['small', 1, false],
        ],
      );
      const one = (await t.run(['health', '-t', 'small'])).json().topics;
      assert.equal(one.length, 1);
      assert.equal(one[0].status, 'ok healthy');
      const text = await t.run(['topics'], { json: false });
      assert.match(text.stdout, /^6 {2}big$/m);
    });

    test('update replaces content, importance and keywords and resets the weight', async () => {
      const t = await fresh();
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(1, 'u')) });
      const id = seedExport(1).memories[0].id;
      await t.run(['decay', '-f', '0.5']);
      assert.ok((await t.run(['get', id])).json().memory.weight < 1);
      const { memory } = (
        await t.run(['update', id, '-c', 'rewritten text', '-i', 'critical', '-k', 'new,words'])
      ).json();
      assert.equal(memory.summary, 'rewritten text');
      assert.equal(memory.importance, 'critical');
      assert.deepEqual(memory.keywords, ['new', 'words']);
      assert.equal(memory.weight, 1);
      assert.deepEqual((await t.run(['get', id])).json().memory, memory);
      assert.equal((await t.run(['recall', 'rewritten'])).json().items[0].memory.id, id);
      const missing = await t.run(['update', '01JZZZZZZZZZZZZZZZZZZZZZZZ', '-c', 'x'], { expect: 1 });
      assert.equal(missing.errJson().error.code, 'not_found');
    });

    test('forget deletes one memory by id, or a whole topic and nothing else', async () => {
      const t = await fresh();
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(4, 'doomed')) });
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(2, 'kept', { start: 10 })) });
      const [a] = seedExport(1).memories;
      assert.deepEqual((await t.run(['forget', a.id])).json(), { deleted: 1, id: a.id });
      const gone = await t.run(['get', a.id], { expect: 1 });
      assert.equal(gone.errJson().error.code, 'not_found');
      assert.equal((await t.run(['forget', a.id], { expect: 1 })).errJson().error.code, 'not_found');
      assert.deepEqual((await t.run(['forget', '-t', 'doomed'])).json(), { deleted: 3, topic: 'doomed' });
      assert.deepEqual((await t.run(['topics'])).json().topics, [{ topic: 'kept', count: 2 }]);
      assert.deepEqual((await t.run(['forget', '-t', 'doomed'])).json(), { deleted: 0, topic: 'doomed' });
    });

    test('consolidate replaces a topic with one summary and leaves other topics alone', async () => {
      const t = await fresh();
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(5, 'sprawl')) });
      await t.run(['store', '-t', 'other', '-c', 'untouched']);
      const res = (await t.run(['consolidate', '-t', 'sprawl', '-c', 'All five say: gardening matters'])).json();
      assert.equal(res.replaced, 5);
      const { memory } = (await t.run(['get', res.id])).json();
      assert.equal(memory.summary, 'All five say: gardening matters');
      assert.equal(memory.importance, 'high');
      assert.deepEqual(memory.keywords, ['k0', 'k1', 'k2', 'k3', 'k4']);
      assert.deepEqual((await t.run(['topics'])).json().topics, [
        { topic: 'other', count: 1 },
        { topic: 'sprawl', count: 1 },
      ]);
      // Without -c, ICM's summary: the three heaviest joined with " | ".
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(4, 'auto', { start: 20 })) });
      const auto = (await t.run(['consolidate', '-t', 'auto'])).json();
      assert.equal(
        (await t.run(['get', auto.id])).json().memory.summary,
        [20, 21, 22].map((i) => `seeded memory number ${i} about gardening`).join(' | '),
      );
      assert.equal(
        (await t.run(['consolidate', '-t', 'nothing-here', '-c', 'x'], { expect: 1 })).errJson().error.code,
        'not_found',
      );
    });

    test('decay lowers weights except critical ones, and prune deletes only light low-importance memories', async () => {
      const t = await fresh();
      await t.run(['store', '-t', 'life', '-c', 'medium one']);
      await t.run(['store', '-t', 'life', '-c', 'low one', '-i', 'low']);
      await t.run(['store', '-t', 'life', '-c', 'high one', '-i', 'high']);
      await t.run(['store', '-t', 'life', '-c', 'critical one', '-i', 'critical']);
      const d = (await t.run(['decay'])).json();
      assert.deepEqual(d, { affected: 3, factor: 0.95 });
      const weights = async () =>
        Object.fromEntries(
          (await t.run(['list', '--all'])).json().items.map((m: any) => [m.summary, m.weight]),
        ) as Record<string, number>;
      const w = await weights();
      assert.ok(Math.abs(w['medium one'] - 0.95) < 1e-9, String(w['medium one']));
      assert.ok(Math.abs(w['low one'] - 0.9) < 1e-9);
      assert.ok(Math.abs(w['high one'] - 0.975) < 1e-9);
      assert.equal(w['critical one'], 1);
      await t.run(['decay', '--factor', '0.01']);
      const dry = (await t.run(['prune', '--dry-run'])).json();
      assert.equal(dry.dryRun, true);
      assert.equal(dry.count, 2);
      assert.equal(await total(t), 4);
      const pruned = (await t.run(['prune', '-t', '0.1'])).json();
      assert.equal(pruned.count, 2);
      assert.deepEqual(Object.keys(await weights()).sort(), ['critical one', 'high one']);
    });

    test('export then import into a fresh database reproduces every memory exactly', async () => {
      const t = await fresh();
      await t.run(['import', '-'], { stdin: JSON.stringify(seedExport(3, 'trip')) });
      await t.run([
        'store',
        '-t',
        'trip',
        '-c',
        'unicode ✓ 日本語 "quotes" and\nnewlines',
        '-k',
        'a,b',
        '-r',
        'raw\ttext',
        '-i',
        'critical',
      ]);
      await t.run(['decay', '-f', '0.9']);
      const dir = tmpDir();
      const file = path.join(dir, 'backup.json');
      const res = (await t.run(['export', file])).json();
      assert.deepEqual(res, { exported: 4, file });
      const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(exported.format, 'mnemos-export');
      assert.equal(exported.memories.length, 4);
      const viaStdout = JSON.parse((await t.run(['export', '-'])).stdout);
      assert.deepEqual(viaStdout.memories, exported.memories);

      const other = makeTarget('local', ['--db', path.join(dir, 'fresh.db')], {});
      assert.deepEqual((await other.run(['import', file])).json(), { imported: 4, skipped: 0 });
      const again = JSON.parse((await other.run(['export', '-'])).stdout);
      assert.deepEqual(again.memories, exported.memories);
      // Importing twice adds nothing; import from stdin works the same.
      assert.deepEqual((await other.run(['import', '-'], { stdin: fs.readFileSync(file, 'utf8') })).json(), {
        imported: 0,
        skipped: 4,
      });
    });

    test('bad input exits 2 with one line on stderr and writes nothing', async () => {
      const t = await fresh();
      await t.run(['store', '-t', 'base', '-c', 'the only memory']);
      const bad: [string[], RegExp][] = [
        [['store', '-t', '   ', '-c', 'x'], /topic must not be empty/],
        [['store', '-t', 'a', '-c', '  '], /must not be blank/],
        [['store', '-t', 'a', '-c', 'x', '-i', 'urgent'], /importance must be one of/],
        [['store', '-t', 'a\nb', '-c', 'x'], /newlines/],
        [['store', '-t', 'a'], /store needs -c CONTENT/],
        [['store', '-c', 'x'], /store needs -t TOPIC/],
        [['store', '-t', 'a', '-c'], /needs a value/],
        [['store', '-t', 'a', '-c', 'x', 'stray'], /unexpected argument/],
        [['recall'], /recall needs a QUERY/],
        [['recall', 'x', '-l', '0'], /limit must be/],
        [['recall', 'x', '-l', 'ten'], /limit must be/],
        [['get'], /get needs a memory ID/],
        [['forget'], /forget needs a memory ID/],
        [['update', 'X'], /update needs something to change/],
        [['decay', '-f', '1.5'], /factor must be a number in \[0, 1\)/],
        [['prune', '-t', 'zero'], /threshold must be a number/],
        [['list', '--all', '-l', '3'], /--all/],
        [['list', '-s', 'sideways'], /sort must be/],
        [['consolidate', '-c', 'x'], /consolidate needs -t TOPIC/],
        [['import', '-'], /not JSON/],
        [['frobnicate'], /unknown command "frobnicate"/],
        [['store', '--colour', 'red'], /unknown option --colour/],
        [['--format', 'yaml', 'stats'], /--format must be text or json/],
      ];
      for (const [args, re] of bad) {
        const r = await runCli([...t.args, ...args], { env: t.env, stdin: args[0] === 'import' ? '{oops' : undefined });
        assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
        assert.equal(r.stdout, '', args.join(' '));
        assert.match(r.stderr, re, args.join(' '));
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, /^mnemos: /);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      }
      const j = await runCli([...t.args, '--format', 'json', 'store', '-t', '', '-c', 'x'], { env: t.env });
      assert.equal(j.code, 2);
      assert.equal(j.stdout, '');
      assert.deepEqual(Object.keys(j.errJson().error).sort(), ['code', 'message']);
      assert.equal(j.errJson().error.code, 'invalid_input');
      assert.equal((await runCli([...t.args, '--json', 'nope'], { env: t.env })).errJson().error.code, 'usage');
      const badImport = await t.run(['import', '-'], {
        stdin: JSON.stringify({ memories: [seedExport(1).memories[0], { topic: '', summary: 'x' }] }),
        expect: 2,
      });
      assert.match(badImport.errJson().error.message, /memory #2/);
      assert.equal(await total(t), 1);
    });
  });
}
