/** The pure parts: extraction rules, prompt terms, edited files, the recall block, the adapters. */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { capContext, parseHookInput, PayloadError, renderHookOutput } from '../../src/hooks/adapters';
import { editedFiles, renderRecall } from '../../src/hooks/core';
import { classify, errorLine, extractFromMessages, observeTool, sentences } from '../../src/hooks/extract';
import { emptyState } from '../../src/hooks/local';
import { jaccard, looksSecret, promptTerms } from '../../src/hooks/text';

describe('extraction rules (ICM categories)', () => {
  test('each category from its cue, in its topic and importance', () => {
    const got = extractFromMessages(
      [
        { role: 'user', text: 'From now on, always use tabs for indentation in Makefiles.' },
        {
          role: 'assistant',
          text: 'We decided to keep the queue in Redis streams instead of Kafka for now. Next I will run the tests.',
        },
        {
          role: 'assistant',
          text: 'The root cause was a stale `node_modules/.cache` directory left by the old build.',
        },
        { role: 'assistant', text: "I've implemented the CSV export for `reports/monthly.ts` with streaming writes." },
      ],
      { project: 'billing-api' },
    );
    assert.deepEqual(got.map((c) => `${c.topic} ${c.importance}`).sort(), [
      'context-billing-api high',
      'decisions-billing-api high',
      'errors-resolved high',
      'preferences critical',
    ]);
    assert.equal(
      got.find((c) => c.topic === 'errors-resolved')?.summary,
      'The root cause was a stale `node_modules/.cache` directory left by the old build.',
    );
  });

  test('chatter, questions, assistant "preferences", code blocks and secrets are not memories', () => {
    assert.deepEqual(
      extractFromMessages([
        { role: 'user', text: 'thanks! looks good, go ahead' },
        { role: 'user', text: 'Should we decide to use Postgres instead of MySQL?' },
        { role: 'assistant', text: 'I prefer to read the file first before editing anything here.' },
        { role: 'assistant', text: '```\nWe decided to use a global variable here as a hack\n```' },
        { role: 'user', text: 'I prefer the token sk-abcdefghijklmnopqrstuvwxyz012345 to stay in the env file.' },
        { role: 'tool', text: 'We decided to fail: this is tool output, not speech.' },
      ]),
      [],
    );
  });

  test('near duplicates within one batch are kept once; at most `max` candidates', () => {
    const msgs = Array.from({ length: 10 }, (_, i) => ({
      role: 'assistant' as const,
      text: `We decided to cache invoice totals in Redis for ${i % 2 ? 'the' : 'all'} billing reports.`,
    }));
    assert.equal(extractFromMessages(msgs).length, 1);
    const topics = [
      'logging with pino',
      'queues on SQS',
      'dates as ISO strings',
      'feature flags in LaunchDarkly',
      'money in cents',
    ];
    const many = topics.map((t) => ({
      role: 'assistant' as const,
      text: `We decided on ${t} after the review of module_x.`,
    }));
    assert.equal(extractFromMessages(many, { max: 3 }).length, 3);
  });

  test('sentences: list markers stripped, code dropped, bounds kept', () => {
    assert.deepEqual(sentences('- We decided to use pnpm workspaces everywhere.\n```\ncode\n```\nok'), [
      'We decided to use pnpm workspaces everywhere.',
    ]);
    assert.equal(classify('Did we decide to use pnpm workspaces here?', 'user'), null);
  });

  test('a failed command that later passes becomes one errors-resolved memory naming the edits', () => {
    const st = emptyState();
    const cmd = { name: 'Bash', input: { command: 'npm   test' } };
    assert.deepEqual(observeTool(st, { ...cmd, output: 'FAIL src/a.test.ts\nError: expected 2 to be 3' }, [], 1), []);
    assert.deepEqual(observeTool(st, { name: 'Edit', input: { file_path: 'src/a.ts' } }, ['src/a.ts'], 2), []);
    const [m] = observeTool(
      st,
      { ...cmd, input: { command: 'npm test' }, output: 'Tests: 12 passed, 0 failed' },
      [],
      3,
    );
    assert.equal(m.topic, 'errors-resolved');
    assert.equal(
      m.summary,
      '`npm test` failed with "Error: expected 2 to be 3"; it passed again after editing src/a.ts.',
    );
    assert.deepEqual(observeTool(st, { ...cmd, output: 'ok' }, [], 4), [], 'resolved once');
    assert.equal(errorLine('0 errors, 0 failed'), undefined);
    assert.equal(errorLine('warning: x\nECONNREFUSED 127.0.0.1:5432'), 'ECONNREFUSED 127.0.0.1:5432');
  });
});

describe('prompt side', () => {
  test('prompt terms: content words, identifiers first, stop words out', () => {
    assert.deepEqual(promptTerms('Can you please fix the failing test in src/billing/invoice.ts for me?'), [
      'src/billing/invoice.ts',
      'fix',
      'failing',
      'test',
    ]);
    assert.deepEqual(promptTerms('yes, go ahead, thanks'), []);
    assert.deepEqual(promptTerms(42 as unknown as string), []);
  });

  test('the recall block: cut-off, near duplicates, limit, budget, one line per memory', () => {
    const hit = (id: string, score: number, summary: string, topic = 't') => ({
      id,
      topic,
      summary,
      score,
      fullMatch: true,
    });
    const text = renderRecall(
      [
        hit('a', 30, 'Use integer cents for money.\nNever floats.'),
        hit('b', 29, 'Use integer cents for money. Never floats!'),
        hit('c', 13, 'Other fact here.'),
        hit('d', 5, 'Weak match.'),
      ],
      { minScore: 12, promptLimit: 3, promptTokens: 300 },
    )!;
    assert.deepEqual(text.split('\n').slice(1), [
      '- [t] Use integer cents for money. Never floats.',
      '- [t] Other fact here.',
    ]);
    assert.equal(renderRecall([hit('d', 5, 'Weak')], { minScore: 12, promptLimit: 3, promptTokens: 300 }), undefined);
    assert.ok(jaccard('a b c', 'a b c') === 1 && looksSecret('password = hunter22!'));
  });
});

describe('adapters', () => {
  test('edited files from each agent’s tool input, relative to the project', () => {
    assert.deepEqual(editedFiles({ name: 'Write', input: { file_path: '/p/src/a.ts' } }, '/p'), ['src/a.ts']);
    assert.deepEqual(editedFiles({ name: 'editFiles', input: { files: ['src/b.ts', 'src/b.ts'] } }, '/p'), [
      'src/b.ts',
    ]);
    assert.deepEqual(
      editedFiles({ name: 'apply_patch', input: '*** Begin Patch\n*** Update File: lib/c.py\n@@\n' }, '/p'),
      ['lib/c.py'],
    );
    assert.deepEqual(editedFiles({ name: 'Read', input: { file_path: '/p/x' } }, '/p'), []);
    assert.deepEqual(editedFiles({ name: 'Edit', input: { file_path: 'bad\u0000path' } }, '/p'), []);
  });

  test('parse: objects only; fields of the wrong type are dropped', () => {
    assert.throws(() => parseHookInput('claude', 'prompt', [1]), PayloadError);
    assert.throws(() => parseHookInput('claude', 'prompt', null), PayloadError);
    const ev = parseHookInput('claude', 'prompt', { session_id: 7, cwd: 'a\nb', prompt: { x: 1 } });
    assert.deepEqual([ev.sessionId, ev.cwd, ev.prompt], [undefined, undefined, '']);
    const post = parseHookInput('copilot-cli', 'post', {
      toolName: 'edit',
      toolArgs: '{"path":"a.ts"}',
      toolResult: { resultType: 'failure', textResultForLlm: 'boom' },
    });
    assert.deepEqual(post.tool, { name: 'edit', input: { path: 'a.ts' }, output: 'boom', failed: true, id: undefined });
  });

  test('render: additionalContext for start and prompt only, capped at a line break; Copilot CLI prints nothing', () => {
    assert.deepEqual(JSON.parse(renderHookOutput('codex', 'prompt', { context: 'x' }).stdout), {
      hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'x' },
    });
    assert.equal(renderHookOutput('claude', 'post', { context: 'x' }).stdout, '');
    assert.equal(renderHookOutput('copilot-cli', 'start', { context: 'x' }).stdout, '');
    const long = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
    const capped = capContext(long, 100);
    assert.ok(capped.length <= 100 && capped.endsWith('\n…'));
  });
});
