/**
 * Mnemos: Connect Agents… / Disconnect Agents…: `mnemos init` from the editor. A multi-select of
 * agents (with which are connected now), a scope, a preview of every file and entry that changes, and a
 * confirmation; then src/init's plan is applied (the same code as the CLI's). The entries call the
 * extension's launcher (model.ts) on the extension's own database. The status bar says who is connected.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  type Agent,
  AGENTS,
  applyInit,
  ConfigFileError,
  type Connection,
  connectedAgents,
  type InitChange,
  type InitPlan,
  planInit,
  type Scope,
  StalePlanError,
} from '../../init';
import type { Services } from '../services';
import type { StatusBar } from '../statusBar';
import {
  AGENT_LABELS,
  connectionLines,
  initOptions,
  launcherName,
  launcherScript,
  previewText,
  storeTarget,
} from './model';

export const PREVIEW_SCHEME = 'mnemos-agents';
export type Step = 'agents' | 'scope' | 'confirm';

/** What a run of the command ended with (returned to the caller: tests and other extensions). */
export type AgentsResult =
  { done: 'written'; changes: InitChange[] } | { done: 'nothing-to-change' | 'cancelled' | 'refused'; reason?: string };

export interface AgentsFeature extends vscode.Disposable {
  /** Which agents hold Mnemos's entries now (as last read). */
  connections(): readonly Connection[];
  /** The launcher script every written entry calls. */
  readonly launcher: string;
  /** The quick pick the command waits on, for tests: its step, its items' labels, and a way to choose. */
  prompt(): { step: Step; labels: string[]; choose(labels: string[]): void } | undefined;
  /** The preview shown last. */
  lastPreview(): string;
  refresh(): Promise<void>;
}

class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  text = '';
  readonly uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: '/Mnemos agents preview.diff' });
  set(text: string) {
    this.text = text;
    this.emitter.fire(this.uri);
  }
  provideTextDocumentContent(): string {
    return this.text;
  }
  dispose() {
    this.emitter.dispose();
  }
}

interface Item<T> extends vscode.QuickPickItem {
  value?: T;
}

export function registerAgents(
  s: Services,
  statusBar: StatusBar,
): { feature: AgentsFeature; disposables: vscode.Disposable[] } {
  const binDir = path.join(s.context.globalStorageUri.fsPath, 'bin');
  const launcher = path.join(binDir, launcherName(process.platform));
  const preview = new PreviewProvider();
  let connections: Connection[] = [];
  let prompt: ReturnType<AgentsFeature['prompt']>;

  const folder = () => vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;

  const refresh = async () => {
    const ws = folder();
    connections = await Promise.resolve().then(() =>
      connectedAgents({ cwd: ws, home: os.homedir(), env: process.env }),
    );
    statusBar.setAgents(connectionLines(connections));
  };

  /** Writes the launcher when it is missing or stale (extension or editor moved); `create` false only refreshes one that exists. */
  const ensureLauncher = (create: boolean) => {
    const text = launcherScript({
      platform: process.platform,
      runtime: process.execPath,
      electron: !!process.versions.electron,
      extensionPath: s.context.extensionPath,
    });
    let now: string | undefined;
    try {
      now = fs.readFileSync(launcher, 'utf8');
    } catch {
      if (!create) return;
    }
    if (now === text) return;
    fs.mkdirSync(binDir, { recursive: true });
    const tmp = `${launcher}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, { mode: 0o755 });
    fs.renameSync(tmp, launcher);
    s.log.info(`agents launcher ${now === undefined ? 'written' : 'updated'}: ${launcher}`);
  };

  /** A quick pick the tests can answer through prompt(): resolves with the accepted items, undefined when dismissed. */
  const ask = <T>(
    step: Step,
    o: { title: string; placeholder: string; items: Item<T>[]; many: boolean; picked?: Item<T>[] },
  ) =>
    new Promise<Item<T>[] | undefined>((resolve) => {
      const qp = vscode.window.createQuickPick<Item<T>>();
      qp.title = o.title;
      qp.placeholder = o.placeholder;
      qp.canSelectMany = o.many;
      qp.ignoreFocusOut = true;
      qp.items = o.items;
      if (o.picked) qp.selectedItems = o.picked;
      let done = false;
      const finish = (v: Item<T>[] | undefined) => {
        if (done) return;
        done = true;
        prompt = undefined;
        resolve(v);
        qp.dispose();
      };
      qp.onDidAccept(() => {
        const chosen = o.many ? [...qp.selectedItems] : qp.activeItems.slice(0, 1);
        if (!o.many || chosen.length) finish(chosen);
      });
      qp.onDidHide(() => finish(undefined));
      prompt = {
        step,
        labels: o.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => i.label),
        choose: (labels) => {
          const hit = o.items.filter((i) => labels.includes(i.label));
          if (o.many) qp.selectedItems = hit;
          else qp.activeItems = hit.slice(0, 1);
        },
      };
      qp.show();
    });

  const run = async (remove: boolean): Promise<AgentsResult> => {
    const verb = remove ? 'Disconnect' : 'Connect';
    const title = `Mnemos: ${verb} Agents`;
    const ws = folder();
    await refresh();
    const where = (a: Agent) => connections.filter((c) => c.agent === a).map((c) => c.scope);
    const agentItems: Item<Agent>[] = AGENTS.map((a) => ({
      label: AGENT_LABELS[a],
      value: a,
      description: where(a).length ? `connected (${where(a).join(', ')})` : 'not connected',
    }));
    const agents = await ask<Agent>('agents', {
      title: `${title} (1/3)`,
      placeholder: remove
        ? 'Which agents should stop using Mnemos?'
        : 'Which agents should use Mnemos? (hooks and MCP server)',
      items: agentItems,
      many: true,
      picked: remove ? agentItems.filter((i) => where(i.value!).length) : undefined,
    });
    if (!agents?.length) return { done: 'cancelled' };
    const trusted = vscode.workspace.isTrusted;
    const scopeItems: Item<Scope>[] = [];
    if (ws && trusted)
      scopeItems.push({
        label: 'Workspace',
        value: 'workspace',
        description: path.basename(ws),
        detail: 'Files in this folder (.claude/, .codex/, .github/hooks/, .mcp.json): shared with whoever clones it',
      });
    scopeItems.push({
      label: 'User',
      value: 'user',
      description: os.homedir(),
      detail: 'Files in your home folder (~/.claude, ~/.codex, ~/.copilot): every project on this machine',
    });
    if (ws && !trusted)
      scopeItems.push({
        label: 'Workspace scope needs a trusted workspace (Manage Workspace Trust)',
        kind: vscode.QuickPickItemKind.Separator,
      });
    const scope = (
      await ask<Scope>('scope', { title: `${title} (2/3)`, placeholder: 'Where?', items: scopeItems, many: false })
    )?.[0]?.value;
    if (!scope) return { done: 'cancelled' };
    if (scope === 'workspace' && !vscode.workspace.isTrusted) return { done: 'refused', reason: 'untrusted' };

    const settings = s.host.settings();
    let plan: InitPlan;
    try {
      plan = planInit({
        ...initOptions(launcher, settings.store),
        agents: agents.map((a) => a.value!),
        scope,
        remove,
        cwd: ws ?? os.homedir(),
        home: os.homedir(),
        env: process.env,
      });
    } catch (e) {
      if (!(e instanceof ConfigFileError)) throw e;
      s.notify.warn(`${verb} Agents: ${e.message}`);
      return { done: 'refused', reason: e.message };
    }
    const note = remove ? undefined : storeTarget(settings.store).note;
    const notes = remove
      ? ['Takes out exactly the entries Mnemos wrote; other tools’ hooks and servers stay.']
      : [
          `Database: ${s.host.status().description}`,
          `Launcher: ${launcher} (the editor's runtime and the bundled CLI)`,
          ...(note ? [note] : []),
          'Other tools’ hooks and servers stay as they are.',
        ];
    preview.set(previewText(plan, { title: `${title}: ${scope} scope`, notes, home: os.homedir() }));
    const writes = plan.changes.filter((c) => c.action !== 'unchanged' && c.action !== 'kept');
    if (!writes.length) {
      s.notify.info(`${verb} Agents: nothing to change (${scope} scope).`);
      return { done: 'nothing-to-change' };
    }
    const doc = await vscode.workspace.openTextDocument(preview.uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'diff');
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true });
    const n = `${writes.length} ${writes.length === 1 ? 'file' : 'files'}`;
    const ok = (
      await ask<boolean>('confirm', {
        title: `${title} (3/3)`,
        placeholder: `The preview shows every change. ${verb} now?`,
        items: [
          { label: `$(check) ${remove ? 'Remove the entries from' : 'Write'} ${n}`, value: true },
          { label: '$(close) Cancel', value: false },
        ],
        many: false,
      })
    )?.[0]?.value;
    await closePreview(preview.uri);
    if (!ok) return { done: 'cancelled' };
    try {
      if (!remove) ensureLauncher(true);
      const changes = applyInit(plan);
      s.log.info(
        `${verb} Agents (${scope}): ${changes
          .filter((c) => c.action !== 'unchanged')
          .map((c) => `${c.action} ${c.file}`)
          .join(', ')}`,
      );
      await refresh();
      s.notify.info(
        `${remove ? 'Disconnected' : 'Connected'} ${agents.map((a) => a.label).join(', ')} (${scope} scope): ${n} changed.`,
      );
      return { done: 'written', changes };
    } catch (e) {
      if (!(e instanceof StalePlanError || e instanceof ConfigFileError)) throw e;
      s.notify.warn(`${verb} Agents: ${e.message}`);
      return { done: 'refused', reason: e.message };
    }
  };

  const guarded = (remove: boolean) => async () => {
    try {
      return await run(remove);
    } catch (e) {
      s.notify.report(e, { what: `${remove ? 'Disconnecting' : 'Connecting'} agents` });
      return { done: 'refused', reason: (e as Error)?.message } as AgentsResult;
    }
  };

  const watcher = vscode.workspace.createFileSystemWatcher(
    '**/{.claude/settings.json,.github/hooks/mnemos.json,.codex/hooks.json}',
  );
  const later = () => void refresh().catch((e) => s.log.error('reading which agents are connected failed', e));
  // Not part of activation: a moment later, the launcher follows a moved extension and the status bar learns who is connected.
  const startup = setTimeout(() => {
    try {
      ensureLauncher(false);
    } catch (e) {
      s.log.error('updating the agents launcher failed', e);
    }
    later();
  }, 1500);
  const feature: AgentsFeature = {
    connections: () => connections,
    launcher,
    prompt: () => prompt,
    lastPreview: () => preview.text,
    refresh,
    dispose: () => clearTimeout(startup),
  };
  return {
    feature,
    disposables: [
      feature,
      preview,
      watcher,
      watcher.onDidCreate(later),
      watcher.onDidChange(later),
      watcher.onDidDelete(later),
      vscode.workspace.onDidChangeWorkspaceFolders(later),
      vscode.window.onDidChangeWindowState((w) => w.focused && later()),
      vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
      vscode.commands.registerCommand('mnemos.connectAgents', guarded(false)),
      vscode.commands.registerCommand('mnemos.disconnectAgents', guarded(true)),
    ],
  };
}

async function closePreview(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
