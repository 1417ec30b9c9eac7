/**
 * Agent sessions and code areas in VS Code: the Sessions view, `mnemos-session:` documents, Search
 * Sessions, Delete Session, and the file CodeLens (../codeAreas). `registerSessions(services)` wires
 * all of it; the returned object is disposed with the extension and exposes its parts to tests.
 *
 * Following changes: on a local file the change watcher's event covers every writer (data_version);
 * the memories marker does not see these tables on a remote or replica, so while the view or a lens
 * is showing, a `MarkerMonitor` also polls the transcript and code-area markers there. Either way
 * the tree re-reads only when those markers moved, not on every memory change.
 */
import * as vscode from 'vscode';
import { InvalidInputError, NotFoundError } from '../../store';
import { createFileLens, lensEnabled, openCodeArea, showFileMemories } from '../codeAreas';
import type { FileLensProvider } from '../codeAreas/lens';
import { LENS_SETTING } from '../codeAreas/lens';
import { Cancelled, options, stringOpt } from '../commands/args';
import { MarkerMonitor } from '../markerMonitor';
import type { Services } from '../services';
import { SECTION } from '../settings';
import { SESSION_SCHEME, SessionDocumentProvider, sessionUri } from './document';
import { DOC_PAGE, sessionTitle } from './render';
import { SessionSearch } from './search';
import { type SessionNode, SESSIONS_VIEW, SessionsTreeProvider } from './tree';
import { plural } from '../../shared/text';

export interface SessionsFeature extends vscode.Disposable {
  readonly tree: SessionsTreeProvider;
  readonly view: vscode.TreeView<SessionNode>;
  readonly docs: SessionDocumentProvider;
  readonly search: SessionSearch;
  readonly lens: FileLensProvider;
  /** Check the transcript and code-area markers now (tests; after our own writes). */
  checkActivity(): Promise<boolean>;
}

function sessionIdFrom(args: unknown[]): string | undefined {
  const a = args[0];
  if (typeof a === 'string' && a.trim()) return a;
  if (a && typeof a === 'object' && (a as SessionNode).kind === 'session')
    return (a as SessionNode & { kind: 'session' }).session.id;
  return stringOpt(options(args), 'id') ?? stringOpt(options(args), 'sessionId');
}

type Handler = (...args: unknown[]) => Promise<unknown>;

export function registerSessions(s: Services): SessionsFeature {
  const tree = new SessionsTreeProvider(() => s.store());
  const docs = new SessionDocumentProvider(() => s.store());
  const search = new SessionSearch(() => s.store(), s.log);
  const lens = createFileLens(s);
  const view = vscode.window.createTreeView(SESSIONS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const looking = () => view.visible || (lensEnabled() && vscode.window.visibleTextEditors.length > 0);
  const activity = new MarkerMonitor(
    s,
    'sessions',
    async (st) => `${await st.transcripts.changeMarker()}|${await st.codeAreas.changeMarker()}`,
    looking,
  );

  const changed = () => {
    tree.refresh();
    docs.refreshOpen();
    lens.invalidate();
  };

  const openSession: Handler = async (...args) => {
    let id = sessionIdFrom(args);
    let messageId = stringOpt(options(args), 'messageId');
    if (!id) {
      const picked = await search.pick();
      if (!picked) throw new Cancelled();
      id = picked.sessionId;
      messageId = picked.messageId;
    }
    const t = (await s.store()).transcripts;
    let start = 0;
    if (messageId) {
      const pos = await t.messagePosition(id, messageId);
      if (pos === null) throw new NotFoundError(`no message ${messageId} in session ${id}`);
      start = pos - (pos % DOC_PAGE);
    } else if (!(await t.getSession(id))) {
      throw new NotFoundError(`no session with id ${id} (it may have been deleted)`);
    }
    const uri = sessionUri(id, start);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: true });
    const line = messageId ? docs.lineOf(uri, messageId) : undefined;
    if (line !== undefined) {
      const pos = new vscode.Position(line, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.AtTop);
    }
    return { uri: uri.toString(), line };
  };

  const searchSessions: Handler = async (...args) => {
    const o = options(args);
    const query = typeof args[0] === 'string' ? args[0] : stringOpt(o, 'query');
    if (query !== undefined && o.pick !== true) {
      // With a query: the hits, no UI (tests, keybindings, other extensions).
      const items = await search.items(await s.store(), query);
      return items.map((i) => ({ sessionId: i.sessionId, messageId: i.messageId, label: i.label }));
    }
    const picked = await search.pick(query ?? '');
    if (!picked) throw new Cancelled();
    return openSession({ id: picked.sessionId, messageId: picked.messageId });
  };

  const deleteSession: Handler = async (...args) => {
    const id = sessionIdFrom(args);
    if (!id) throw new InvalidInputError('which session? Pass its id, or use the Sessions view');
    const t = (await s.store()).transcripts;
    const summary = await t.sessionSummary(id);
    if (!summary) throw new NotFoundError(`no session with id ${id} (it may have been deleted)`);
    if (options(args).confirmed !== true) {
      const answer = await vscode.window.showWarningMessage(
        `Delete the session "${sessionTitle(summary)}" and its ${plural(summary.messageCount, 'message')}?`,
        {
          modal: true,
          detail: 'The transcript is removed from the store for every tool that reads it. This cannot be undone.',
        },
        'Delete',
      );
      if (answer !== 'Delete') throw new Cancelled();
    }
    const r = await t.forgetSession(id);
    await activity.check();
    changed();
    return r;
  };

  const commands: Record<string, Handler> = {
    'mnemos.openSession': openSession,
    'mnemos.searchSessions': searchSessions,
    'mnemos.deleteSession': deleteSession,
    'mnemos.refreshSessions': () => Promise.resolve(changed()),
    'mnemos.loadMoreSessions': async (sessionId) => {
      if (typeof sessionId === 'string') return tree.loadMoreMessages(sessionId);
      return tree.loadMoreSessions();
    },
    'mnemos.showFileMemories': (...args) => showFileMemories(s, lens, ...args),
    'mnemos.openCodeArea': (...args) => openCodeArea(s, ...args),
  };

  const updateDescription = (n: number | undefined) => {
    view.description = n === undefined ? undefined : plural(n, 'session');
    view.message =
      n === 0
        ? 'No agent sessions yet. Connect an agent (mnemos init): its hooks record sessions and the files it edits.'
        : undefined;
  };

  const disposables: vscode.Disposable[] = [
    tree,
    view,
    docs,
    lens,
    activity,
    tree.onDidCount(updateDescription),
    vscode.workspace.registerTextDocumentContentProvider(SESSION_SCHEME, docs),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lens),
    // Memories changed (lens counts), or on a local file any writer wrote: see whether sessions did.
    s.watcher.onDidChange(() => {
      lens.invalidate();
      void activity.check();
    }),
    activity.onDidChange(changed),
    s.host.onDidChangeStore(() => activity.reset()),
    s.host.onDidOpen(() => {
      void activity.check();
      activity.schedule();
    }),
    view.onDidChangeVisibility((e) => e.visible && activity.schedule()),
    vscode.window.onDidChangeVisibleTextEditors(() => activity.schedule()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.${LENS_SETTING}`)) lens.invalidate();
    }),
    ...Object.entries(commands).map(([id, fn]) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          if (e instanceof Cancelled) return undefined;
          const retry = () => vscode.commands.executeCommand(id, ...args);
          if (s.offline.isOffline(e)) s.offline.reportOffline(e, retry);
          else s.notify.report(e, { what: id, opening: s.isOpenError(e), retry });
          return undefined;
        }
      }),
    ),
  ];
  return {
    tree,
    view,
    docs,
    search,
    lens,
    checkActivity: () => activity.check(),
    dispose: () => {
      for (const d of disposables.reverse()) d.dispose();
    },
  };
}
