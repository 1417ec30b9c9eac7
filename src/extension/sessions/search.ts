/**
 * Mnemos: Search Sessions… — a quick pick that searches every session's messages as you type
 * (messages_fts through `transcripts.search`, whose query language is rebuilt so no text is an
 * FTS5 error); with nothing typed, the most recent sessions. Stale answers are dropped.
 */
import * as vscode from 'vscode';
import { oneLine, plural } from '../../shared/text';
import type { MnemosStore } from '../../store';
import { messageOf } from '../notify';
import { escapeIcons, sessionTitle, shortTime, snippet } from './render';

export interface SessionPickItem extends vscode.QuickPickItem {
  sessionId: string;
  messageId?: string;
}

export const SEARCH_LIMIT = 50;
const DEBOUNCE_MS = 120;

export class SessionSearch {
  /** The open picker (tests type into it through `setValue`). */
  active: { qp: vscode.QuickPick<SessionPickItem>; setValue(v: string): void; searches: number } | undefined;

  constructor(
    private readonly getStore: () => Promise<MnemosStore>,
    private readonly log: { error(m: string, e: unknown): void; redact(s: string): string },
  ) {}

  async items(store: MnemosStore, query: string): Promise<SessionPickItem[]> {
    const t = store.transcripts;
    if (!query.trim()) {
      const { items } = await t.sessionPage({ limit: 30 });
      return items.map((s) => ({
        label: escapeIcons(s.firstPrompt ? oneLine(s.firstPrompt, 100) : sessionTitle(s)),
        description: escapeIcons(`${sessionTitle(s)} · ${plural(s.messageCount, 'message')}`),
        detail: `session · started ${shortTime(s.startedAt)}`,
        sessionId: s.id,
        alwaysShow: true,
      }));
    }
    const hits = await t.search(query, { limit: SEARCH_LIMIT });
    return hits.map((h) => ({
      label: escapeIcons(snippet(h.message.content, query) || '(empty)'),
      description: escapeIcons(
        `${h.message.role}${h.message.toolName ? ` (${oneLine(h.message.toolName, 40)})` : ''} · ${sessionTitle(h.session)}`,
      ),
      detail: shortTime(h.message.ts),
      sessionId: h.session.id,
      messageId: h.message.id,
      alwaysShow: true, // the store already matched; the quick pick must not filter again
    }));
  }

  /** Shows the picker; resolves with the picked session (and message), or undefined. */
  async pick(initial = ''): Promise<SessionPickItem | undefined> {
    const store = await this.getStore();
    const qp = vscode.window.createQuickPick<SessionPickItem>();
    qp.title = 'Mnemos: Search Sessions';
    const placeholder = 'Search agent sessions (words, "a phrase", prefix*, OR, NOT, role:user)';
    qp.placeholder = placeholder;
    qp.matchOnDescription = false;
    qp.matchOnDetail = false;
    let seq = 0;
    let timer: NodeJS.Timeout | undefined;
    const run = async (q: string) => {
      const mine = ++seq;
      qp.busy = true;
      try {
        const items = await this.items(store, q);
        if (mine !== seq) return;
        qp.items = items;
        qp.placeholder = items.length || !q.trim() ? placeholder : 'No message matches';
        state.searches++;
      } catch (e) {
        if (mine === seq) {
          qp.items = [];
          qp.placeholder = `Search failed: ${this.log.redact(messageOf(e))}`;
          this.log.error('searching sessions failed', e);
        }
      } finally {
        if (mine === seq) qp.busy = false;
      }
    };
    const state = {
      qp,
      searches: 0,
      setValue: (v: string) => {
        qp.value = v;
        void run(v);
      },
    };
    this.active = state;
    qp.onDidChangeValue((v) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void run(v), DEBOUNCE_MS);
    });
    qp.value = initial;
    void run(initial);
    const picked = await new Promise<SessionPickItem | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    if (timer) clearTimeout(timer);
    if (this.active === state) this.active = undefined;
    qp.dispose();
    return picked;
  }
}
