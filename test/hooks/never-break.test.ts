/**
 * A hook never breaks the agent: bad, hostile or huge payloads, an unreachable store and a timeout all
 * end in exit 0 with nothing on stdout (and a line in the hook log); a store on sqld works like a file.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store';
import { freePort, type Sqld, startSqld } from '../helpers/sqld';
import { buildOnce, fixture, projectDir, readLog, runHookBin, tmpDir } from './helpers';

const FIX = 'ECONNREFUSED 127.0.0.1:6379 in the billing tests: redis-cache listens on 6380 under docker-compose.';

async function seeded(extra: { topic: string; summary: string; importance?: 'critical' }[] = []): Promise<string> {
  const db = path.join(tmpDir(), 'm.db');
  const s = await openStore({ mode: 'local', path: db });
  await s.storeMany([
    { topic: 'errors-resolved', summary: FIX },
    ...extra,
    ...Array.from({ length: 100 }, (_, i) => ({ topic: 'notes', summary: `Note ${i} about the search page layout.` })),
  ]);
  await s.close();
  return db;
}

before(() => buildOnce());

describe('bad and hostile payloads: exit 0, nothing on stdout, a line in the log', () => {
  let env: NodeJS.ProcessEnv;
  let state: string;
  let cwd: string;
  before(async () => {
    state = tmpDir('mnemos-hook-state-');
    env = { MNEMOS_DB: await seeded(), MNEMOS_STATE_DIR: state };
    cwd = projectDir();
  });
  const prompt = () => fixture('claude', 'UserPromptSubmit.json', { cwd });
  const cases: [string, () => string | Buffer][] = [
    ['not JSON', () => 'prompt: hello'],
    ['empty stdin', () => ''],
    ['a JSON array', () => '[1,2,3]'],
    ['JSON null', () => 'null'],
    ['a JSON string', () => '"UserPromptSubmit"'],
    ['truncated JSON', () => prompt().slice(0, 60)],
    ['a 9 MiB payload', () => JSON.stringify({ session_id: 's', prompt: 'x'.repeat(9 * 1024 * 1024) })],
  ];
  for (const [name, make] of cases) {
    test(name, async () => {
      const r = await runHookBin(['prompt', '--agent', 'claude'], make(), env);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, '');
      const last = readLog(state).at(-1)!;
      assert.equal(last.level, 'warn');
      assert.equal(last.msg, 'hook failed; the agent got no output');
    });
  }

  test('invalid UTF-8 in the prompt decodes to replacement characters and is searched as such', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"session_id":"u","prompt":"redis '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(' cache"}'),
    ]);
    const r = await runHookBin(['prompt', '--agent', 'claude'], bytes, env);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, '');
  });

  test('wrong types in every field are ignored, not trusted', async () => {
    for (const [event, payload] of [
      ['prompt', { session_id: { x: 1 }, cwd: [1], prompt: 42, hook_event_name: 7 }],
      ['post', { session_id: 'a\nb', cwd: 5, tool_name: 5, tool_input: 'x', tool_response: [1] }],
      [
        'post',
        {
          session_id: 's',
          cwd: '/nonexistent',
          tool_name: 'Write',
          tool_input: { file_path: 9, files: 'x' },
          tool_response: null,
        },
      ],
      ['start', { session_id: 's'.repeat(10_000), cwd: '\u0000' }],
      ['stop', { session_id: 's', transcript_path: '/etc/shadow-does-not-exist' }],
      ['compact', { session_id: 's', transcript_path: { p: 1 } }],
    ] as const) {
      const r = await runHookBin([event, '--agent', 'claude'], JSON.stringify(payload), env);
      assert.equal(r.code, 0, `${event} ${JSON.stringify(payload)}`);
      assert.equal(r.stderr, '');
      if (event !== 'start') assert.equal(r.stdout, '');
    }
  });

  test('control characters in the prompt are searched as words; the answer is valid JSON without them', async () => {
    const db = await seeded([
      {
        topic: 'preferences',
        summary: 'Keep answers short.\u001b[2J\u202e reversed \u0007 bell',
        importance: 'critical',
      },
    ]);
    const raw = JSON.parse(prompt());
    raw.prompt =
      '\u001b[31mWhy\u0000 does redis-cache \u202efail\u2066 with ECONNREFUSED\u0007 127.0.0.1:6379 in billing tests?';
    const r = await runHookBin(['prompt', '--agent', 'claude'], JSON.stringify(raw), { ...env, MNEMOS_DB: db });
    assert.equal(r.code, 0);
    const text = JSON.parse(r.stdout).hookSpecificOutput.additionalContext as string;
    assert.ok(text.includes(FIX));
    const start = await runHookBin(['start', '--agent', 'claude'], fixture('claude', 'SessionStart.json', { cwd }), {
      ...env,
      MNEMOS_DB: db,
    });
    const pack = JSON.parse(start.stdout).hookSpecificOutput.additionalContext as string;
    assert.match(pack, /Keep answers short/);
    // eslint-disable-next-line no-control-regex -- the check: no control character reaches the agent
    assert.doesNotMatch(pack + text, /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
  });

  test('a wrong command line is the installer’s mistake: usage on stderr, exit 64, still not 2', async () => {
    const r = await runHookBin(['nonsense', '--agent', 'claude'], '{}', env);
    assert.equal(r.code, 64);
    assert.match(r.stderr, /usage: mnemos hook/);
    const r2 = await runHookBin(['prompt', '--agent', 'cursor'], '{}', env);
    assert.equal(r2.code, 64);
    // The store options that `mnemos init --db/--url` and Connect Agents write: a value each, one of them.
    const r3 = await runHookBin(['prompt', '--agent', 'claude', '--db'], '{}', env);
    assert.equal(r3.code, 64);
    assert.match(r3.stderr, /--db needs a value/);
    const r4 = await runHookBin(
      ['prompt', '--agent', 'claude', '--db', '/x.db', '--url', 'http://127.0.0.1:1'],
      '{}',
      env,
    );
    assert.equal(r4.code, 64);
    assert.match(r4.stderr, /not both/);
  });

  test('MNEMOS_HOOKS=off turns every hook into a no-op', async () => {
    const r = await runHookBin(['prompt', '--agent', 'claude'], prompt(), { ...env, MNEMOS_HOOKS: 'off' });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
  });
});

describe('store unreachable or slow: exit 0, nothing harmful on stdout', () => {
  test('a database path that cannot be opened', async () => {
    const state = tmpDir('mnemos-hook-state-');
    const cwd = projectDir();
    const r = await runHookBin(['prompt', '--agent', 'claude'], fixture('claude', 'UserPromptSubmit.json', { cwd }), {
      MNEMOS_DB: '/dev/null/cannot/be/here.db',
      MNEMOS_STATE_DIR: state,
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(readLog(state).at(-1)?.level, 'error');
  });

  test('a remote server that is down: the hook gives up within its budget', async () => {
    const state = tmpDir('mnemos-hook-state-');
    const port = await freePort();
    const r = await runHookBin(
      ['start', '--agent', 'claude'],
      fixture('claude', 'SessionStart.json', { cwd: projectDir() }),
      {
        TURSO_DATABASE_URL: `http://127.0.0.1:${port}`,
        MNEMOS_STATE_DIR: state,
        MNEMOS_HOOK_TIMEOUT_MS: '1500',
      },
    );
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
    assert.match(String(readLog(state).at(-1)?.error), /timed out|connect|ECONNREFUSED|fetch/i);
  });

  test('an agent that never closes stdin does not hang the hook', async () => {
    const state = tmpDir('mnemos-hook-state-');
    const r = await runHookBin(
      ['prompt', '--agent', 'claude'],
      '{"prompt":"redis',
      { MNEMOS_STATE_DIR: state, MNEMOS_DB: path.join(tmpDir(), 'x.db') },
      { keepOpen: true },
    );
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.ok(r.ms < 10_000);
  });
});

describe('a store on sqld', () => {
  let sqld: Sqld;
  before(async () => {
    sqld = await startSqld();
    const s = await openStore({ mode: 'remote', url: sqld.url });
    await s.storeMany([
      { topic: 'errors-resolved', summary: FIX },
      ...Array.from({ length: 50 }, (_, i) => ({ topic: 'notes', summary: `Note ${i} on layout.` })),
    ]);
    await s.close();
  });
  after(async () => sqld?.stop());

  test('prompt recall and the wake-up pack come from the server', async () => {
    const env = { TURSO_DATABASE_URL: sqld.url, MNEMOS_STATE_DIR: tmpDir('mnemos-hook-state-') };
    const cwd = projectDir();
    const r = await runHookBin(['prompt', '--agent', 'codex'], fixture('codex', 'UserPromptSubmit.json', { cwd }), env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).hookSpecificOutput.additionalContext.includes(FIX));
  });
});
