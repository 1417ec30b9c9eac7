/**
 * `mnemos init [--agent vscode|copilot-cli|claude|codex|all] [--scope workspace|user] [--remove]
 * [--command LAUNCHER]`: writes each agent's hook entries and MCP server entry into its own config
 * files, merged with what is there (other tools' hooks and servers are never touched), idempotently;
 * `--remove` takes out exactly the entries Mnemos wrote. Where each agent reads what: docs/HOOKS.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConfigFileError,
  type JsonDoc,
  planJson,
  readJson,
  setAt,
  type WriteAction,
  writeFileAtomic,
} from './jsonFile';
export { ConfigFileError } from './jsonFile';
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
  /** The database file every hook and the MCP server use (`--db FILE` in each entry); default: the CLI's own. */
  db?: string;
  /** A server instead (`--url URL`; the token from the agent's environment, never written). */
  url?: string;
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
  tail: string,
): void {
  checkHooksObject(doc);
  const names = new Set([...Object.keys((doc.value.hooks as object | undefined) ?? {}), ...events.map((e) => e[0])]);
  for (const name of names) {
    const mine = events.find((e) => e[0] === name);
    let add: unknown;
    if (mine && !remove) {
      const [, ev, matcher] = mine;
      const entry = { type: 'command', command: `${launcher} ${ev} --agent ${dialect}${tail}`, timeout: TIMEOUT[ev] };
      add = matcher ? { matcher, hooks: [entry] } : { hooks: [entry] };
    }
    editEventArray(doc, name, ourEntry, true, add);
  }
  if (isObj(doc.value.hooks) && Object.keys(doc.value.hooks).length === 0) setAt(doc, ['hooks'], undefined);
}

/** `.github/hooks/*.json` (version 1): event → [{ type, command, bash, powershell, timeout, timeoutSec }]. */
function mergeFlatHooks(doc: JsonDoc, launcher: string, remove: boolean, tail: string): void {
  checkHooksObject(doc);
  const names = new Set([
    ...Object.keys((doc.value.hooks as object | undefined) ?? {}),
    ...GITHUB_EVENTS.map((e) => e[0]),
  ]);
  for (const name of names) {
    const mine = GITHUB_EVENTS.find((e) => e[0] === name);
    let add: unknown;
    if (mine && !remove) {
      const cmd = `${launcher} ${mine[1]} --agent vscode${tail}`;
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

/** One file of a plan: what it holds now and what it would hold (`null`: no such file / deleted). */
export interface PlannedChange extends InitChange {
  before: string | null;
  after: string | null;
}

export interface InitPlan {
  options: { agents: Agent[]; scope: Scope; remove: boolean };
  changes: PlannedChange[];
}

/** Texts as earlier steps of the plan left them, so two steps on one file see each other's edits. */
type Pending = Map<string, string | null>;

function readText(file: string, pending: Pending): string | null {
  if (pending.has(file)) return pending.get(file) ?? null;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigFileError(`cannot read ${file}: ${(e as Error).message}`);
    return null;
  }
}

function jsonStep(
  pending: Pending,
  agent: Agent,
  file: string,
  what: string,
  fn: (doc: JsonDoc) => void | string,
  remove: boolean,
  deleteIfEmpty = false,
): PlannedChange {
  const doc = readJson(file, pending.has(file) ? pending.get(file) : undefined);
  const original = doc.text;
  const before = doc.existed ? original : null;
  const note = fn(doc);
  if (note === 'kept') return { agent, file, action: 'kept', what, before, after: before };
  // A config file left holding `{}` by --remove is the same as no file to every agent: delete it.
  const { action, after } = planJson(doc, original, deleteIfEmpty || remove);
  pending.set(file, after);
  return { agent, file, action, what, before, after };
}

/** A path or URL as one shell word (hook commands run through sh, cmd or PowerShell): quoted when needed. */
export function shellWord(s: string): string {
  if (/["`$\n\r\0%!]/.test(s))
    throw new ConfigFileError(`${s} cannot be quoted safely for every shell; use another path`);
  return /^[\w@%+=:,./\\-]+$/.test(s) ? s : `"${s}"`;
}

/** Where the hooks and the MCP server find the store: `--db FILE` (a local file) or `--url URL` (token from the environment). */
function storeArgs(o: InitOptions): string[] {
  if (o.db !== undefined && o.url !== undefined) throw new ConfigFileError('give --db or --url, not both');
  if (o.db !== undefined) return ['--db', path.resolve(o.cwd, o.db)];
  if (o.url !== undefined) return ['--url', o.url];
  return [];
}

/**
 * What `mnemos init` would write, file by file, without writing anything: each file's text now and
 * afterwards. Throws ConfigFileError (nothing planned) when a file cannot be merged.
 */
export function planInit(o: InitOptions): InitPlan {
  const env = o.env ?? process.env;
  const home = o.home ?? os.homedir();
  const launcher = (o.launcher ?? 'mnemos hook').trim();
  if (!launcher || /[\n\r\0]/.test(launcher))
    throw new ConfigFileError('--command must be one line, e.g. "mnemos hook"');
  const store = storeArgs(o);
  const hookTail = store.length ? ` ${store[0]} ${shellWord(store[1])}` : '';
  const server = o.server ?? { command: 'mnemos', args: ['serve'] };
  const serverArgs = [...server.args, ...store];
  const remove = o.remove === true;
  const ws = (...p: string[]) => path.join(o.cwd, ...p);
  const claudeDir = env.CLAUDE_CONFIG_DIR || path.join(home, '.claude');
  const codexDir = env.CODEX_HOME || path.join(home, '.codex');
  const copilotDir = path.join(home, '.copilot');
  const pending: Pending = new Map();
  const changes: PlannedChange[] = [];
  const agents = [...new Set(o.agents)];
  const mergeGrouped = (d: JsonDoc, events: [string, string, string?][], dialect: string) =>
    mergeGroupedHooks(d, events, dialect, launcher, remove, hookTail);
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
            pending,
            agent,
            file,
            'hooks (VS Code agent hooks, Copilot CLI)',
            (d) => mergeFlatHooks(d, launcher, remove, hookTail),
            remove,
            true,
          ),
        );
      }
      // VS Code gets the MCP server from the Mnemos extension itself; Copilot CLI reads ~/.copilot/mcp-config.json.
      if (agent === 'copilot-cli') {
        const file = path.join(copilotDir, 'mcp-config.json');
        changes.push(
          jsonStep(
            pending,
            agent,
            file,
            'MCP server',
            (d) =>
              mergeMcp(
                d,
                'mcpServers',
                { type: 'local', command: server.command, args: serverArgs, tools: ['*'] },
                remove,
              ) === 'kept'
                ? 'kept'
                : undefined,
            remove,
          ),
        );
      }
    } else if (agent === 'claude') {
      const hooksFile =
        o.scope === 'workspace' ? ws('.claude', 'settings.json') : path.join(claudeDir, 'settings.json');
      changes.push(
        jsonStep(pending, agent, hooksFile, 'hooks', (d) => mergeGrouped(d, CLAUDE_EVENTS, 'claude'), remove),
      );
      const mcpFile = o.scope === 'workspace' ? ws('.mcp.json') : path.join(path.dirname(claudeDir), '.claude.json');
      changes.push(
        jsonStep(
          pending,
          agent,
          env.CLAUDE_CONFIG_DIR && o.scope === 'user' ? path.join(claudeDir, '.claude.json') : mcpFile,
          'MCP server',
          (d) =>
            mergeMcp(d, 'mcpServers', { type: 'stdio', command: server.command, args: serverArgs }, remove) === 'kept'
              ? 'kept'
              : undefined,
          remove,
        ),
      );
    } else if (agent === 'codex') {
      const dir = o.scope === 'workspace' ? ws('.codex') : codexDir;
      changes.push(
        jsonStep(
          pending,
          agent,
          path.join(dir, 'hooks.json'),
          'hooks',
          (d) => mergeGrouped(d, CODEX_EVENTS, 'codex'),
          remove,
        ),
      );
      const file = path.join(dir, 'config.toml');
      const before = readText(file, pending);
      const text = before ?? '';
      let next: string;
      let what = 'MCP server and [features] codex_hooks';
      if (remove) next = disableCodexHooks(removeMcpServer(text, 'mnemos'));
      else {
        const f = enableCodexHooks(addMcpServer(text, 'mnemos', server.command, serverArgs));
        next = f.text;
        if (f.disabledByUser)
          what += ' (codex_hooks = false left as you set it: hooks stay off until you turn them on)';
      }
      let action: InitChange['action'] = 'unchanged';
      let after = before;
      if (next !== text) {
        if (!next.trim() && before !== null && remove) {
          action = 'deleted';
          after = null;
        } else if (next.trim()) {
          action = before !== null ? 'updated' : 'created';
          after = next.endsWith('\n') ? next : next + '\n';
        }
      }
      pending.set(file, after);
      changes.push({ agent, file, action, what, before, after });
    }
  }
  return { options: { agents, scope: o.scope, remove }, changes };
}

/** A file changed between the plan and its application (another tool, the user): nothing more is written. */
export class StalePlanError extends ConfigFileError {}

/**
 * Writes a plan. Each file is checked first: if any now differs from what the plan read, nothing is
 * written (StalePlanError) and the caller plans again.
 */
export function applyInit(plan: InitPlan): InitChange[] {
  const pending = new Map<string, string | null>();
  for (const c of plan.changes) {
    if (pending.has(c.file)) continue; // a later step of the same file started from this one's result
    pending.set(c.file, c.before);
    let now: string | null;
    try {
      now = fs.readFileSync(c.file, 'utf8');
    } catch {
      now = null;
    }
    if (now !== c.before)
      throw new StalePlanError(`${c.file} changed since the preview; nothing was written, try again`);
  }
  const last = new Map<string, PlannedChange>();
  for (const c of plan.changes) last.set(c.file, c);
  for (const [file, c] of last) {
    if (c.after !== pending.get(file)) writeFileAtomic(file, c.after);
  }
  return plan.changes.map(({ agent, file, action, what }) => ({ agent, file, action, what }));
}

export function runInit(o: InitOptions): InitChange[] {
  return applyInit(planInit(o));
}

/** The files an agent's hooks live in, per scope (the first is the one that says "connected"). */
function hookFile(agent: Agent, scope: Scope, cwd: string, home: string, env: NodeJS.ProcessEnv): string {
  const claudeDir = env.CLAUDE_CONFIG_DIR || path.join(home, '.claude');
  const codexDir = env.CODEX_HOME || path.join(home, '.codex');
  if (agent === 'claude')
    return scope === 'workspace' ? path.join(cwd, '.claude', 'settings.json') : path.join(claudeDir, 'settings.json');
  if (agent === 'codex') return path.join(scope === 'workspace' ? path.join(cwd, '.codex') : codexDir, 'hooks.json');
  return scope === 'workspace'
    ? path.join(cwd, '.github', 'hooks', 'mnemos.json')
    : path.join(home, '.copilot', 'hooks', 'mnemos.json');
}

export interface Connection {
  agent: Agent;
  scope: Scope;
  /** The hook file that holds Mnemos's entries. */
  file: string;
}

/**
 * Which agents hold Mnemos's hook entries, per scope (read only; an unreadable or broken file counts as
 * not connected). Copilot CLI counts when its MCP entry is there too, since it shares VS Code's hook file.
 */
export function connectedAgents(o: { cwd?: string; home?: string; env?: NodeJS.ProcessEnv }): Connection[] {
  const env = o.env ?? process.env;
  const home = o.home ?? os.homedir();
  const out: Connection[] = [];
  const hasOurs = (file: string, dialect: string): boolean => {
    try {
      const hooks = readJson(file).value.hooks;
      if (!isObj(hooks)) return false;
      const cmds = Object.values(hooks)
        .flatMap((v) => (Array.isArray(v) ? (v as unknown[]) : []))
        .flatMap((el) => (isObj(el) && Array.isArray(el.hooks) ? (el.hooks as unknown[]) : [el]))
        .flatMap((h) => (isObj(h) ? [h.command, h.bash] : []));
      return cmds.some((c) => isMnemosHookCommand(c) && (c as string).includes(`--agent ${dialect}`));
    } catch {
      return false;
    }
  };
  let copilotMcp: boolean | undefined;
  for (const scope of ['workspace', 'user'] as const) {
    if (scope === 'workspace' && !o.cwd) continue;
    for (const agent of AGENTS) {
      const file = hookFile(agent, scope, o.cwd ?? '', home, env);
      if (!hasOurs(file, agent === 'copilot-cli' ? 'vscode' : agent)) continue;
      if (agent === 'copilot-cli') {
        copilotMcp ??= (() => {
          try {
            const s = readJson(path.join(home, '.copilot', 'mcp-config.json')).value.mcpServers;
            return isObj(s) && s.mnemos !== undefined;
          } catch {
            return false;
          }
        })();
        if (!copilotMcp) continue;
      }
      out.push({ agent, scope, file });
    }
  }
  return out;
}

export const INIT_USAGE =
  'usage: mnemos init [--agent vscode|copilot-cli|claude|codex|all]… [--scope workspace|user] [--remove] [--command "mnemos hook"] [--db FILE | --url URL]';

/** Parses `init`'s arguments (after the word `init`). */
export function parseInitArgs(argv: readonly string[]): Omit<InitOptions, 'cwd'> | string {
  const agents: Agent[] = [];
  let scope: Scope = 'workspace';
  let remove = false;
  let launcher: string | undefined;
  const store: { db?: string; url?: string } = {};
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
    } else if (flag === '--db' || flag === '--url') {
      const v = value();
      if (!v) return `${flag} needs a value`;
      store[flag === '--db' ? 'db' : 'url'] = v;
    } else return `unexpected argument ${JSON.stringify(argv[i])}`;
  }
  if (store.db !== undefined && store.url !== undefined) return 'give --db or --url, not both';
  return { agents: agents.length ? agents : [...AGENTS], scope, remove, launcher, ...store };
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
