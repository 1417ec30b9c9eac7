/** CLI behaviour that does not depend on the storage mode: parsing, help, output safety, errors, the command API. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { type CommandContext, registerCommand } from '../../src/cli/main';
import type { MnemosStore } from '../../src/store';
import { freePort } from '../helpers/sqld';
import { makeTarget, runCli, tmpDir } from './helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

const fresh = () => {
  const db = path.join(tmpDir(), 'memories.db');
  return { db, t: makeTarget('local', ['--db', db], {}) };
};

describe('mnemos argument parsing', () => {
  test('content that starts with a dash is taken verbatim after -c', async () => {
    const { t } = fresh();
    const { id } = (await t.run(['store', '-t', 'lists', '-c', '- first item\n- second item'])).json();
    assert.equal((await t.run(['get', id])).json().memory.summary, '- first item\n- second item');
    const { id: id2 } = (await t.run(['store', '--topic=lists', '--content=--double dash'])).json();
    assert.equal((await t.run(['get', id2])).json().memory.summary, '--double dash');
  });

  test('-c - and -r - read stdin, but not both at once', async () => {
    const { t } = fresh();
    const { id } = (await t.run(['store', '-t', 'piped', '-c', '-'], { stdin: 'from a pipe ✓\n' })).json();
    assert.equal((await t.run(['get', id])).json().memory.summary, 'from a pipe ✓\n');
    const { id: id2 } = (
      await t.run(['store', '-t', 'piped', '-c', 'with raw', '-r', '-'], { stdin: 'stack trace here' })
    ).json();
    assert.equal((await t.run(['get', id2])).json().memory.rawExcerpt, 'stack trace here');
    await t.run(['store', '-t', 'piped', '-c', '-', '-r', '-'], { stdin: 'x', expect: 2 });
  });

  test('global options work before or after the command, and a bundled short option takes its value', async () => {
    const { db } = fresh();
    const r = await runCli(['store', '-tshort', '-c', 'x', '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json().action, 'created');
    const list = await runCli(['--json', '--db', db, 'list', '-al']);
    assert.equal(list.code, 2, 'an -a bundle with a value-taking -l needs the value');
    const topics = await runCli(['--format=json', '--db', db, 'topics']);
    assert.deepEqual(topics.json(), { topics: [{ topic: 'short', count: 1 }] });
  });

  test('a relative --db is resolved against the working directory', async () => {
    const dir = tmpDir();
    const r = await runCli(['--db', 'rel.db', 'store', '-t', 'a', '-c', 'b'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'rel.db')));
  });

  test('bad input on a new path does not even create the database file', async () => {
    const { db, t } = fresh();
    await t.run(['store', '-t', '', '-c', 'x'], { expect: 2 });
    await t.run(['store', '-t', 'a', '-c', 'x', '-i', 'extreme'], { expect: 2 });
    await t.run(['recall', '-l', '-1', 'x'], { expect: 2 });
    await t.run(['import', '-'], { stdin: '[]', expect: 2 });
    assert.equal(fs.existsSync(db), false);
  });
});

describe('mnemos help, version and exit codes', () => {
  test('--help lists every command with the global options, exit codes and environment', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of [
      'store',
      'recall',
      'list',
      'topics',
      'stats',
      'health',
      'get',
      'forget',
      'update',
      'consolidate',
      'decay',
      'prune',
      'export',
      'import',
      'sync',
      'help',
    ]) {
      assert.match(r.stdout, new RegExp(`^  ${c} +\\S`, 'm'), c);
    }
    assert.match(r.stdout, /--db PATH/);
    assert.match(r.stdout, /TURSO_AUTH_TOKEN/);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 not found, 2 usage or invalid input, 3 connection, 4 auth, 5 other/);
  });

  test("help COMMAND and COMMAND --help show that command's flags", async () => {
    const a = await runCli(['help', 'store']);
    const b = await runCli(['store', '--help']);
    assert.equal(a.code, 0);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, /^Usage: mnemos store -t TOPIC -c CONTENT/m);
    assert.match(a.stdout, /-k, --keywords KW1,KW2/);
    assert.equal((await runCli(['help', 'nonsense'])).code, 2);
  });

  test('no command prints help on stderr and exits 2', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Usage: mnemos/m);
  });

  test('--version prints the package version, as text or JSON', async () => {
    assert.equal((await runCli(['--version'])).stdout, `mnemos ${version}\n`);
    assert.deepEqual((await runCli(['-V', '--json'])).json(), { version });
  });

  test('an unknown command suggests a near one', async () => {
    const r = await runCli(['recal', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "recal"; did you mean "recall"\?/);
  });

  test('a query that looks like an option explains how to pass it', async () => {
    const r = await runCli(['--db', fresh().db, 'recall', '-x*']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option -x .*-- "-x\*"/);
  });

  test('an unreachable server exits 3, a file that is not a database exits 5, both in one line', async () => {
    const port = await freePort();
    const down = await runCli(['stats'], { env: { TURSO_DATABASE_URL: `http://127.0.0.1:${port}` } });
    assert.equal(down.code, 3, down.stderr);
    assert.match(down.stderr, /^mnemos: cannot reach libSQL server http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(down.stderr.trim().split('\n').length, 1);
    const junk = path.join(tmpDir(), 'junk.db');
    fs.writeFileSync(junk, 'this is not sqlite, just some text that is long enough to look like a header'.repeat(100));
    const bad = await runCli(['--json', '--db', junk, 'stats']);
    assert.equal(bad.code, 5, bad.stderr);
    assert.equal(bad.errJson().error.code, 'corrupt');
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
    const debug = await runCli(['--db', junk, 'stats'], { env: { MNEMOS_DEBUG: '1' } });
    assert.match(debug.stderr, /\n\s+at /, 'MNEMOS_DEBUG=1 adds the stack');
  });

  test('plain-http URLs to other machines and --replica without a URL are refused before connecting', async () => {
    const r = await runCli(['--url', 'http://example.com', 'stats']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unencrypted/);
    assert.equal((await runCli(['--replica', '--db', fresh().db, 'stats'])).code, 2);
    const both = await runCli(['--db', fresh().db, '--url', 'http://127.0.0.1:1', 'stats']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--db with --url needs --replica/);
  });

  test('sync on a local file says there is nothing to sync', async () => {
    const { t } = fresh();
    assert.deepEqual((await t.run(['sync'])).json(), { synced: false, mode: 'local' });
  });
});

describe('mnemos output safety', () => {
  test('text output shows control characters and bidi overrides escaped, JSON keeps the exact text', async () => {
    const { t } = fresh();
    const evil = 'innocent\u001b[2J\u001b]0;pwned\u0007 \u202eexe.txt\u009b31m';
    const { id } = (await t.run(['store', '-t', 'evil\u001b[31m', '-c', evil, '-k', 'k\u001bx'])).json();
    for (const cmd of [['list'], ['recall', 'innocent'], ['get', id], ['topics'], ['health']]) {
      const r = await t.run(cmd, { json: false });
      // eslint-disable-next-line no-control-regex -- the check: no control character reaches the terminal
      assert.doesNotMatch(r.stdout, /[\u001b\u0007\u009b\u202e]/, cmd.join(' '));
    }
    const text = (await t.run(['get', id], { json: false })).stdout;
    assert.match(text, /innocent\\x1b\[2J\\x1b\]0;pwned\\x07 \\u\{202e\}exe\.txt\\x9b31m/);
    const json = await t.run(['get', id]);
    // eslint-disable-next-line no-control-regex -- the check: no control character reaches the terminal
    assert.doesNotMatch(json.stdout, /[\u001b\u0007\u009b]/);
    assert.equal(json.json().memory.summary, evil);
  });

  test('list and recall show one line per memory however long or multi-line it is', async () => {
    const { t } = fresh();
    await t.run(['store', '-t', 'long', '-c', 'line one\nline two\n' + 'word '.repeat(500)]);
    const r = await t.run(['list'], { json: false });
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.ok(r.stdout.length < 300, String(r.stdout.length));
  });
});

describe('mnemos command table', () => {
  test('a registered command runs with the shared store, which is closed after it', async () => {
    let seen: MnemosStore | undefined;
    registerCommand('probe-count', {
      summary: 'Count memories (test command)',
      options: { twice: { type: 'boolean', help: 'print twice' } },
      async run(ctx: CommandContext) {
        const s = await ctx.openStore();
        assert.equal(await ctx.openStore(), s, 'one store per run');
        seen = s;
        const n = await s.count();
        ctx.output({ n, twice: ctx.values.twice === true }, `${n}`);
        return 0;
      },
    });
    const { db, t } = fresh();
    await t.run(['store', '-t', 'a', '-c', 'b']);
    assert.deepEqual((await runCli(['--db', db, 'probe-count', '--twice', '--json'])).json(), { n: 1, twice: true });
    await assert.rejects(seen!.count(), 'the store was closed when the command returned');
    assert.match((await runCli(['--help'])).stdout, /^ {2}probe-count +Count memories/m);
  });

  test('a command that fails still has its store closed, and its error is mapped', async () => {
    let seen: MnemosStore | undefined;
    registerCommand('probe-fail', {
      summary: 'Fail (test command)',
      async run(ctx) {
        seen = await ctx.openStore();
        throw new Error('boom');
      },
    });
    const r = await runCli(['--db', fresh().db, 'probe-fail']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /^mnemos: unexpected error: boom/);
    await assert.rejects(seen!.count());
  });

  test('a family of subcommands runs each with its own flags, and its help lists them', async () => {
    registerCommand('probe-family', {
      summary: 'Probe family (test command)',
      description: 'Subcommands for the test.',
      subcommands: {
        add: {
          summary: 'Store one memory in topic probe',
          usage: '-c CONTENT',
          options: { content: { type: 'string', short: 'c', value: 'CONTENT', help: 'the text' } },
          async run(ctx) {
            const content = ctx.values.content;
            if (typeof content !== 'string') return ctx.usage('add needs -c CONTENT');
            const res = await (await ctx.openStore()).store({ topic: 'probe', summary: content });
            ctx.output({ command: ctx.command, id: res.id }, res.id);
          },
        },
        count: {
          summary: 'Count the memories',
          async run(ctx) {
            ctx.output({ n: await (await ctx.openStore()).count() }, '');
          },
        },
      },
    });
    const { db } = fresh();
    const added = await runCli(['--db', db, 'probe-family', 'add', '-c', 'from a subcommand', '--json']);
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.json().command, 'probe-family add');
    assert.deepEqual((await runCli(['--db', db, '--json', 'probe-family', 'count'])).json(), { n: 1 });

    const help = await runCli(['help', 'probe-family']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: mnemos probe-family SUBCOMMAND/m);
    assert.match(help.stdout, /^ {2}add +Store one memory in topic probe$/m);
    assert.match(help.stdout, /^ {2}count +Count the memories$/m);
    assert.equal((await runCli(['probe-family', '--help'])).stdout, help.stdout);
    const sub = await runCli(['help', 'probe-family', 'add']);
    assert.match(sub.stdout, /^Usage: mnemos probe-family add -c CONTENT/m);
    assert.match(sub.stdout, /-c, --content CONTENT/);
    assert.equal((await runCli(['probe-family', 'add', '--help'])).stdout, sub.stdout);
    assert.match((await runCli(['--help'])).stdout, /^ {2}probe-family +Probe family/m);

    const bare = await runCli(['probe-family']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^Usage: mnemos probe-family SUBCOMMAND/m);
    const unknown = await runCli(['probe-family', 'ad']);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /unknown probe-family subcommand "ad"; did you mean "add"\?.*mnemos help probe-family\)/,
    );
    const missing = await runCli(['--db', db, 'probe-family', 'add']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /add needs -c CONTENT \(see: mnemos help probe-family add\)/);
  });

  test('serve speaks MCP on the given stdin/stdout against the --db store, and exits 0 when stdin ends', async () => {
    const { db, t } = fresh();
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'icm_memory_store', arguments: { topic: 'via-mcp', content: 'stored through mnemos serve' } },
      },
    ];
    const r = await runCli(['serve', '--db', db], { stdin: lines.map((l) => JSON.stringify(l)).join('\n') + '\n' });
    assert.equal(r.code, 0, r.stderr);
    const replies = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(replies.find((x) => x.id === 1)?.result?.serverInfo?.name, 'mnemos');
    assert.ok(!replies.find((x) => x.id === 2)?.result?.isError, r.stdout);
    assert.deepEqual((await t.run(['topics'])).json().topics, [{ topic: 'via-mcp', count: 1 }]);
    assert.equal((await runCli(['serve', '--compact', '--verbose'])).code, 2);
  });
});
