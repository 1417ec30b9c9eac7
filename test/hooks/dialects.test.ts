/**
 * Each agent's documented payloads (test/fixtures/hooks) through the built hook (dist/hook.js) as a
 * child process on a real local store: what reaches stdout, what lands in the store, what is logged.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { openStore } from '../../src/store';
import { buildOnce, FIXTURES, fixture, projectDir, readLog, runHookBin, tmpDir } from './helpers';

const REDIS =
  'ECONNREFUSED 127.0.0.1:6379 in the billing tests: redis-cache listens on 6380 under docker-compose; set REDIS_URL to port 6380.';
const OTHER =
  'ECONNREFUSED 127.0.0.1:6379 in the inventory tests: redis-cache needs the inventory-api compose profile started first.';

/** A store with the memories a session may need, among 300 unrelated ones (so BM25 sees realistic frequencies). */
async function seededDb(): Promise<string> {
  const db = path.join(tmpDir(), 'memories.db');
  const s = await openStore({ mode: 'local', path: db });
  await s.storeMany([
    { topic: 'errors-resolved', summary: REDIS, importance: 'high', keywords: ['redis', 'ECONNREFUSED'] },
    { topic: 'errors-inventory-api', summary: OTHER, importance: 'high' },
    {
      topic: 'decisions-billing-api',
      summary: 'Invoices are computed in integer cents, never floats.',
      importance: 'critical',
    },
    { topic: 'preferences', summary: 'Answer in short paragraphs, no bullet lists.', importance: 'critical' },
    ...Array.from({ length: 300 }, (_, i) => ({
      topic: `context-project-${i % 7}`,
      summary: `Sprint note ${i}: the ${['search', 'export', 'login', 'upload', 'report'][i % 5]} page got a new ${['filter', 'button', 'layout', 'cache', 'query'][i % 5]} and its tests pass.`,
    })),
  ]);
  await s.close();
  return db;
}

async function count(db: string, topic?: string): Promise<number> {
  const s = await openStore({ mode: 'local', path: db });
  try {
    return await s.count(topic);
  } finally {
    await s.close();
  }
}

async function summaries(db: string, topic: string): Promise<string[]> {
  const s = await openStore({ mode: 'local', path: db });
  try {
    return (await s.list({ topic, exactTopic: true, limit: 100 })).items.map((m) => m.summary);
  } finally {
    await s.close();
  }
}

async function codeAreas(db: string) {
  const s = await openStore({ mode: 'local', path: db });
  try {
    return await s.codeAreas.list({ project: 'billing-api' });
  } finally {
    await s.close();
  }
}

function context(stdout: string, event: string): string {
  const out = JSON.parse(stdout);
  assert.equal(out.hookSpecificOutput.hookEventName, event);
  assert.equal(typeof out.hookSpecificOutput.additionalContext, 'string');
  return out.hookSpecificOutput.additionalContext;
}

before(() => buildOnce());

for (const agent of ['claude', 'codex', 'vscode'] as const) {
  describe(`${agent} dialect, documented payloads, real local store`, () => {
    let db: string;
    let state: string;
    let cwd: string;
    let env: NodeJS.ProcessEnv;
    const transcript = path.join(FIXTURES, agent === 'vscode' ? 'claude' : agent, 'transcript.jsonl');
    before(async () => {
      db = await seededDb();
      state = tmpDir('mnemos-hook-state-');
      cwd = projectDir();
      env = { MNEMOS_DB: db, MNEMOS_STATE_DIR: state };
    });

    test('session start injects the project wake-up pack as additional context', async () => {
      const r = await runHookBin(
        ['start', '--agent', agent],
        fixture(agent, 'SessionStart.json', { cwd, transcript }),
        env,
      );
      assert.equal(r.code, 0);
      const text = context(r.stdout, 'SessionStart');
      assert.match(text, /^# Mnemos Wake-up \(project: billing-api\)/);
      assert.match(text, /integer cents/);
      assert.match(text, /short paragraphs/, 'preferences pass every project filter');
      assert.doesNotMatch(text, /inventory/, 'another project stays out');
    });

    test('a prompt about a stored fix gets that memory, and only this project’s', async () => {
      const r = await runHookBin(
        ['prompt', '--agent', agent],
        fixture(agent, 'UserPromptSubmit.json', { cwd, transcript }),
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const text = context(r.stdout, 'UserPromptSubmit');
      assert.ok(text.includes(REDIS), text);
      assert.ok(!text.includes('inventory'), 'the other project’s memory is filtered out');
    });

    test('a prompt about nothing in the store injects nothing', async () => {
      const raw = JSON.parse(fixture(agent, 'UserPromptSubmit.json', { cwd, transcript }));
      raw.prompt = 'thanks, that looks good — can you make the button blue?';
      const r = await runHookBin(['prompt', '--agent', agent], JSON.stringify(raw), env);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.equal(readLog(state).at(-1)?.msg, 'nothing above the cut-off');
    });

    test('the transcript yields preferences, decisions and resolved errors, once', async () => {
      const name = agent === 'codex' ? 'Stop.json' : agent === 'vscode' ? 'PreCompact.json' : 'PreCompact.json';
      const event = name.startsWith('Stop') ? 'stop' : 'compact';
      const before = await count(db);
      const r = await runHookBin([event, '--agent', agent], fixture(agent, name, { cwd, transcript }), env);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '', 'extraction never prints');
      const prefs = await summaries(db, 'preferences');
      const decisions = await summaries(db, 'decisions-billing-api');
      if (agent === 'codex') {
        assert.ok(
          prefs.some((s) => /max-warnings=0/.test(s)),
          prefs.join('\n'),
        );
        assert.ok(
          decisions.some((s) => /pin Node 20/.test(s)),
          decisions.join('\n'),
        );
      } else {
        assert.ok(
          prefs.some((s) => /prefer pnpm over npm/.test(s)),
          prefs.join('\n'),
        );
        assert.ok(
          decisions.some((s) => /read the port from `docker-compose.yml`/.test(s)),
          decisions.join('\n'),
        );
        assert.ok((await summaries(db, 'errors-resolved')).some((s) => /root cause was that `REDIS_URL`/.test(s)));
      }
      const after = await count(db);
      assert.ok(after > before);
      // Again (same session), then from another session: nothing new (session hashes, then store and near-duplicate dedup).
      await runHookBin([event, '--agent', agent], fixture(agent, name, { cwd, transcript }), env);
      const other = JSON.parse(fixture(agent, name, { cwd, transcript }));
      if ('session_id' in other) other.session_id = 'another-session';
      else other.sessionId = 'another-session';
      await runHookBin([event, '--agent', agent], JSON.stringify(other), env);
      assert.equal(await count(db), after);
    });
  });
}

describe('post-tool hook: code areas, call counting, a failed command that passes again', () => {
  test('claude: Write is recorded as a code area, npm test failing then passing becomes errors-resolved', async () => {
    const db = await seededDb();
    const state = tmpDir('mnemos-hook-state-');
    const cwd = projectDir();
    const env = { MNEMOS_DB: db, MNEMOS_STATE_DIR: state, MNEMOS_HOOK_EXTRACT_EVERY: '0' };
    const bash = fixture('claude', 'PostToolUse-Bash.json', { cwd });
    assert.equal((await runHookBin(['post', '--agent', 'claude'], bash, env)).code, 0);
    const write = await runHookBin(
      ['post', '--agent', 'claude'],
      fixture('claude', 'PostToolUse-Write.json', { cwd }),
      env,
    );
    assert.equal(write.stdout, '');
    const written = await codeAreas(db);
    assert.deepEqual(
      written.map((a) => [a.project, a.filePath, a.toolName, a.touchCount]),
      [['billing-api', 'src/billing/invoice.ts', 'Write', 1]],
    );
    const ok = JSON.parse(bash);
    ok.tool_response = { stdout: '42 passing', stderr: '', interrupted: false };
    ok.tool_use_id = 'toolu_01ABC125';
    await runHookBin(['post', '--agent', 'claude'], JSON.stringify(ok), env);
    const fixed = (await summaries(db, 'errors-resolved')).filter((s) => s.startsWith('`npm test` failed'));
    assert.deepEqual(fixed, [
      '`npm test` failed with "Error: connect ECONNREFUSED 127.0.0.1:6379"; it passed again after editing src/billing/invoice.ts.',
    ]);
    assert.match(String(readLog(state).at(-1)?.msg), /^call 3, 0 edited, 1 stored$/);
  });

  test('copilot-cli: camelCase toolArgs given as a JSON string, VS Code-format failure, no stdout for start/prompt', async () => {
    const db = await seededDb();
    const state = tmpDir('mnemos-hook-state-');
    const cwd = projectDir();
    const env = { MNEMOS_DB: db, MNEMOS_STATE_DIR: state };
    const edit = await runHookBin(
      ['post', '--agent', 'copilot-cli'],
      fixture('copilot-cli', 'postToolUse.json', { cwd }),
      env,
    );
    assert.equal(edit.code, 0);
    assert.deepEqual(
      (await codeAreas(db)).map((a) => a.filePath),
      ['src/app.ts'],
    );
    const fail = await runHookBin(
      ['post', '--agent', 'copilot-cli'],
      fixture('copilot-cli', 'PostToolUse-vscode-format.json', { cwd }),
      env,
    );
    assert.equal(fail.code, 0);
    for (const [ev, file] of [
      ['start', 'sessionStart.json'],
      ['prompt', 'userPromptSubmitted.json'],
    ]) {
      const r = await runHookBin([ev, '--agent', 'copilot-cli'], fixture('copilot-cli', file, { cwd }), env);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '', 'Copilot CLI does not process this output: print nothing');
    }
    const stop = await runHookBin(
      ['stop', '--agent', 'copilot-cli'],
      fixture('copilot-cli', 'agentStop.json', { cwd, transcript: path.join(FIXTURES, 'claude', 'transcript.jsonl') }),
      env,
    );
    assert.equal(stop.code, 0);
    assert.ok((await summaries(db, 'preferences')).some((s) => /pnpm/.test(s)));
  });

  test('the same payload delivered twice (VS Code also runs Claude Code’s hook files) is acted on once', async () => {
    const db = await seededDb();
    const state = tmpDir('mnemos-hook-state-');
    const cwd = projectDir();
    const env = { MNEMOS_DB: db, MNEMOS_STATE_DIR: state };
    const payload = fixture('vscode', 'UserPromptSubmit.json', { cwd });
    const [a, b] = await Promise.all([
      runHookBin(['prompt', '--agent', 'vscode'], payload, env),
      runHookBin(['prompt', '--agent', 'claude'], payload, env),
    ]);
    assert.equal([a.stdout, b.stdout].filter(Boolean).length, 1);
    assert.ok(fs.existsSync(path.join(state, 'hooks.log')));
  });
});
