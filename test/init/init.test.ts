/**
 * `mnemos init` on temporary folders that already hold other tools' hooks and servers: merged, never
 * clobbered, idempotent, and `--remove` takes out exactly what Mnemos wrote.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  AGENTS,
  applyInit,
  connectedAgents,
  initCommand,
  isMnemosHookCommand,
  parseInitArgs,
  planInit,
  runInit,
  StalePlanError,
} from '../../src/init';
import { ConfigFileError } from '../../src/init/jsonFile';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-init-'));
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const pretty = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** Every file under `dir` with its text. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const OTHERS = {
  claude: {
    permissions: { allow: ['Bash(ls)'] },
    hooks: {
      PostToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: 'npx prettier --write' }] }],
      UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'icm hook prompt' }] }],
    },
  },
  mcp: { mcpServers: { github: { command: 'gh-mcp', args: [] } } },
  github: {
    version: 1,
    hooks: {
      sessionStart: [{ type: 'command', bash: './log-start.sh' }],
      PostToolUse: [{ type: 'command', command: 'npx eslint --fix' }],
    },
  },
  codexHooks: { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] } },
  codexToml:
    '# my codex config\nmodel = "gpt-5-codex"\n\n[features]\nweb_search = true\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n',
};

function workspaceWithOthers(): { ws: string; home: string } {
  const ws = tmp();
  const home = tmp();
  write(path.join(ws, '.claude/settings.json'), pretty(OTHERS.claude));
  write(path.join(ws, '.mcp.json'), pretty(OTHERS.mcp));
  write(path.join(ws, '.github/hooks/mnemos.json'), pretty(OTHERS.github));
  write(path.join(ws, '.codex/hooks.json'), pretty(OTHERS.codexHooks));
  write(path.join(ws, '.codex/config.toml'), OTHERS.codexToml);
  write(path.join(home, '.copilot/mcp-config.json'), pretty(OTHERS.mcp));
  return { ws, home };
}

describe('mnemos init, workspace scope, next to other tools', () => {
  test('adds every agent’s entries and keeps the others’', () => {
    const { ws, home } = workspaceWithOthers();
    runInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {} });
    const claude = json(path.join(ws, '.claude/settings.json'));
    assert.deepEqual(claude.permissions, OTHERS.claude.permissions);
    assert.deepEqual(claude.hooks.PostToolUse[0], OTHERS.claude.hooks.PostToolUse[0]);
    assert.deepEqual(claude.hooks.UserPromptSubmit, [
      ...OTHERS.claude.hooks.UserPromptSubmit,
      { hooks: [{ type: 'command', command: 'mnemos hook prompt --agent claude', timeout: 5 }] },
    ]);
    assert.deepEqual(Object.keys(claude.hooks).sort(), [
      'PostToolUse',
      'PreCompact',
      'SessionEnd',
      'SessionStart',
      'Stop',
      'UserPromptSubmit',
    ]);
    assert.deepEqual(json(path.join(ws, '.mcp.json')).mcpServers, {
      ...OTHERS.mcp.mcpServers,
      mnemos: { type: 'stdio', command: 'mnemos', args: ['serve'] },
    });
    const gh = json(path.join(ws, '.github/hooks/mnemos.json'));
    assert.equal(gh.version, 1);
    assert.deepEqual(gh.hooks.sessionStart, OTHERS.github.hooks.sessionStart);
    assert.equal(gh.hooks.PostToolUse[0].command, 'npx eslint --fix');
    assert.deepEqual(gh.hooks.PostToolUse[1], {
      type: 'command',
      command: 'mnemos hook post --agent vscode',
      bash: 'mnemos hook post --agent vscode',
      powershell: 'mnemos hook post --agent vscode',
      timeout: 10,
      timeoutSec: 10,
    });
    const codex = json(path.join(ws, '.codex/hooks.json'));
    assert.equal(codex.hooks.Stop.length, 2);
    assert.equal(codex.hooks.Stop[0].hooks[0].command, 'say done');
    const toml = fs.readFileSync(path.join(ws, '.codex/config.toml'), 'utf8');
    assert.ok(
      toml.startsWith(
        OTHERS.codexToml
          .split('[mcp_servers.docs]')[0]
          .replace('web_search = true\n', 'web_search = true\ncodex_hooks = true # mnemos init\n'),
      ),
    );
    assert.match(toml, /\[mcp_servers\.docs\]\ncommand = "docs-mcp"\n/);
    assert.match(toml, /\[mcp_servers\.mnemos\]\ncommand = "mnemos"\nargs = \["serve"\]\n/);
    assert.deepEqual(json(path.join(home, '.copilot/mcp-config.json')).mcpServers.mnemos, {
      type: 'local',
      command: 'mnemos',
      args: ['serve'],
      tools: ['*'],
    });
  });

  test('a second run changes nothing (byte for byte)', () => {
    const { ws, home } = workspaceWithOthers();
    runInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {} });
    const once = { ...snapshot(ws), ...snapshot(home) };
    const again = runInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {} });
    assert.deepEqual(
      again.map((c) => c.action),
      again.map(() => 'unchanged'),
    );
    assert.deepEqual({ ...snapshot(ws), ...snapshot(home) }, once);
  });

  test('--remove restores every file exactly, including files it had created', () => {
    const { ws, home } = workspaceWithOthers();
    const before = { ws: snapshot(ws), home: snapshot(home) };
    runInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {} });
    runInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {}, remove: true });
    assert.deepEqual(snapshot(ws), before.ws);
    assert.deepEqual(snapshot(home), before.home);
    const empty = tmp();
    const emptyHome = tmp();
    runInit({ agents: [...AGENTS], scope: 'workspace', cwd: empty, home: emptyHome, env: {} });
    assert.ok(Object.keys(snapshot(empty)).length >= 5);
    runInit({ agents: [...AGENTS], scope: 'workspace', cwd: empty, home: emptyHome, env: {}, remove: true });
    assert.deepEqual(snapshot(empty), {});
    assert.deepEqual(snapshot(emptyHome), {});
  });

  test('a changed launcher replaces Mnemos’s entries instead of adding a second set', () => {
    const { ws, home } = workspaceWithOthers();
    runInit({ agents: ['claude'], scope: 'workspace', cwd: ws, home, env: {} });
    runInit({
      agents: ['claude'],
      scope: 'workspace',
      cwd: ws,
      home,
      env: {},
      launcher: 'node "/opt/mnemos/dist/hook.js"',
    });
    const hooks = json(path.join(ws, '.claude/settings.json')).hooks;
    const ours = Object.values(hooks)
      .flat()
      .flatMap((g) => (g as { hooks: { command: string }[] }).hooks)
      .filter((h) => isMnemosHookCommand(h.command));
    assert.equal(ours.length, 6);
    assert.ok(ours.every((h) => h.command.startsWith('node "/opt/mnemos/dist/hook.js" ')));
  });

  test('a user-edited mnemos MCP entry and codex_hooks = false are left as the user set them', () => {
    const { ws, home } = workspaceWithOthers();
    write(
      path.join(ws, '.mcp.json'),
      pretty({ mcpServers: { mnemos: { command: 'mnemos', args: ['serve', '--db', '/data/team.db'] } } }),
    );
    write(path.join(ws, '.codex/config.toml'), '[features]\ncodex_hooks = false\n');
    const changes = runInit({ agents: ['claude', 'codex'], scope: 'workspace', cwd: ws, home, env: {} });
    assert.deepEqual(json(path.join(ws, '.mcp.json')).mcpServers.mnemos.args, ['serve', '--db', '/data/team.db']);
    assert.equal(changes.find((c) => c.file.endsWith('.mcp.json'))?.action, 'kept');
    assert.match(fs.readFileSync(path.join(ws, '.codex/config.toml'), 'utf8'), /^\[features\]\ncodex_hooks = false\n/);
    assert.match(changes.find((c) => c.file.endsWith('config.toml'))!.what, /codex_hooks = false left as you set it/);
  });

  test('a file that is not valid JSON is refused and left untouched', () => {
    const { ws, home } = workspaceWithOthers();
    write(path.join(ws, '.claude/settings.json'), '{ "hooks": { ');
    assert.throws(() => runInit({ agents: ['claude'], scope: 'workspace', cwd: ws, home, env: {} }), ConfigFileError);
    assert.equal(fs.readFileSync(path.join(ws, '.claude/settings.json'), 'utf8'), '{ "hooks": { ');
    write(path.join(ws, '.claude/settings.json'), '{ "hooks": [] }');
    assert.throws(
      () => runInit({ agents: ['claude'], scope: 'workspace', cwd: ws, home, env: {} }),
      /"hooks" is not an object/,
    );
  });

  test('comments in a JSONC file survive', () => {
    const { ws, home } = workspaceWithOthers();
    write(path.join(ws, '.github/hooks/mnemos.json'), '{\n  // team hooks\n  "version": 1,\n  "hooks": {}\n}\n');
    runInit({ agents: ['vscode'], scope: 'workspace', cwd: ws, home, env: {} });
    assert.match(fs.readFileSync(path.join(ws, '.github/hooks/mnemos.json'), 'utf8'), /\/\/ team hooks/);
  });
});

describe('user scope', () => {
  test('writes under the home folder (CLAUDE_CONFIG_DIR and CODEX_HOME honoured) and removes cleanly', () => {
    const ws = tmp();
    const home = tmp();
    const env = { CODEX_HOME: path.join(home, 'codex-home') };
    runInit({ agents: [...AGENTS], scope: 'user', cwd: ws, home, env });
    const files = Object.keys(snapshot(home)).sort();
    assert.deepEqual(files, [
      '.claude.json',
      '.claude/settings.json',
      '.copilot/hooks/mnemos.json',
      '.copilot/mcp-config.json',
      'codex-home/config.toml',
      'codex-home/hooks.json',
    ]);
    assert.deepEqual(snapshot(ws), {});
    runInit({ agents: [...AGENTS], scope: 'user', cwd: ws, home, env, remove: true });
    assert.deepEqual(snapshot(home), {});
  });
});

describe('the command line', () => {
  test('arguments', () => {
    assert.deepEqual(parseInitArgs([]), {
      agents: [...AGENTS],
      scope: 'workspace',
      remove: false,
      launcher: undefined,
    });
    assert.deepEqual(parseInitArgs(['--agent', 'claude', '--agent=codex', '--scope', 'user', '--remove']), {
      agents: ['claude', 'codex'],
      scope: 'user',
      remove: true,
      launcher: undefined,
    });
    const refusal = (argv: string[]) => {
      const r = parseInitArgs(argv);
      return typeof r === 'string' ? r : JSON.stringify(r);
    };
    assert.match(refusal(['--agent', 'cursor']), /unknown agent/);
    assert.match(refusal(['--scope', 'global']), /workspace or user/);
  });

  test('initCommand prints one line per file and exits 1 on a broken file', () => {
    const { ws } = workspaceWithOthers();
    let out = '';
    let err = '';
    const io = {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      cwd: ws,
      env: { HOME: tmp() },
    };
    assert.equal(initCommand(['--agent', 'claude'], io), 0);
    assert.match(out, /^updated +\S+\.claude\/settings\.json {2}\(claude: hooks\)$/m);
    write(path.join(ws, '.mcp.json'), 'nope');
    assert.equal(initCommand(['--agent', 'claude'], io), 1);
    assert.match(err, /not valid JSON/);
  });
});

describe('plan, then apply (the CLI and the extension share them)', () => {
  test('planning writes nothing; applying writes exactly the planned texts', () => {
    const { ws, home } = workspaceWithOthers();
    const before = { ...snapshot(ws), ...snapshot(home) };
    const plan = planInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {} });
    assert.deepEqual({ ...snapshot(ws), ...snapshot(home) }, before);
    assert.ok(plan.changes.every((c) => c.action === 'unchanged' || c.before !== c.after));
    applyInit(plan);
    for (const c of plan.changes) {
      const now = fs.existsSync(c.file) ? fs.readFileSync(c.file, 'utf8') : null;
      assert.equal(now, c.after, c.file);
    }
    // A removal plan names the files it would delete with `after: null`.
    const removal = planInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {}, remove: true });
    assert.ok(removal.changes.some((c) => c.action === 'deleted' && c.after === null) === false);
    applyInit(removal);
    assert.deepEqual({ ...snapshot(ws), ...snapshot(home) }, before);
  });

  test('a file edited between the plan and its application stops the whole write', () => {
    const { ws, home } = workspaceWithOthers();
    const plan = planInit({ agents: ['claude', 'codex'], scope: 'workspace', cwd: ws, home, env: {} });
    const edited = pretty({ ...OTHERS.mcp, edited: true });
    write(path.join(ws, '.mcp.json'), edited);
    const before = snapshot(ws);
    assert.throws(() => applyInit(plan), StalePlanError);
    assert.deepEqual(snapshot(ws), before, 'not even the files planned before the edited one were written');
  });

  test('--db goes into every hook command and MCP entry, quoted when the path has a space', () => {
    const ws = tmp();
    const home = tmp();
    const db = path.join(ws, 'my data', 'memories.db');
    runInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {}, db });
    const claude = json(path.join(ws, '.claude/settings.json'));
    assert.equal(claude.hooks.SessionStart[0].hooks[0].command, `mnemos hook start --agent claude --db "${db}"`);
    assert.ok(isMnemosHookCommand(claude.hooks.SessionStart[0].hooks[0].command));
    assert.deepEqual(json(path.join(ws, '.mcp.json')).mcpServers.mnemos.args, ['serve', '--db', db]);
    assert.equal(
      json(path.join(ws, '.github/hooks/mnemos.json')).hooks.Stop[0].bash,
      `mnemos hook stop --agent vscode --db "${db}"`,
    );
    assert.match(
      fs.readFileSync(path.join(ws, '.codex/config.toml'), 'utf8'),
      /args = \["serve", "--db", ".*my data.*"\]/,
    );
    // Another database replaces the hook entries (they are recognised by their command), not adds to them.
    runInit({ agents: ['claude'], scope: 'workspace', cwd: ws, home, env: {}, db: '/data/other.db' });
    const starts = json(path.join(ws, '.claude/settings.json')).hooks.SessionStart;
    assert.deepEqual(
      starts.map((g: { hooks: { command: string }[] }) => g.hooks[0].command),
      ['mnemos hook start --agent claude --db /data/other.db'],
    );
    assert.throws(() => planInit({ agents: ['claude'], scope: 'workspace', cwd: ws, home, db: '/a"b' }), /quoted/);
  });

  test('entries are inserted with the file’s own indentation (4 spaces, tabs) and line ends', () => {
    const ws = tmp();
    const home = tmp();
    const four = '{\n    "permissions": {\n        "allow": []\n    }\n}\n';
    write(path.join(ws, '.claude/settings.json'), four);
    const tabs = '{\r\n\t"mcpServers": {\r\n\t\t"github": { "command": "gh" }\r\n\t}\r\n}\r\n';
    write(path.join(ws, '.mcp.json'), tabs);
    runInit({ agents: ['claude'], scope: 'workspace', cwd: ws, home, env: {} });
    const settings = fs.readFileSync(path.join(ws, '.claude/settings.json'), 'utf8');
    assert.ok(
      settings.startsWith('{\n    "permissions": {\n        "allow": []\n    },\n    "hooks": {\n        "'),
      settings,
    );
    assert.doesNotMatch(settings, /^ {2}"|^ {6}"/m, 'no 2-space indentation mixed in');
    const mcp = fs.readFileSync(path.join(ws, '.mcp.json'), 'utf8');
    assert.match(mcp, /\r\n\t\t"mnemos": \{\r\n\t\t\t"type": "stdio",\r\n/);
    assert.doesNotMatch(mcp.replace(/\r\n/g, ''), /\n/, 'no bare \\n line ends');
    runInit({ agents: ['claude'], scope: 'workspace', cwd: ws, home, env: {}, remove: true });
    assert.equal(fs.readFileSync(path.join(ws, '.claude/settings.json'), 'utf8'), four);
    assert.equal(fs.readFileSync(path.join(ws, '.mcp.json'), 'utf8'), tabs);
  });

  test('connectedAgents reads which agents hold Mnemos’s hooks, per scope', () => {
    const { ws, home } = workspaceWithOthers();
    assert.deepEqual(connectedAgents({ cwd: ws, home, env: {} }), []);
    runInit({ agents: ['claude', 'vscode'], scope: 'workspace', cwd: ws, home, env: {} });
    runInit({ agents: ['codex'], scope: 'user', cwd: ws, home, env: {} });
    const list = connectedAgents({ cwd: ws, home, env: {} }).map((c) => `${c.agent}@${c.scope}`);
    assert.deepEqual(list, ['vscode@workspace', 'claude@workspace', 'codex@user']);
    runInit({ agents: ['copilot-cli'], scope: 'workspace', cwd: ws, home, env: {} });
    assert.ok(connectedAgents({ cwd: ws, home, env: {} }).some((c) => c.agent === 'copilot-cli'));
    runInit({ agents: [...AGENTS], scope: 'workspace', cwd: ws, home, env: {}, remove: true });
    assert.deepEqual(
      connectedAgents({ cwd: ws, home, env: {} }).map((c) => `${c.agent}@${c.scope}`),
      ['codex@user'],
    );
  });
});
