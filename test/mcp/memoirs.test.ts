/**
 * ICM's memoir, feedback and transcript tools through the real stdio server, on a local file and on a
 * real sqld: tools/list (31 tools, ICM's order by family), every new tool's happy path and ICM's errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { forEachMcpMode, type Served, serve, tmpDir, ULID } from './harness';
import { ICM_TOOLS } from './icmTools';

forEachMcpMode('mcp memoir, feedback and transcript tools', (fx) => {
  let srv: Served;
  before(async () => {
    srv = await serve(fx.env());
  });
  after(() => srv?.close());

  test("tools/list has ICM's 31 tools, in order, with ICM's required fields", async () => {
    const { tools } = await srv.client.listTools();
    assert.equal(tools.length, 31);
    assert.deepEqual(
      tools.map((t) => t.name),
      ICM_TOOLS,
    );
    const schema = (n: string) =>
      tools.find((t) => t.name === n)!.inputSchema as { required?: string[]; properties: Record<string, any> };
    assert.deepEqual(schema('icm_memoir_link').required, ['memoir', 'from', 'to', 'relation']);
    assert.equal(schema('icm_memoir_link').properties.relation.enum.length, 9);
    assert.deepEqual(schema('icm_memoir_add_concept').required, ['memoir', 'name', 'definition']);
    assert.equal(schema('icm_memoir_search').properties.limit.default, 10);
    assert.equal(schema('icm_memoir_inspect').properties.depth.default, 1);
    assert.equal(schema('icm_memory_extract_patterns').properties.min_cluster_size.default, 3);
    assert.deepEqual(schema('icm_feedback_record').required, ['topic', 'context', 'predicted', 'corrected']);
    assert.deepEqual(schema('icm_transcript_record').required, ['session_id', 'role', 'content']);
    assert.equal(schema('icm_transcript_show').properties.limit.default, 200);
  });

  test('a memoir: create, add, refine, link, inspect, show, search, export, list', async () => {
    const name = `arch-${fx.mode}`;
    const created = await srv.call('icm_memoir_create', { name, description: 'the architecture' });
    assert.equal(created.isError, false, created.text);
    assert.match(created.text, new RegExp(`^Created memoir '${name}': [0-9A-Z]{26}$`));
    const add = async (n: string, def: string, labels?: string) => {
      const r = await srv.call('icm_memoir_add_concept', { memoir: name, name: n, definition: def, labels });
      assert.equal(r.isError, false, r.text);
      assert.equal(r.text.replace(/[0-9A-Z]{26}$/, 'ID'), `Added concept '${n}' to memoir '${name}': ID`);
    };
    await add('store', 'libSQL store in ICM format', 'kind:module, tag1');
    await add('libsql', 'the database engine', 'kind:dependency');
    await add('mcp', 'the MCP server for agents');
    const refined = await srv.call('icm_memoir_refine', {
      memoir: name,
      name: 'store',
      definition: 'libSQL, ICM tables',
    });
    assert.equal(refined.text, "Refined 'store' (r2, confidence=0.60)");
    const link = await srv.call('icm_memoir_link', {
      memoir: name,
      from: 'store',
      to: 'libsql',
      relation: 'depends_on',
    });
    assert.match(link.text, /^Linked: store --depends_on--> libsql \([0-9A-Z]{26}\)$/);
    await srv.call('icm_memoir_link', { memoir: name, from: 'mcp', to: 'store', relation: 'depends_on' });

    const inspect = await srv.call('icm_memoir_inspect', { memoir: name, name: 'store', depth: 99 });
    assert.match(inspect.text, /^Concept: store\n {2}id: [0-9A-Z]{26}\n {2}definition: libSQL, ICM tables\n/);
    assert.match(inspect.text, / {2}confidence: 0\.60\n {2}revision: 2\n {2}labels: kind:module, tag:tag1\n/);
    assert.match(inspect.text, /\nGraph \(depth=3\):\n/);
    assert.match(inspect.text, / {2}store --depends_on--> libsql\n/);
    assert.match(inspect.text, / {2}mcp --depends_on--> store\n/);
    const lone = await srv.call('icm_memoir_inspect', { memoir: name, name: 'libsql', depth: 0 });
    assert.match(lone.text, /Graph \(depth=1\):\n {2}store --depends_on--> libsql\n$/);

    const show = await srv.call('icm_memoir_show', { name });
    assert.match(show.text, new RegExp(`^Memoir: ${name}\nDescription: the architecture\nConcepts: 3\nLinks: 2\n`));
    assert.match(show.text, /Avg confidence: 0\.53\nLabels:\n/);
    assert.match(show.text, /\n {2}store \[r2 c0\.60\] \(kind:module, tag:tag1\)\n {4}libSQL, ICM tables\n/);
    assert.match(show.text, /\n {2}mcp \[r1 c0\.50\]\n {4}the MCP server for agents\n/);

    const search = await srv.call('icm_memoir_search', { memoir: name, query: 'database' });
    assert.equal(search.text, '--- libsql [r1 c0.50] ---\n  the database engine\n  labels: kind:dependency\n\n');
    const byLabel = await srv.call('icm_memoir_search', { memoir: name, query: '', label: 'kind:module' });
    assert.match(byLabel.text, /^--- store \[r2 c0\.60\] ---/);
    assert.equal((await srv.call('icm_memoir_search', { memoir: name, query: 'zeppelin' })).text, 'No concepts found.');
    const all = await srv.call('icm_memoir_search_all', { query: 'engine' });
    assert.match(all.text, new RegExp(`^--- libsql \\(${name}\\) \\[r1 c0\\.50\\] ---\n`));

    const json = JSON.parse((await srv.call('icm_memoir_export', { name })).text);
    assert.deepEqual(json.memoir, { name, description: 'the architecture' });
    assert.equal(json.concepts.length, 3);
    assert.deepEqual(json.links.map((l: any) => `${l.source}>${l.target}`).sort(), ['mcp>store', 'store>libsql']);
    assert.match((await srv.call('icm_memoir_export', { name, format: 'dot' })).text, /^digraph "/);
    const badFormat = await srv.call('icm_memoir_export', { name, format: 'svg' });
    assert.equal(badFormat.isError, true);
    assert.match(badFormat.text, /unsupported format: svg \(use 'json', 'dot', 'ascii', or 'ai'\)/);

    const list = await srv.call('icm_memoir_list');
    assert.match(list.text, new RegExp(`^Memoirs:\n(.*\n)* {2}${name} \\(3 concepts\\) — the architecture\n`));
  });

  test("memoir errors are ICM's: cycle, self-link, duplicate, unknown memoir/concept, over-long", async () => {
    const name = `errs-${fx.mode}`;
    await srv.call('icm_memoir_create', { name });
    for (const n of ['a', 'b', 'c']) await srv.call('icm_memoir_add_concept', { memoir: name, name: n, definition: n });
    await srv.call('icm_memoir_link', { memoir: name, from: 'a', to: 'b', relation: 'part_of' });
    await srv.call('icm_memoir_link', { memoir: name, from: 'b', to: 'c', relation: 'part_of' });
    const expectError = async (tool: string, args: Record<string, unknown>, re: RegExp) => {
      const r = await srv.call(tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)} → ${r.text}`);
      assert.match(r.text, re);
    };
    await expectError(
      'icm_memoir_link',
      { memoir: name, from: 'c', to: 'a', relation: 'refines' },
      /^failed to link: .*cycle/,
    );
    await expectError(
      'icm_memoir_link',
      { memoir: name, from: 'a', to: 'a', relation: 'refines' },
      /^failed to link: self-link/,
    );
    await expectError(
      'icm_memoir_link',
      { memoir: name, from: 'a', to: 'b', relation: 'part_of' },
      /^failed to link: .*already exists/,
    );
    await expectError(
      'icm_memoir_link',
      { memoir: name, from: 'a', to: 'zz', relation: 'part_of' },
      /^concept not found: zz$/,
    );
    await expectError(
      'icm_memoir_link',
      { memoir: name, from: 'a', to: 'c', relation: 'likes' },
      /invalid relation: likes/,
    );
    await expectError('icm_memoir_create', { name }, /^failed to create memoir: .*already exists/);
    await expectError(
      'icm_memoir_add_concept',
      { memoir: name, name: 'a', definition: 'x' },
      /^failed to add concept: .*already exists/,
    );
    await expectError('icm_memoir_show', { name: 'nope' }, /^memoir not found: nope$/);
    await expectError(
      'icm_memoir_add_concept',
      { memoir: 'nope', name: 'x', definition: 'y' },
      /^memoir not found: nope$/,
    );
    await expectError('icm_memoir_refine', { memoir: name, name: 'zz', definition: 'y' }, /^concept not found: zz$/);
    await expectError('icm_memoir_inspect', { memoir: name, name: 'zz' }, /^concept not found: zz$/);
    await expectError('icm_memoir_export', { name: 'nope' }, /^memoir not found: nope$/);
    await expectError('icm_memoir_create', { name: 'n'.repeat(256) }, /^name too long: 256 chars \(max 255\)$/);
    await expectError(
      'icm_memoir_create',
      { name: 'x', description: 'd'.repeat(10_001) },
      /^description too long: 10001/,
    );
    await expectError(
      'icm_memoir_add_concept',
      { memoir: name, name: 'é'.repeat(128), definition: 'x' },
      /^concept name too long: 256 chars/,
    );
    await expectError(
      'icm_memoir_add_concept',
      { memoir: name, name: 'd', definition: 'x'.repeat(10_001) },
      /^definition too long: 10001 chars \(max 10000\)$/,
    );
    await expectError('icm_memoir_create', {}, /missing required field: name/);
    await expectError('icm_memoir_link', { memoir: name, from: 'a', to: 'b' }, /missing required field: relation/);
    // Nothing changed: still three concepts and two links.
    assert.match((await srv.call('icm_memoir_show', { name })).text, /Concepts: 3\nLinks: 2\n/);
    const ok = await srv.call('icm_memoir_add_concept', { memoir: name, name: 'n'.repeat(255), definition: 'x' });
    assert.equal(ok.isError, false, ok.text);
  });

  test('learn scans a project into a memoir; extract_patterns clusters a topic into concepts', async () => {
    const dir = tmpDir('mnemos-learn-');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'demo', dependencies: { zod: '^4' } }));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'index.ts'), 'export {};\n');
    const learned = await srv.call('icm_learn', { directory: dir, name: `demo-${fx.mode}` });
    assert.equal(learned.isError, false, learned.text);
    assert.match(
      learned.text,
      new RegExp(`^Learned demo-${fx.mode}: \\d+ concepts, \\d+ links \\(memoir: [0-9A-Z]{26}\\)$`),
    );
    const missing = await srv.call('icm_learn', { directory: path.join(dir, 'nope') });
    assert.equal(missing.isError, true);
    assert.match(missing.text, /^directory not found: /);

    const topic = `patterns-${fx.mode}`;
    for (let i = 0; i < 4; i++) {
      await srv.call('icm_memory_store', {
        topic,
        content: `sqlite lock issue ${i}`,
        keywords: ['sqlite', 'lock', 'wal'],
      });
    }
    await srv.call('icm_memory_store', { topic, content: 'unrelated', keywords: ['garden'] });
    const dry = await srv.call('icm_memory_extract_patterns', { topic, min_cluster_size: 1 });
    assert.match(dry.text, new RegExp(`^Detected 1 pattern\\(s\\) in topic '${topic}':\n\nPattern 1: 4 memories\n`));
    assert.match(dry.text, / {2}Keywords: sqlite, lock, wal\n/);
    const none = await srv.call('icm_memory_extract_patterns', { topic, min_cluster_size: 9 });
    assert.equal(none.text, `No patterns detected in topic '${topic}' (min cluster size: 9).`);
    const memoir = `pat-${fx.mode}`;
    await srv.call('icm_memoir_create', { name: memoir });
    const made = await srv.call('icm_memory_extract_patterns', { topic, memoir });
    assert.match(made.text, / {2}-> Created concept: [0-9A-Z]{26}\n/);
    assert.match(made.text, new RegExp(`Created 1 concept\\(s\\) in memoir '${memoir}'\\.\n$`));
    assert.match((await srv.call('icm_memoir_show', { name: memoir })).text, /sqlite-lock-wal \[r1 c0\.70\]/);
    const noMemoir = await srv.call('icm_memory_extract_patterns', { topic, memoir: 'nope' });
    assert.equal(noMemoir.text, 'memoir not found: nope');
  });

  test("feedback and transcript tools answer with ICM's texts", async () => {
    const rec = await srv.call('icm_feedback_record', {
      topic: 'triage',
      context: 'issue 12',
      predicted: 'bug',
      corrected: 'feature',
      reason: 'it asks for new behaviour',
    });
    assert.match(rec.text, /^ok [0-9A-Z]{26}$/);
    const found = await srv.call('icm_feedback_search', { query: 'issue' });
    assert.match(found.text, /^--- [0-9A-Z]{26} \[triage\] ---\n {2}context: issue 12\n {2}predicted: bug\n/);
    assert.match(found.text, / {2}reason: it asks for new behaviour\n/);
    assert.match((await srv.call('icm_feedback_stats')).text, /^Feedback total: \d+\n\nBy topic:\n {2}triage: \d+\n/);
    const noTopic = await srv.call('icm_feedback_record', { context: 'c', predicted: 'p', corrected: 'c' });
    assert.equal(noTopic.isError, true);
    assert.match(noTopic.text, /missing required field: topic/);

    const started = JSON.parse((await srv.call('icm_transcript_start_session', { project: 'demo' })).text);
    assert.match(started.session_id, ULID);
    const msg = await srv.call('icm_transcript_record', {
      session_id: started.session_id,
      role: 'user',
      content: 'postgres or mysql for the queue?',
    });
    assert.match(JSON.parse(msg.text).message_id, ULID);
    const badRole = await srv.call('icm_transcript_record', {
      session_id: started.session_id,
      role: 'bot',
      content: 'x',
    });
    assert.equal(badRole.text, "invalid role 'bot'; must be user|assistant|system|tool");
    const unknown = await srv.call('icm_transcript_record', { session_id: 'nope', role: 'user', content: 'x' });
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /^record failed: /);
    const hits = JSON.parse((await srv.call('icm_transcript_search', { query: 'postgres OR oracle' })).text);
    assert.equal(hits.length, 1);
    assert.equal(hits[0].message.content, 'postgres or mysql for the queue?');
    const shown = JSON.parse((await srv.call('icm_transcript_show', { session_id: started.session_id })).text);
    assert.equal(shown.session.project, 'demo');
    assert.equal(shown.messages.length, 1);
    assert.equal((await srv.call('icm_transcript_show', { session_id: 'nope' })).text, 'session nope not found');
    const stats = JSON.parse((await srv.call('icm_transcript_stats')).text);
    assert.ok(stats.total_sessions >= 1 && stats.total_messages >= 1, JSON.stringify(stats));
  });
});
