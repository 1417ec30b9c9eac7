import * as path from 'node:path';
/**
 * Activation wires things together and returns; it opens nothing. The store opens on first need
 * (a command, the sidebar), from settings + SecretStorage, and reopens when either changes.
 */
import * as vscode from 'vscode';
import { textOf } from '../shared/text';
import type { MnemosStore } from '../store';
import { type AgentsFeature, registerAgents } from './agents';
import { ChangeWatcher } from './changeWatcher';
import { registerCommands, updateTokenContext } from './commands';
import { type EmbeddingStatus, EmbeddingsHost, keywordOnlyReason, recallNotice } from './embeddings';
import { Log } from './log';
import { McpServerProvider, registerMcpProvider } from './mcp';
import { type MemoirsFeature, registerMemoirs } from './memoirs';
import { MemoryDocumentProvider, SCHEME } from './memoryDocument';
import { type Notice, Notifier } from './notify';
import { OfflineQueue } from './offline';
import { announceReady } from './ready';
import { TokenSource } from './secrets';
import { registerSessions, type SessionsFeature } from './sessions';
import type { Services } from './services';
import { type MnemosSettings, SECTION } from './settings';
import type { SidebarDeps } from './sidebar/deps';
import { MemoriesViewProvider } from './sidebar/provider';
import { StatusBar } from './statusBar';
import { StoreHost, type StoreStatus } from './storeHost';
import { createTools, type MnemosTools, registerTools } from './tools';

/** What activate() returns: the sidebar's contract plus read-only views for tests and other extensions. */
export interface MnemosApi {
  /** Time spent in activate(), ms. */
  readonly activationMs: number;
  getStore(): Promise<MnemosStore>;
  readonly onDidChangeData: vscode.Event<void>;
  readonly onDidChangeStore: vscode.Event<void>;
  status(): StoreStatus;
  settings(): MnemosSettings;
  statusBar(): { text: string; tooltip: string };
  /** The "Mnemos" output channel's text (already redacted). */
  logText(): string;
  /** Notifications shown recently (already redacted). */
  notices(): readonly Notice[];
  /** Where semantic recall stands (disabled, not loaded, loading, ready, unloaded, failed). */
  embeddings(): EmbeddingStatus;
  /** The language-model tool implementations (also registered with vscode.lm), for tests and other extensions. */
  readonly tools: MnemosTools;
  /** The MCP server definition provider (also registered with vscode.lm). */
  readonly mcp: McpServerProvider;
  /** Memoirs: the tree view, open graph panels and the memoir LM tools (for tests and other extensions). */
  readonly memoirs: MemoirsFeature;
  /** Agent sessions and code areas: the Sessions view, session documents, search, the file CodeLens. */
  readonly sessions: SessionsFeature;
  /** Connect Agents: who is connected, the launcher, the quick pick waiting for an answer (for tests). */
  readonly agents: AgentsFeature;
  /** The offline outbox: its file, the server the settings write to, and what waits (for tests). */
  offline(): { file: string; target: string | undefined; pending: number; parked: number; pendingElsewhere: number };
}

let disposeHost: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): MnemosApi {
  const t0 = performance.now();
  const log = new Log();
  const tokens = new TokenSource(context.secrets);
  log.setSecrets(() => tokens.knownSecrets());
  const notify = new Notifier(log);
  const host = new StoreHost(context.globalStorageUri.fsPath, tokens, log);
  const watcher = new ChangeWatcher(host, log);
  const statusBar = new StatusBar(host);
  const openErrors = new WeakSet<object>();
  const getStore = async () => {
    try {
      return await host.getStore();
    } catch (e) {
      if (e && typeof e === 'object') openErrors.add(e);
      throw e;
    }
  };
  const docs = new MemoryDocumentProvider(getStore);
  const embeddings = new EmbeddingsHost(context, host, log, notify, () => watcher.poke());
  const offline = new OfflineQueue(path.join(context.globalStorageUri.fsPath, 'outbox.db'), host, log, notify, () =>
    watcher.poke(),
  );
  host.setOutboxInfo(() => offline.status());
  host.setRecallInfo(() => {
    const c = embeddings.lastCoverage();
    return {
      keywordNote: keywordOnlyReason(embeddings.status()),
      detail: c ? `${c.embedded} of ${c.total} memories have embeddings${c.model ? ` (${c.model})` : ''}` : undefined,
    };
  });
  const mcp = new McpServerProvider(
    context.extensionPath,
    host,
    tokens,
    log,
    textOf((context.extension.packageJSON as { version?: unknown }).version ?? '0'),
    path.join(context.globalStorageUri.fsPath, 'models'),
  );
  const services: Services = {
    context,
    host,
    tokens,
    log,
    notify,
    watcher,
    docs,
    embeddings,
    offline,
    store: getStore,
    isOpenError: (e) => !!e && typeof e === 'object' && openErrors.has(e),
    changed: () => watcher.poke(),
    reopen: (wasActive, why) => {
      if (!wasActive) return;
      void getStore().then(
        () => watcher.fire(),
        (e) =>
          notify.report(e, { what: why, opening: true, retry: () => vscode.commands.executeCommand('mnemos.refresh') }),
      );
    },
  };
  const reopenIfActive = (wasActive: boolean, why: string) => services.reopen(wasActive, why);
  const tools = createTools(services);
  const memoirs = registerMemoirs(services);
  const sessions = registerSessions(services);
  const agents = registerAgents(services, statusBar);

  // The sidebar hears about swaps and about status changes it shows (mode, connection, keyword-only).
  const storeChanged = new vscode.EventEmitter<void>();
  let shown = '';
  const statusKey = (s: StoreStatus) =>
    `${s.mode}|${s.connected}|${s.keywordNote}|${s.state}|${s.offlineCopy}|${s.pending}|${s.parked}`;
  const deps: SidebarDeps = {
    getStore,
    onDidChangeData: watcher.onDidChange,
    onDidChangeStore: storeChanged.event,
    runCommand: (id, ...args) => vscode.commands.executeCommand(id, ...args),
    log: (m) => log.info(m),
    status: () => {
      // The sidebar's status line shows `mode`: say there what waits and where reads come from.
      const s = host.status();
      const mode = [
        s.mode,
        s.offlineCopy ? 'offline copy' : s.offline ? 'offline' : '',
        s.pending ? `${s.pending} pending` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      return {
        mode,
        keywordOnly: s.keywordOnly,
        connected: s.connected,
        recall: s.keywordOnly ? recallNotice(embeddings.status()) : undefined,
      };
    },
    reloadModel: () => embeddings.reload(),
    offlineMessage: (e) => (offline.isOffline(e) ? offline.offlineMessage() : undefined),
  };
  // Saves waiting for the server go out as soon as it is reachable again.
  let wasConnected = false;

  context.subscriptions.push(
    log,
    tokens,
    watcher,
    statusBar,
    docs,
    storeChanged,
    embeddings,
    mcp,
    memoirs,
    sessions,
    ...registerCommands(services),
    ...agents.disposables,
    ...registerTools(services, tools),
    ...registerMcpProvider(mcp, log),
    embeddings.onDidChange(() => host.refreshStatus()),
    vscode.window.registerWebviewViewProvider(
      MemoriesViewProvider.viewType,
      new MemoriesViewProvider(context.extensionUri, deps),
      MemoriesViewProvider.options,
    ),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs),
    host.onDidChangeStore(() => storeChanged.fire()),
    offline,
    host.onDidOpen(() => void offline.drainNow('store opened')),
    host.onDidChangeStatus((s) => {
      if (s.connected && !wasConnected && s.pending) void offline.drainNow('server reachable again');
      wasConnected = s.connected;
      void vscode.commands.executeCommand('setContext', 'mnemos.mode', s.mode);
      const k = statusKey(s);
      if (k !== shown) {
        shown = k;
        storeChanged.fire();
      }
    }),
    watcher.onDidChange(() => {
      docs.refreshOpen();
      void offline.refresh().catch((e) => log.error('reading the offline outbox failed', e)); // another window may have sent or queued some
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      try {
        const wasActive = await host.settingsChanged();
        if (e.affectsConfiguration(`${SECTION}.embeddings`)) embeddings.settingsChanged();
        if (e.affectsConfiguration(`${SECTION}.database`)) offline.settingsChanged();
        mcp.changed();
        reopenIfActive(wasActive, 'opening the store from the new settings');
      } catch (err) {
        log.error('applying changed settings failed', err);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      log.info('workspace trusted: its database settings apply now');
      const wasActive = await host.settingsChanged();
      offline.settingsChanged();
      mcp.changed();
      reopenIfActive(wasActive, 'opening the store from the workspace settings');
    }),
    tokens.onDidChange(async () => {
      void updateTokenContext(services);
      mcp.changed(true);
      reopenIfActive(await host.tokenChanged(), 'reconnecting with the new auth token');
    }),
  );
  disposeHost = async () => {
    await offline.dispose(); // a drain in flight finishes against the open store first
    await host.dispose(); // then closing the store writes the vectors still queued
    await embeddings.shutdown();
  };
  // Not part of activation: a moment later, memories left waiting by an earlier session are sent.
  const startup = setTimeout(() => void offline.startupCheck(), 1500);
  context.subscriptions.push({ dispose: () => clearTimeout(startup) });
  void vscode.commands.executeCommand('setContext', 'mnemos.mode', host.settings().store.mode);
  void updateTokenContext(services);

  const activationMs = performance.now() - t0;
  log.info(`activated in ${activationMs.toFixed(1)} ms (store: ${host.status().description}; opens on first use)`);
  announceReady({ activationMs, store: host.status().description }, (m) => log.warn(m));
  return {
    activationMs,
    getStore,
    onDidChangeData: watcher.onDidChange,
    onDidChangeStore: storeChanged.event,
    status: () => host.status(),
    settings: () => host.settings(),
    statusBar: () => statusBar.snapshot(),
    logText: () => log.text(),
    notices: () => notify.notices(),
    embeddings: () => embeddings.status(),
    tools,
    mcp,
    memoirs,
    sessions,
    agents: agents.feature,
    offline: () => ({ file: offline.file, target: offline.target(), ...offline.status() }),
  };
}

export async function deactivate(): Promise<void> {
  // Flushes pending access bumps and closes the connection (a replica's file, a remote's sockets).
  await disposeHost?.();
  disposeHost = undefined;
}
