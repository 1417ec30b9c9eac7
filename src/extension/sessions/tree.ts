/**
 * The Sessions view (`mnemos.sessions`): past agent sessions, most recently active first, paged
 * (50 at a time, "Load more" for the next page by keyset), each expanding to its messages (100 at a
 * time); on top, the files agents touched most. Nothing is read until the view asks for its rows.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { oneLine, plural } from '../../shared/text';
import type { CodeArea, Message, MnemosStore, SessionCursor, SessionSummary } from '../../store';
import { ago, messageLabel, sessionTitle, shortTime } from './render';

export const SESSIONS_VIEW = 'mnemos.sessions';
export const SESSION_PAGE = 50;
export const MESSAGE_PAGE = 100;
export const TOP_AREAS = 20;

export type SessionNode =
  | { kind: 'session'; session: SessionSummary }
  | { kind: 'message'; message: Message; index: number }
  | { kind: 'more-sessions' }
  | { kind: 'more-messages'; sessionId: string }
  | { kind: 'areas' }
  | { kind: 'area'; area: CodeArea }
  | { kind: 'info'; text: string; icon?: string };

const ROLE_ICON: Record<string, string> = { user: 'account', assistant: 'hubot', system: 'gear', tool: 'tools' };

export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly countEmitter = new vscode.EventEmitter<number | undefined>();
  /** The number of sessions in the store, after each load (undefined when it failed). */
  readonly onDidCount = this.countEmitter.event;

  /** Sessions loaded so far (tests read them), and where the next page starts. */
  sessions: SessionSummary[] = [];
  private next: SessionCursor | null = null;
  private loaded = false;
  private wanted = SESSION_PAGE;
  private readonly messagesWanted = new Map<string, number>();
  private readonly nodes = new Map<string, SessionNode & { kind: 'session' }>();
  /** Statements run to fill the tree (tests check that paging reads one page at a time). */
  reads = 0;

  constructor(private readonly getStore: () => Promise<MnemosStore>) {}

  /** Re-read everything shown (after a change): the same number of sessions, expanded ones keep their messages. */
  refresh(): void {
    this.loaded = false;
    this.changed.fire(undefined);
  }

  /** The next page of sessions, appended (one keyset read). */
  async loadMoreSessions(): Promise<number> {
    if (!this.next) return 0;
    const page = await (await this.getStore()).transcripts.sessionPage({ limit: SESSION_PAGE, after: this.next });
    this.reads++;
    this.sessions.push(...page.items);
    this.next = page.next;
    this.wanted = this.sessions.length;
    this.changed.fire(undefined);
    return page.items.length;
  }

  loadMoreMessages(sessionId: string): void {
    this.messagesWanted.set(sessionId, (this.messagesWanted.get(sessionId) ?? MESSAGE_PAGE) + MESSAGE_PAGE);
    const node = this.nodes.get(sessionId);
    this.changed.fire(node);
  }

  get hasMore(): boolean {
    return this.next !== null;
  }

  private async load(): Promise<void> {
    const t = (await this.getStore()).transcripts;
    const items: SessionSummary[] = [];
    let after: SessionCursor | null = null;
    do {
      const page = await t.sessionPage({ limit: Math.min(1000, this.wanted - items.length), after });
      this.reads++;
      items.push(...page.items);
      after = page.next;
    } while (after && items.length < this.wanted);
    this.sessions = items;
    this.next = after;
    this.loaded = true;
    this.nodes.clear();
    void t.countSessions().then(
      (n) => this.countEmitter.fire(n),
      () => this.countEmitter.fire(undefined),
    );
  }

  async getChildren(element?: SessionNode): Promise<SessionNode[]> {
    try {
      if (!element) {
        if (!this.loaded) await this.load();
        const rows: SessionNode[] = this.sessions.map((session) => {
          let node = this.nodes.get(session.id);
          if (!node || node.session !== session) {
            node = { kind: 'session', session };
            this.nodes.set(session.id, node);
          }
          return node;
        });
        if (this.next) rows.push({ kind: 'more-sessions' });
        return [{ kind: 'areas' }, ...rows];
      }
      if (element.kind === 'session') {
        const id = element.session.id;
        const want = this.messagesWanted.get(id) ?? MESSAGE_PAGE;
        const messages = await (await this.getStore()).transcripts.messages(id, { limit: want + 1 });
        this.reads++;
        const rows: SessionNode[] = messages
          .slice(0, want)
          .map((message, index) => ({ kind: 'message', message, index }));
        if (messages.length > want) rows.push({ kind: 'more-messages', sessionId: id });
        if (!rows.length) rows.push({ kind: 'info', text: 'No messages yet' });
        return rows;
      }
      if (element.kind === 'areas') {
        const areas = await (await this.getStore()).codeAreas.mostTouched({ limit: TOP_AREAS });
        this.reads++;
        return areas.length
          ? areas.map((area) => ({ kind: 'area', area }))
          : [{ kind: 'info', text: 'No file touched by an agent yet' }];
      }
      return [];
    } catch (e) {
      if (!element) this.loaded = false;
      return [{ kind: 'info', text: `Sessions could not be read: ${(e as Error).message}`, icon: 'warning' }];
    }
  }

  getTreeItem(node: SessionNode): vscode.TreeItem {
    switch (node.kind) {
      case 'session': {
        const s = node.session;
        const item = new vscode.TreeItem(sessionTitle(s), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `s:${s.id}`;
        item.description = `${shortTime(s.startedAt)} · ${plural(s.messageCount, 'message')}`;
        item.tooltip = [
          sessionTitle(s),
          `started ${shortTime(s.startedAt)} · last activity ${ago(s.updatedAt)}`,
          plural(s.messageCount, 'message'),
          s.firstPrompt ? `first prompt: ${oneLine(s.firstPrompt, 200)}` : '',
        ]
          .filter(Boolean)
          .join('\n');
        item.contextValue = 'session';
        item.iconPath = new vscode.ThemeIcon('comment-discussion');
        item.accessibilityInformation = {
          label: `Session ${sessionTitle(s)}, started ${shortTime(s.startedAt)}, ${plural(s.messageCount, 'message')}`,
          role: 'treeitem',
        };
        return item;
      }
      case 'message': {
        const m = node.message;
        const item = new vscode.TreeItem(messageLabel(m, 80));
        item.id = `m:${m.id}`;
        item.description = shortTime(m.ts);
        item.tooltip = oneLine(m.content, 500);
        item.iconPath = new vscode.ThemeIcon(ROLE_ICON[m.role] ?? 'comment');
        item.contextValue = 'sessionMessage';
        item.command = {
          command: 'mnemos.openSession',
          title: 'Open Session',
          arguments: [{ id: m.sessionId, messageId: m.id }],
        };
        return item;
      }
      case 'more-sessions': {
        const item = new vscode.TreeItem(`Load ${SESSION_PAGE} more sessions…`);
        item.id = 'more-sessions';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'mnemos.loadMoreSessions', title: 'Load More Sessions' };
        return item;
      }
      case 'more-messages': {
        const item = new vscode.TreeItem(`Load ${MESSAGE_PAGE} more messages…`);
        item.id = `more:${node.sessionId}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'mnemos.loadMoreSessions', title: 'Load More', arguments: [node.sessionId] };
        return item;
      }
      case 'areas': {
        const item = new vscode.TreeItem('Most-touched files', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'areas';
        item.description = 'by agents';
        item.tooltip = 'The files agents edited most often (code areas recorded by the hooks)';
        item.iconPath = new vscode.ThemeIcon('flame');
        return item;
      }
      case 'area': {
        const a = node.area;
        const item = new vscode.TreeItem(oneLine(path.posix.basename(a.filePath), 80));
        item.id = `a:${a.id}`;
        const dir = path.posix.dirname(a.filePath);
        item.description = `${dir === '.' ? '' : `${oneLine(dir, 60)} · `}${a.touchCount}× · ${ago(a.lastTouchedAt)}`;
        item.tooltip = `${oneLine(a.filePath, 300)}\nproject ${oneLine(a.project, 80)}\ntouched ${a.touchCount}× since ${shortTime(a.firstTouchedAt)}, last ${ago(a.lastTouchedAt)}`;
        item.iconPath = vscode.ThemeIcon.File;
        item.resourceUri = vscode.Uri.file(a.filePath.startsWith('/') ? a.filePath : `/${a.filePath}`);
        item.contextValue = 'codeArea';
        item.command = {
          command: 'mnemos.openCodeArea',
          title: 'Open File',
          arguments: [{ project: a.project, filePath: a.filePath }],
        };
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.countEmitter.dispose();
  }
}
