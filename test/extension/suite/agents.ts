/**
 * Mnemos: Connect Agents… / Disconnect Agents… in the real workbench: the quick picks are the real
 * ones, answered by choosing items and running the workbench's own accept command; the files written
 * into the fixture workspace are read back, the written hook line is run through a shell against the
 * extension's database, and Disconnect restores every byte.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentsResult, Step } from '../../../src/extension/agents';
import { api, run, sleep, test, waitFor, workspaceRoot } from './harness';

const ACCEPT = 'workbench.action.acceptSelectedQuickOpenItem';

/** Waits for the command's quick pick at `step`, checks it offers `expect` (when given), chooses `labels`, accepts. */
async function answer(step: Step, labels: string[], expect?: (offered: string[]) => void): Promise<void> {
  const a = await api();
  const p = await waitFor(
    () => (a.agents.prompt()?.step === step ? a.agents.prompt() : undefined),
    10_000,
    `the ${step} pick`,
  );
  expect?.(p!.labels);
  // The extension host sends quick-pick updates (show, selection) on a 0 ms timer: let them reach the workbench first.
  await sleep(150);
  if (labels.length) p!.choose(labels);
  await sleep(150);
  await vscode.commands.executeCommand(ACCEPT);
  await waitFor(() => a.agents.prompt()?.step !== step, 5000, `the ${step} pick to close`);
}

const ws = () => workspaceRoot().fsPath;
const file = (...p: string[]) => path.join(ws(), ...p);
const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null);
const THEIRS =
  '{\n    "permissions": { "allow": ["Bash(ls)"] },\n    "hooks": {\n        "PostToolUse": [\n            { "matcher": "Write", "hooks": [{ "type": "command", "command": "npx prettier --write" }] }\n        ]\n    }\n}\n';

test('agents: Connect Agents writes the hooks and MCP entries the preview showed, on the extension’s database', async () => {
  const a = await api();
  fs.mkdirSync(file('.claude'), { recursive: true });
  fs.writeFileSync(file('.claude/settings.json'), THEIRS);
  const db = (a.settings().store as { path: string }).path;

  const done = run<AgentsResult>('mnemos.connectAgents');
  await answer('agents', ['Claude Code', 'VS Code agent hooks'], (offered) =>
    assert.deepEqual(offered, ['VS Code agent hooks', 'GitHub Copilot CLI', 'Claude Code', 'Codex']),
  );
  await answer('scope', ['Workspace'], (offered) =>
    assert.deepEqual(offered, vscode.workspace.isTrusted ? ['Workspace', 'User'] : ['User']),
  );
  await answer('confirm', [], () => {
    // The preview is open beside the confirmation and names every file with its diff.
    const open = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .some((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'mnemos-agents');
    assert.ok(open, 'the preview is open');
  });
  const preview = a.agents.lastPreview();
  assert.match(preview, /# update: .*\.claude\/settings\.json {2}\(Claude Code: hooks\)/);
  assert.match(preview, /# create: .*\.mcp\.json {2}\(Claude Code: MCP server\)/);
  assert.match(preview, /# create: .*\.github\/hooks\/mnemos\.json/);
  assert.ok(preview.includes(`--db ${db}`) || preview.includes(`--db \\"${db}\\"`), 'the database is in the preview');
  const r = await done;
  assert.equal(r.done, 'written', JSON.stringify(r));

  // Other tools' hook kept byte for byte at its place; ours added with the file's 4-space indentation.
  const settingsText = read(file('.claude/settings.json'))!;
  const settings = JSON.parse(settingsText);
  assert.deepEqual(settings.permissions, { allow: ['Bash(ls)'] });
  assert.ok(
    settingsText.includes(
      '{ "matcher": "Write", "hooks": [{ "type": "command", "command": "npx prettier --write" }] }',
    ),
  );
  assert.match(settingsText, /^ {8}"SessionStart": \[$/m);
  const launcher = a.agents.launcher;
  const start = settings.hooks.SessionStart[0].hooks[0].command as string;
  assert.ok(start.includes(launcher) && start.includes(' hook start --agent claude --db '), start);
  const mcp = JSON.parse(read(file('.mcp.json'))!).mcpServers.mnemos;
  assert.deepEqual(mcp, { type: 'stdio', command: launcher, args: ['serve', '--db', db] });
  assert.ok(JSON.parse(read(file('.github/hooks/mnemos.json'))!).hooks.UserPromptSubmit[0].command.includes(launcher));

  // The launcher runs the CLI bundled in the extension, and the written hook line reaches the extension's database.
  assert.ok(fs.statSync(launcher).mode & 0o100, 'the launcher is executable');
  const v = spawnSync(launcher, ['--version'], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^mnemos \d/);
  const store = await a.getStore();
  await store.store({ topic: 'agents-suite', summary: 'the wombat service is deployed with helm' });
  const prompt = settings.hooks.UserPromptSubmit[0].hooks[0].command as string;
  const h = spawnSync('/bin/sh', ['-c', prompt], {
    input: JSON.stringify({ session_id: 'agents-suite', cwd: ws(), prompt: 'how is the wombat service deployed?' }),
    env: {
      ...process.env,
      MNEMOS_HOOK_MIN_SCORE: '0',
      MNEMOS_STATE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'st-')),
    },
    encoding: 'utf8',
  });
  assert.equal(h.status, 0, h.stderr);
  assert.match(h.stdout, /wombat service is deployed with helm/);
  await store.forgetTopic('agents-suite');

  // The status bar's tooltip says who is connected, and where.
  await waitFor(
    () => /Agents: VS Code agent hooks \(workspace\), Claude Code \(workspace\)/.test(a.statusBar().tooltip),
    5000,
    'the tooltip',
  );
});

test('agents: connecting again changes nothing and says so', async () => {
  const a = await api();
  const before = read(file('.claude/settings.json'));
  const done = run<AgentsResult>('mnemos.connectAgents');
  await answer('agents', ['Claude Code']);
  await answer('scope', ['Workspace']);
  assert.equal((await done).done, 'nothing-to-change');
  assert.equal(read(file('.claude/settings.json')), before);
  assert.match(a.agents.lastPreview(), /Nothing to change/);
});

test('agents: cancelling at the confirmation writes nothing', async () => {
  const before = read(file('.codex/hooks.json'));
  const done = run<AgentsResult>('mnemos.connectAgents');
  await answer('agents', ['Codex']);
  await answer('scope', ['Workspace']);
  await waitFor(async () => (await api()).agents.prompt()?.step === 'confirm', 5000, 'the confirmation');
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  assert.equal((await done).done, 'cancelled');
  assert.equal(read(file('.codex/hooks.json')), before);
  assert.equal(read(file('.codex/config.toml')), null);
});

test('agents: Disconnect Agents offers the connected ones and restores every file byte for byte', async () => {
  const a = await api();
  const done = run<AgentsResult>('mnemos.disconnectAgents');
  // Preselected: the connected ones; accepting as offered disconnects them.
  await answer('agents', []);
  await answer('scope', ['Workspace']);
  await answer('confirm', []);
  const r = await done;
  assert.equal(r.done, 'written', JSON.stringify(r));
  assert.equal(read(file('.claude/settings.json')), THEIRS);
  assert.equal(read(file('.mcp.json')), null);
  assert.equal(read(file('.github/hooks/mnemos.json')), null);
  await waitFor(() => /Agents: none connected/.test(a.statusBar().tooltip), 5000, 'the tooltip');
  fs.rmSync(file('.claude'), { recursive: true, force: true });
});

test('agents: user scope writes under the home folder only', async () => {
  const a = await api();
  const home = os.homedir();
  const done = run<AgentsResult>('mnemos.connectAgents');
  await answer('agents', ['Codex']);
  await answer('scope', ['User']);
  await answer('confirm', []);
  assert.equal((await done).done, 'written');
  const toml = read(path.join(process.env.CODEX_HOME || path.join(home, '.codex'), 'config.toml'))!;
  assert.match(
    toml,
    /\[mcp_servers\.mnemos\]\ncommand = ".*bin\/mnemos"\nargs = \["serve", "--db", ".*memories\.db"\]/,
  );
  assert.equal(read(file('.codex/hooks.json')), null, 'nothing in the workspace');
  await waitFor(() => /Codex \(user\)/.test(a.statusBar().tooltip), 5000, 'the tooltip');
  const off = run<AgentsResult>('mnemos.disconnectAgents');
  await answer('agents', ['Codex']);
  await answer('scope', ['User']);
  await answer('confirm', []);
  assert.equal((await off).done, 'written');
  assert.equal(read(path.join(process.env.CODEX_HOME || path.join(home, '.codex'), 'hooks.json')), null);
});
