/** The ICM families' commands end to end (argv in, stdout/exit code out), on a local file and on sqld. */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Sqld, startSqld } from '../helpers/sqld';
import { makeTarget, type Target, tmpDir, wipeServer } from './helpers';

function suite(title: string, fresh: () => Promise<Target>): void {
  describe(title, () => {
    test('memoir: create, add-concept, link (cycle refused), inspect, show, export, delete', async () => {
      const t = await fresh();
      const made = await t.run(['memoir', 'create', '-n', 'arch', '-d', 'the architecture'], { json: false });
      assert.match(made.stdout, /^Created memoir 'arch': [0-9A-Z]{26}\n$/);
      for (const n of ['a', 'b']) await t.run(['memoir', 'add-concept', '-m', 'arch', '-n', n, '-d', `def ${n}`]);
      const linked = await t.run(['memoir', 'link', '-m', 'arch', '--from', 'a', '--to', 'b', '-r', 'part_of'], {
        json: false,
      });
      assert.match(linked.stdout, /^Linked: a --part_of--> b \([0-9A-Z]{26}\)$/m);
      const cycle = await t.run(['memoir', 'link', '-m', 'arch', '--from', 'b', '--to', 'a', '-r', 'refines'], {
        expect: 5,
      });
      assert.match(cycle.stderr, /cycle/);
      const refined = await t.run(['memoir', 'refine', '-m', 'arch', '-n', 'a', '-d', 'better'], { json: false });
      assert.equal(refined.stdout, "Refined 'a' (r2, confidence=0.60)\n");
      const inspect = await t.run(['memoir', 'inspect', '-m', 'arch', 'a'], { json: false });
      assert.match(inspect.stdout, /Graph \(depth=1\):\n {2}a --part_of--> b\n$/);
      const show = (await t.run(['memoir', 'show', 'arch'])).json();
      assert.equal(show.stats.totalConcepts, 2);
      assert.equal(show.stats.totalLinks, 1);
      const exported = JSON.parse((await t.run(['memoir', 'export', '-m', 'arch'], { json: false })).stdout);
      assert.deepEqual(
        exported.links.map((l: any) => [l.source, l.target]),
        [['a', 'b']],
      );
      const unknown = await t.run(['memoir', 'show', 'nope'], { expect: 1 });
      assert.match(unknown.stderr, /memoir not found: nope/);
      await t.run(['memoir', 'delete', 'arch']);
      assert.deepEqual((await t.run(['memoir', 'list'])).json().memoirs, []);
    });

    test('learn and extract-patterns', async () => {
      const t = await fresh();
      const out = await t.run(['learn', '-d', path.resolve(__dirname, '../..'), '-n', 'mnemos'], { json: false });
      assert.match(out.stdout, /^Learned mnemos: \d+ concepts, \d+ links \(memoir: [0-9A-Z]{26}\)\n$/);
      for (let i = 0; i < 3; i++) await t.run(['store', '-t', 'p', '-c', `lock ${i}`, '-k', 'sqlite,lock']);
      const pat = await t.run(['extract-patterns', '-t', 'p', '-m', 'mnemos'], { json: false });
      assert.match(pat.stdout, /^Detected 1 pattern\(s\) in topic 'p':/);
      assert.match(pat.stdout, /-> Created concept: [0-9A-Z]{26}/);
    });

    test('feedback, facts and transcripts', async () => {
      const t = await fresh();
      await t.run(['feedback', 'record', '-t', 'triage', '-c', 'issue 7', '-p', 'bug', '-x', 'feature']);
      const found = await t.run(['feedback', 'search', 'issue'], { json: false });
      assert.match(found.stdout, /^--- [0-9A-Z]{26} \[triage\] ---\n {2}context: issue 7\n/);
      assert.match((await t.run(['feedback', 'stats'], { json: false })).stdout, /^Feedback total: 1\n/);

      await t.run(['facts', 'set', 'svc', 'port', '8080']);
      await t.run(['facts', 'set', 'svc', 'port', '9090']);
      assert.equal((await t.run(['facts', 'get', 'svc', 'port'], { json: false })).stdout, '9090\n');
      assert.equal((await t.run(['facts', 'history', 'svc', 'port'])).json().facts.length, 2);
      await t.run(['facts', 'forget', 'svc', 'port']);
      await t.run(['facts', 'get', 'svc', 'port'], { expect: 1 });

      const sid = (await t.run(['transcript', 'start-session', '-p', 'demo'])).json().session_id;
      await t.run(['transcript', 'record', '-s', sid, '-r', 'user', '-c', 'postgres or mysql?']);
      const bad = await t.run(['transcript', 'record', '-s', sid, '-r', 'bot', '-c', 'x'], { expect: 2 });
      assert.match(bad.stderr, /invalid role 'bot'/);
      const hits = JSON.parse((await t.run(['sessions', 'search', 'postgres'], { json: false })).stdout);
      assert.equal(hits.length, 1);
      const shown = JSON.parse((await t.run(['transcript', 'show', sid], { json: false })).stdout);
      assert.equal(shown.messages.length, 1);
      await t.run(['sessions', 'forget', sid]);
      await t.run(['transcript', 'show', sid], { expect: 1 });
    });
  });
}

suite('ICM commands on a local file', () =>
  Promise.resolve(makeTarget('local', ['--db', path.join(tmpDir(), 'm.db')], {})),
);

let sqld: Sqld;
before(async () => {
  sqld = await startSqld({ auth: true });
});
after(async () => {
  await sqld?.stop();
});

suite('ICM commands on sqld', async () => {
  await wipeServer(sqld);
  return makeTarget('remote', [], { TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: sqld.token });
});
