/**
 * The pure half of Connect Agents (no `vscode` import, so plain Node tests cover it): which store and
 * launcher the written entries use, the launcher script, the preview text and the status lines.
 * What is written where is src/init's plan; this file only decides the options and shows the plan.
 */
import * as path from 'node:path';
import { type Agent, type Connection, type InitPlan, type PlannedChange, type Scope, shellWord } from '../../init';
import type { StoreConfig } from '../../store';

export const AGENT_LABELS: Record<Agent, string> = {
  vscode: 'VS Code agent hooks',
  'copilot-cli': 'GitHub Copilot CLI',
  claude: 'Claude Code',
  codex: 'Codex',
};

/**
 * Where the hooks and the MCP server written by the extension find the store: the extension's own
 * database. A local file is passed as `--db`; a server (remote, or the primary of a replica: two
 * processes must not share one replica file) as `--url`, with the token left to the agent's environment.
 */
export function storeTarget(store: StoreConfig): { db?: string; url?: string; note?: string } {
  if (store.mode === 'local') return { db: store.path };
  const url = store.mode === 'remote' ? store.url : store.syncUrl;
  return {
    url,
    note:
      'This database is on a server: the hooks and the MCP server connect to it directly and read the auth token ' +
      'from TURSO_AUTH_TOKEN in the agent’s environment (Mnemos never writes the token into a file).',
  };
}

/** The launcher's file name: a shell script, or a batch file on Windows. */
export function launcherName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'mnemos.cmd' : 'mnemos';
}

/**
 * The launcher the entries call (`<globalStorage>/bin/mnemos`), a stable path that the extension
 * rewrites on activation, so an update of the extension or of the editor (both move) does not break
 * the entries. It runs the bundled CLI (`hook …` goes to the smaller dist/hook.js) on the editor's
 * runtime: Electron with ELECTRON_RUN_AS_NODE=1 on desktop (as VS Code's own `code` script runs its
 * CLI), Node on a server; `node` from PATH when that runtime has moved away. A hook whose launcher
 * finds neither exits 0 with no output (a hook never breaks the agent).
 */
export function launcherScript(o: {
  platform: NodeJS.Platform;
  runtime: string;
  electron: boolean;
  extensionPath: string;
}): string {
  const cli = path.join(o.extensionPath, 'dist', 'cli.js');
  const hook = path.join(o.extensionPath, 'dist', 'hook.js');
  if (o.platform === 'win32') {
    const q = (s: string) => `"${s.replace(/"/g, '')}"`;
    return [
      '@echo off',
      'rem Written by the Mnemos extension (Connect Agents); rewritten when the extension or the editor moves.',
      `if not exist ${q(cli)} exit /b 0`,
      `if exist ${q(o.runtime)} (`,
      o.electron ? '  set ELECTRON_RUN_AS_NODE=1' : '  rem a Node runtime',
      `  ${q(o.runtime)} ${q(cli)} %*`,
      ') else (',
      `  node ${q(cli)} %*`,
      ')',
      '',
    ].join('\r\n');
  }
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    '# Written by the Mnemos extension (Connect Agents); rewritten when the extension or the editor moves.',
    `cli=${q(cli)}`,
    `hook=${q(hook)}`,
    `rt=${q(o.runtime)}`,
    'if [ "$1" = hook ]; then shift; set -- "$hook" "$@"; else set -- "$cli" "$@"; fi',
    '[ -f "$1" ] || { [ "$1" = "$hook" ] && exit 0; echo "mnemos: the Mnemos extension has moved; open VS Code once to update this launcher" >&2; exit 1; }',
    o.electron
      ? 'if [ -x "$rt" ]; then ELECTRON_RUN_AS_NODE=1 exec "$rt" "$@"; fi'
      : 'if [ -x "$rt" ]; then exec "$rt" "$@"; fi',
    'command -v node >/dev/null 2>&1 && exec node "$@"',
    '[ "$1" = "$hook" ] && exit 0',
    'echo "mnemos: no runtime found (the editor moved and node is not on PATH)" >&2; exit 1',
    '',
  ].join('\n');
}

/** `mnemos init` options for the extension: its launcher and its database. */
export function initOptions(
  launcher: string,
  store: StoreConfig,
): { launcher: string; server: { command: string; args: string[] }; db?: string; url?: string } {
  const t = storeTarget(store);
  return {
    launcher: `${shellWord(launcher)} hook`,
    server: { command: launcher, args: ['serve'] },
    ...(t.db !== undefined ? { db: t.db } : { url: t.url }),
  };
}

/** A unified diff of two texts (3 lines of context), enough for config files of a few hundred lines. */
export function unifiedDiff(a: string, b: string, context = 3): string {
  const x = a ? a.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n') : [];
  const y = b ? b.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n') : [];
  // LCS table from the end; fine for config files (capped so a huge file cannot stall the window).
  if (x.length * y.length > 4_000_000) return `(${x.length} lines → ${y.length} lines; too large to show)`;
  const n = x.length;
  const m = y.length;
  const L: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  // Each step with where it starts in either text (ai, bj), for the hunk headers.
  const ops: { t: ' ' | '-' | '+'; s: string; ai: number; bj: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const at = { ai: i, bj: j };
    if (i < n && j < m && x[i] === y[j]) {
      ops.push({ t: ' ', s: x[i], ...at });
      i++;
      j++;
    } else if (i < n && (j === m || L[i + 1][j] >= L[i][j + 1])) ops.push({ t: '-', s: x[i++], ...at });
    else ops.push({ t: '+', s: y[j++], ...at });
  }
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].t === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // One hunk while the next change is within 2×context unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end].t !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next].t === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    const a0 = hunk[0].ai;
    const b0 = hunk[0].bj;
    out.push(`@@ -${aLen ? a0 + 1 : a0},${aLen} +${bLen ? b0 + 1 : b0},${bLen} @@`);
    for (const o of hunk) out.push(`${o.t}${o.s}`);
    k = stop;
  }
  return out.join('\n');
}

const VERB: Record<PlannedChange['action'], string> = {
  created: 'create',
  updated: 'update',
  deleted: 'delete',
  unchanged: 'unchanged',
  kept: 'keep as it is',
};

/** The preview: one section per file (what changes and the diff), in `diff` syntax so the editor colours it. */
export function previewText(plan: InitPlan, o: { title: string; notes?: string[]; home?: string }): string {
  const shown = (f: string) => (o.home && f.startsWith(o.home + path.sep) ? `~${f.slice(o.home.length)}` : f);
  const lines = [`# ${o.title}`, '#'];
  for (const n of o.notes ?? []) lines.push(`# ${n}`);
  const writes = plan.changes.filter((c) => c.action !== 'unchanged' && c.action !== 'kept');
  lines.push(
    writes.length
      ? `# ${writes.length} ${writes.length === 1 ? 'file' : 'files'} will change; nothing else is touched.`
      : '# Nothing to change: every file already says this.',
    '',
  );
  for (const c of plan.changes) {
    lines.push(`# ${VERB[c.action]}: ${shown(c.file)}  (${AGENT_LABELS[c.agent]}: ${c.what})`);
    if (c.action === 'kept') lines.push('#   it already has a "mnemos" entry you may have edited: left as it is');
    if (c.action === 'unchanged' || c.action === 'kept') {
      lines.push('');
      continue;
    }
    lines.push(
      `--- ${c.before === null ? '/dev/null' : shown(c.file)}`,
      `+++ ${c.after === null ? '/dev/null' : shown(c.file)}`,
    );
    lines.push(unifiedDiff(c.before ?? '', c.after ?? ''), '');
  }
  return lines.join('\n');
}

/** The status bar tooltip's lines about agents: who is connected, in which scope. */
export function connectionLines(list: readonly Connection[]): string[] {
  if (!list.length) return ['Agents: none connected (Mnemos: Connect Agents…)'];
  const by = new Map<Agent, Scope[]>();
  for (const c of list) by.set(c.agent, [...(by.get(c.agent) ?? []), c.scope]);
  return [`Agents: ${[...by].map(([a, scopes]) => `${AGENT_LABELS[a]} (${scopes.join(' + ')})`).join(', ')}`];
}
