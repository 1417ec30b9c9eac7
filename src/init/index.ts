/**
 * `mnemos init [--agent vscode|copilot-cli|claude|codex|all] [--scope workspace|user] [--remove]
 * [--command LAUNCHER]`: writes each agent's hook entries and MCP server entry into its own config
 * files, merged with what is there (other tools' hooks and servers are never touched), idempotently;
 * `--remove` takes out exactly the entries Mnemos wrote. Where each agent reads what: docs/HOOKS.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigFileError, type JsonDoc, readJson, setAt, type WriteAction, writeJson } from './jsonFile';
import { addMcpServer, disableCodexHooks, enableCodexHooks, removeMcpServer } from './toml';

export const AGENTS = ['vscode', 'copilot-cli', 'claude', 'codex'] as const;
export type Agent = (typeof AGENTS)[number];
export type Scope = 'workspace' | 'user';

export interface InitOptions {
  agents: Agent[];
  scope: Scope;
  remove?: boolean;
  /** Folder of the workspace (workspace scope). */
  cwd: string;
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** How the agent starts a hook: `<launcher> <event> --agent <dialect>`. Default `mnemos hook`. */
  launcher?: string;
  /** How the agent starts the MCP server. Default `mnemos serve`. */
  server?: { command: string; args: string[] };
}

export interface InitChange {
  agent: Agent;
  file: string;
  action: WriteAction | 'kept';
  what: string;
}

/** Hook events per agent: the agent's event name → Mnemos's. */
const CLAUDE_EVENTS: [string, string, string?][] = [
  ['SessionStart', 'start'],
  ['UserPromptSubmit', 'prompt'],
  ['PostToolUse', 'post', 'Edit|Write|MultiEdit|NotebookEdit|Bash'],
  ['PreCompact', 'compact'],
  ['Stop', 'stop'],
  ['SessionEnd', 'end'],
];
const CODEX_EVENTS: [string, string, string?][] = [
  ['SessionStart', 'start'],
  ['UserPromptSubmit', 'prompt'],
  ['PostToolUse', 'post'],
  ['Stop', 'stop'],
];
/** VS Code and Copilot CLI read the same `.github/hooks/*.json`; PascalCase names get VS Code's payloads in both. */
const GITHUB_EVENTS: [string, string][] = [
  ['SessionStart', 'start'],
  ['UserPromptSubmit', 'prompt'],
  ['PostToolUse', 'post'],
  ['PreCompact', 'compact'],
  ['Stop', 'stop'],
];
const TIMEOUT: Record<string, number> = { start: 10, prompt: 5, post: 10, compact: 30, stop: 30, end: 30 };

/** A hook command Mnemos wrote, whatever launcher it used. */
export function isMnemosHookCommand(cmd: unknown): boolean {
  return (
    typeof cmd === 'string' &&
    /(?:^|[\s/\\"'])(?:mnemos(?:\.js|\.cmd)?|hook\.js)"?\s+(?:hook\s+)?(?:start|prompt|post|compact|stop|end)\s+--agent[\s=](?:claude|codex|vscode|copilot-cli)\b/.test(
      cmd,
    )
  );
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Edits one event's array element by element (others' elements keep their bytes): `ours(el)` says
 * which elements (or, with `inner`, which hooks inside a group) Mnemos wrote; `add` is appended.
 */
function editEventArray(doc: JsonDoc, name: string, ours: (h: unknown) => boolean, inner: boolean, add: unknown): void {
  const hooks = doc.value.hooks as Record<string, unknown> | undefined;
  const before = hooks?.[name];
  if (before !== undefined && !Array.isArray(before)) return; // not ours to interpret
  const list = (before as unknown[] | undefined) ?? [];
  // The array as it should end up, to leave a file that is already right byte for byte.
  const want: unknown[] = [];
  for (const el of list) {
    if (inner && isObj(el) && Array.isArray(el.hooks)) {
      const kept = el.hooks.filter((h) => !ours(h));
      if (kept.length === el.hooks.length) want.push(el);
      else if (kept.length) want.push({ ...el, hooks: kept });
    } else if (inner || !ours(el)) want.push(el);
  }
  if (add !== undefined) want.push(add);
  if (same(want, before ?? [])) return;
  if (!want.length) {
    setAt(doc, ['hooks', name], undefined);
    return;
  }
  for (let i = list.length - 1; i >= 0; i--) {
    const el = list[i];
    if (inner && isObj(el) && Array.isArray(el.hooks)) {
      const mine = el.hooks.map((h, j) => (ours(h) ? j : -1)).filter((j) => j >= 0);
      if (mine.length === el.hooks.length) setAt(doc, ['hooks', name, i], undefined);
      else for (const j of mine.reverse()) setAt(doc, ['hooks', name, i, 'hooks', j], undefined);
    } else if (!inner && ours(el)) setAt(doc, ['hooks', name, i], undefined);
  }
  if (add === undefined) return;
  const now = (doc.value.hooks as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(now)) setAt(doc, ['hooks', name, now.length], add, true);
  else setAt(doc, ['hooks', name], [add]);
}

function checkHooksObject(doc: JsonDoc): void {
  if (doc.value.hooks !== undefined && !isObj(doc.value.hooks))
    throw new ConfigFileError(`${doc.file}: "hooks" is not an object; nothing was changed`);
}

const ourEntry = (h: unknown) => isObj(h) && (isMnemosHookCommand(h.command) || isMnemosHookCommand(h.bash));

/** Claude Code / Codex: event → [{ matcher?, hooks: [{ type, command, timeout }] }]. Others' groups kept as they are. */
function mergeGroupedHooks(
  doc: JsonDoc,
  events: [string, string, string?][],
  dialect: string,
  launcher: string,
  remove: boolean,
): void {
  checkHooksObject(doc);
  const names = new Set([...Object.keys((doc.value.hooks as object | undefined) ?? {}), ...events.map((e) => e[0])]);
  for (const name of names) {
    const mine = events.find((e) => e[0] === name);
    let add: unknown;
    if (mine && !remove) {
      const [, ev, matcher] = mine;
      const entry = { type: 'command', command: `${launcher} ${ev} --agent ${dialect}`, timeout: TIMEOUT[ev] };
      add = matcher ? { matcher, hooks: [entry] } : { hooks: [entry] };
    }
    editEventArray(doc, name, ourEntry, true, add);
  }
  if (isObj(doc.value.hooks) && Object.keys(doc.value.hooks).length === 0) setAt(doc, ['hooks'], undefined);
}

/** `.github/hooks/*.json` (version 1): event → [{ type, command, bash, powershell, timeout, timeoutSec }]. */
function mergeFlatHooks(doc: JsonDoc, launcher: string, remove: boolean): void {
  checkHooksObject(doc);
  const names = new Set([
    ...Object.keys((doc.value.hooks as object | undefined) ?? {}),
    ...GITHUB_EVENTS.map((e) => e[0]),
  ]);
  for (const name of names) {
    const mine = GITHUB_EVENTS.find((e) => e[0] === name);
    let add: unknown;
    if (mine && !remove) {
      const cmd = `${launcher} ${mine[1]} --agent vscode`;
      const t = TIMEOUT[mine[1]];
      add = { type: 'command', command: cmd, bash: cmd, powershell: cmd, timeout: t, timeoutSec: t };
    }
    editEventArray(doc, name, ourEntry, false, add);
  }
  const left = isObj(doc.value.hooks) ? Object.keys(doc.value.hooks).length : 0;
  if (remove && left === 0) {
    if (doc.value.hooks !== undefined) setAt(doc, ['hooks'], undefined);
    if (doc.value.version === 1 && Object.keys(doc.value).length === 1) setAt(doc, ['version'], undefined);
  } else if (!remove && doc.value.version === undefined) setAt(doc, ['version'], 1);
}

/** `mcpServers.mnemos` (Claude Code, Copilot CLI). An existing `mnemos` entry is kept as the user left it. */
function mergeMcp(
  doc: JsonDoc,
  key: string,
  entry: Record<string, unknown>,
  remove: boolean,
): 'kept' | 'set' | 'removed' | 'none' {
  const servers = doc.value[key];
  if (servers !== undefined && !isObj(servers))
    throw new ConfigFileError(`${doc.file}: "${key}" is not an object; nothing was changed`);
  const cur = servers?.mnemos;
  if (remove) {
    if (cur === undefined) return 'none';
    if (!(
      isObj(cur) &&
      typeof cur.command === 'string' &&
      /mnemos/.test(`${cur.command} ${JSON.stringify(cur.args ?? [])}`)
    ))
      return 'kept';
    setAt(doc, [key, 'mnemos'], undefined);
    if (isObj(doc.value[key]) && Object.keys(doc.value[key]).length === 0) setAt(doc, [key], undefined);
    return 'removed';
  }
  if (same(cur, entry)) return 'none';
  if (cur !== undefined) return 'kept';
  setAt(doc, [key, 'mnemos'], entry);
  return 'set';
}

function jsonStep(
  agent: Agent,
  file: string,
  what: string,
  fn: (doc: JsonDoc) => void | string,
  remove: boolean,
  deleteIfEmpty = false,
): InitChange {
  const doc = readJson(file);
  const original = doc.text;
  const note = fn(doc);
  // A config file left holding `{}` by --remove is the same as no file to every agent: delete it.
  const action = note === 'kept' ? 'kept' : writeJson(doc, original, deleteIfEmpty || remove);
  return { agent, file, action, what };
}

export function runInit(o: InitOptions): InitChange[] {
  const env = o.env ?? process.env;
  const home = o.home ?? os.homedir();
  const launcher = (o.launcher ?? 'mnemos hook').trim();
  if (!launcher || /[\n\r\0]/.test(launcher))
    throw new ConfigFileError('--command must be one line, e.g. "mnemos hook"');
  const server = o.server ?? { command: 'mnemos', args: ['serve'] };
  const remove = o.remove === true;
  const ws = (...p: string[]) => path.join(o.cwd, ...p);
  const claudeDir = env.CLAUDE_CONFIG_DIR || path.join(home, '.claude');
  const codexDir = env.CODEX_HOME || path.join(home, '.codex');
  const copilotDir = path.join(home, '.copilot');
  const changes: InitChange[] = [];
  const agents = [...new Set(o.agents)];
  let githubDone = false;
  for (const agent of agents) {
    if (agent === 'vscode' || agent === 'copilot-cli') {
      if (!githubDone) {
        githubDone = true;
        const file =
          o.scope === 'workspace'
            ? ws('.github', 'hooks', 'mnemos.json')
            : path.join(copilotDir, 'hooks', 'mnemos.json');
        changes.push(
          jsonStep(
            agent,
            file,
            'hooks (VS Code agent hooks, Copilot CLI)',
            (d) => mergeFlatHooks(d, launcher, remove),
            remove,
            true,
          ),
        );
      }
      // VS Code gets the MCP server from the Mnemos extension itself; Copilot CLI reads ~/.copilot/mcp-config.json.
      if (agent === 'copilot-cli') {
        const file = path.join(copilotDir, 'mcp-config.json');
        let r = '';
        changes.push(
          jsonStep(
            agent,
            file,
            'MCP server',
            (d) => {
              r = mergeMcp(
                d,
                'mcpServers',
                { type: 'local', command: server.command, args: server.args, tools: ['*'] },
                remove,
              );
              return r === 'kept' ? 'kept' : undefined;
            },
            remove,
          ),
        );
      }
    } else if (agent === 'claude') {
      const hooksFile =
        o.scope === 'workspace' ? ws('.claude', 'settings.json') : path.join(claudeDir, 'settings.json');
      changes.push(
        jsonStep(
          agent,
          hooksFile,
          'hooks',
          (d) => mergeGroupedHooks(d, CLAUDE_EVENTS, 'claude', launcher, remove),
          remove,
        ),
      );
      const mcpFile = o.scope === 'workspace' ? ws('.mcp.json') : path.join(path.dirname(claudeDir), '.claude.json');
      changes.push(
        jsonStep(
          agent,
          env.CLAUDE_CONFIG_DIR && o.scope === 'user' ? path.join(claudeDir, '.claude.json') : mcpFile,
          'MCP server',
          (d) =>
            mergeMcp(d, 'mcpServers', { type: 'stdio', command: server.command, args: server.args }, remove) === 'kept'
              ? 'kept'
              : undefined,
          remove,
        ),
      );
    } else if (agent === 'codex') {
      const dir = o.scope === 'workspace' ? ws('.codex') : codexDir;
      changes.push(
        jsonStep(
          agent,
          path.join(dir, 'hooks.json'),
          'hooks',
          (d) => mergeGroupedHooks(d, CODEX_EVENTS, 'codex', launcher, remove),
          remove,
        ),
      );
      const file = path.join(dir, 'config.toml');
      let text = '';
      let existed = true;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
          throw new ConfigFileError(`cannot read ${file}: ${(e as Error).message}`);
        existed = false;
      }
      let next: string;
      let what = 'MCP server and [features] codex_hooks';
      if (remove) next = disableCodexHooks(removeMcpServer(text, 'mnemos'));
      else {
        const f = enableCodexHooks(addMcpServer(text, 'mnemos', server.command, server.args));
        next = f.text;
        if (f.disabledByUser)
          what += ' (codex_hooks = false left as you set it: hooks stay off until you turn them on)';
      }
      let action: InitChange['action'] = 'unchanged';
      if (next !== text) {
        if (!next.trim() && existed && remove) {
          fs.rmSync(file, { force: true });
          action = 'deleted';
        } else if (next.trim()) {
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(file, next.endsWith('\n') ? next : next + '\n');
          action = existed ? 'updated' : 'created';
        }
      }
      changes.push({ agent, file, action, what });
    }
  }
  return changes;
}

export const INIT_USAGE =
  'usage: mnemos init [--agent vscode|copilot-cli|claude|codex|all]… [--scope workspace|user] [--remove] [--command "mnemos hook"]';

/** Parses `init`'s arguments (after the word `init`). */
export function parseInitArgs(argv: readonly string[]): Omit<InitOptions, 'cwd'> | string {
  const agents: Agent[] = [];
  let scope: Scope = 'workspace';
  let remove = false;
  let launcher: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--agent') {
      const v = value();
      if (v === 'all') agents.push(...AGENTS);
      else if ((AGENTS as readonly string[]).includes(v)) agents.push(v as Agent);
      else return `unknown agent ${JSON.stringify(v ?? '')}; one of ${AGENTS.join(', ')}, all`;
    } else if (flag === '--scope') {
      const v = value();
      if (v !== 'workspace' && v !== 'user') return `--scope is workspace or user (got ${JSON.stringify(v ?? '')})`;
      scope = v;
    } else if (flag === '--remove') remove = true;
    else if (flag === '--command') {
      launcher = value();
      if (!launcher) return '--command needs the launcher, e.g. "mnemos hook"';
    } else return `unexpected argument ${JSON.stringify(argv[i])}`;
  }
  return { agents: agents.length ? agents : [...AGENTS], scope, remove, launcher };
}

/** `mnemos init …` for the CLI: prints what changed; exit 0, or 1 with a message when a file cannot be merged. */
export function initCommand(
  argv: readonly string[],
  io: {
    stdout: { write(s: string): unknown };
    stderr: { write(s: string): unknown };
    cwd: string;
    env: NodeJS.ProcessEnv;
  },
): number {
  const parsed = parseInitArgs(argv);
  if (typeof parsed === 'string') {
    io.stderr.write(`mnemos init: ${parsed}\n${INIT_USAGE}\n`);
    return 64;
  }
  try {
    for (const c of runInit({ ...parsed, cwd: io.cwd, env: io.env, home: io.env.HOME || undefined }))
      io.stdout.write(`${c.action.padEnd(9)} ${c.file}  (${c.agent}: ${c.what})\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`mnemos init: ${(e as Error).message}\n`);
    return 1;
  }
}
