/**
 * Code areas from post-tool hooks: every agent's documented edit-tool payload (test/fixtures/hooks, sources in
 * its README) through the built hook (dist/hook.js) as a child process, on a real local store; each edited
 * file lands in ICM's `code_areas` (UNIQUE(project, file_path), touch_count + 1, last touched), under the
 * detected project (the origin remote's repository name, `billing-api`).
 *
 * Sources of the payload shapes (read 2026-12-05):
 * - Claude Code: https://code.claude.com/docs/en/hooks.md#posttooluse and /docs/en/tools-reference.md
 * - Codex: https://developers.openai.com/codex/hooks (apply_patch: the patch body in tool_input.command)
 * - Copilot CLI: https://docs.github.com/en/copilot/reference/hooks-configuration (toolName edit/create, toolArgs)
 * - VS Code agent hooks: https://code.visualstudio.com/docs/agents/reference/hooks-reference (editFiles/files)
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { editedFiles } from '../../src/hooks/core';
import { type CodeArea, openStore } from '../../src/store';
import { buildOnce, fixture, projectDir, readLog, runHookBin, tmpDir } from './helpers';

before(() => buildOnce());

async function areas(db: string): Promise<CodeArea[]> {
  const s = await openStore({ mode: 'local', path: db });
  try {
    return await s.codeAreas.list({ limit: 100 });
  } finally {
    await s.close();
  }
}

const byFile = (list: CodeArea[]) => Object.fromEntries(list.map((a) => [a.filePath, a]));

const CASES: { agent: string; file: string; tool: string; files: string[] }[] = [
  { agent: 'claude', file: 'PostToolUse-Write.json', tool: 'Write', files: ['src/billing/invoice.ts'] },
  { agent: 'claude', file: 'PostToolUse-Edit.json', tool: 'Edit', files: ['src/billing/invoice.ts'] },
  { agent: 'claude', file: 'PostToolUse-MultiEdit.json', tool: 'MultiEdit', files: ['src/billing/tax.ts'] },
  {
    agent: 'claude',
    file: 'PostToolUse-NotebookEdit.json',
    tool: 'NotebookEdit',
    files: ['notebooks/revenue.ipynb'],
  },
  {
    agent: 'codex',
    file: 'PostToolUse-apply_patch.json',
    tool: 'apply_patch',
    files: [
      'src/billing/invoice.ts',
      'src/billing/rounding.test.ts',
      'src/billing/legacy.ts',
      'src/billing/tax.ts',
      'src/billing/vat.ts',
    ],
  },
  { agent: 'copilot-cli', file: 'postToolUse.json', tool: 'edit', files: ['src/app.ts'] },
  { agent: 'copilot-cli', file: 'postToolUse-create.json', tool: 'create', files: ['src/billing/discounts.ts'] },
  { agent: 'vscode', file: 'PostToolUse.json', tool: 'editFiles', files: ['src/main.ts'] },
  { agent: 'vscode', file: 'PostToolUse-create_file.json', tool: 'create_file', files: ['src/billing/credit-note.ts'] },
  {
    agent: 'vscode',
    file: 'PostToolUse-replace_string_in_file.json',
    tool: 'replace_string_in_file',
    files: ['src/main.ts'],
  },
  {
    agent: 'vscode',
    file: 'PostToolUse-multi_replace_string_in_file.json',
    tool: 'multi_replace_string_in_file',
    files: ['src/main.ts', 'src/config.ts'],
  },
];

describe('code areas from every dialect’s edit tools, real local store', () => {
  for (const c of CASES) {
    test(`${c.agent} ${c.tool}: ${c.files.join(', ')}`, async () => {
      const db = path.join(tmpDir(), 'm.db');
      const state = tmpDir('mnemos-hook-state-');
      const cwd = projectDir();
      const env = { MNEMOS_DB: db, MNEMOS_STATE_DIR: state, MNEMOS_HOOK_EXTRACT_EVERY: '0', MNEMOS_HOOK_ONCE_MS: '0' };
      const payload = fixture(c.agent, c.file, { cwd });
      const r = await runHookBin(['post', '--agent', c.agent], payload, env);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.equal(readLog(state).at(-1)?.level, 'info', JSON.stringify(readLog(state).at(-1)));
      const first = byFile(await areas(db));
      assert.deepEqual(Object.keys(first).sort(), [...c.files].sort());
      for (const f of c.files) {
        assert.equal(first[f].project, 'billing-api');
        assert.equal(first[f].touchCount, 1);
        assert.equal(first[f].toolName, c.tool);
      }
      // The same edit again: the same rows, touched twice (ICM's upsert_code_area), last touched moves on.
      await new Promise((res) => setTimeout(res, 5));
      await runHookBin(['post', '--agent', c.agent], payload, env);
      const second = byFile(await areas(db));
      assert.deepEqual(Object.keys(second).sort(), [...c.files].sort());
      for (const f of c.files) {
        assert.equal(second[f].touchCount, 2);
        assert.equal(second[f].firstTouchedAt, first[f].firstTouchedAt);
        assert.ok(second[f].lastTouchedAt >= first[f].lastTouchedAt);
      }
    });
  }

  test('reads and shell commands are not code areas; a failed store write is logged and the hook still exits 0', async () => {
    const db = path.join(tmpDir(), 'm.db');
    const state = tmpDir('mnemos-hook-state-');
    const cwd = projectDir();
    const env = { MNEMOS_DB: db, MNEMOS_STATE_DIR: state, MNEMOS_HOOK_EXTRACT_EVERY: '0' };
    const bash = fixture('claude', 'PostToolUse-Bash.json', { cwd });
    assert.equal((await runHookBin(['post', '--agent', 'claude'], bash, env)).code, 0);
    const read = JSON.parse(fixture('claude', 'PostToolUse-Write.json', { cwd }));
    read.tool_name = 'Read';
    read.tool_use_id = 'toolu_read';
    await runHookBin(['post', '--agent', 'claude'], JSON.stringify(read), env);
    assert.deepEqual(await areas(db), []);
    // A store that cannot be opened: the code area is lost, the agent sees nothing, the log says why.
    const broken = { ...env, MNEMOS_DB: tmpDir() }; // a directory, not a database
    const r = await runHookBin(
      ['post', '--agent', 'claude'],
      fixture('claude', 'PostToolUse-Edit.json', { cwd }),
      broken,
    );
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.ok(readLog(state).some((l) => l.msg === 'code areas not recorded'));
  });
});

describe('editedFiles (the parser behind the hook)', () => {
  const call = (name: string, input: unknown) => ({ name, input });
  test('a Codex patch run through its shell tool names its files; a grep for the marker does not', () => {
    const heredoc = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: docs/a.md\n+x\n*** End Patch\nEOF";
    assert.deepEqual(editedFiles(call('Bash', { command: heredoc }), '/p'), ['docs/a.md']);
    assert.deepEqual(editedFiles(call('Bash', { command: 'grep -n "*** Begin Patch" notes.md' }), '/p'), []);
  });
  test('Windows line endings, absolute paths inside and outside the project, duplicates, hostile names', () => {
    const patch =
      '*** Begin Patch\r\n*** Update File: /p/src/a.ts\r\n*** Update File: /elsewhere/b.ts\r\n*** End Patch\r\n';
    assert.deepEqual(editedFiles(call('apply_patch', { command: patch }), '/p'), ['src/a.ts', '/elsewhere/b.ts']);
    assert.deepEqual(editedFiles(call('Edit', { file_path: 'a\u0000b', edits: [{ file_path: 'x.ts' }, 'y'] }), '/p'), [
      'x.ts',
    ]);
    const many = Array.from({ length: 500 }, (_, i) => `f${i}.ts`);
    assert.equal(editedFiles(call('editFiles', { files: many }), '/p').length, 50);
  });
});
