/**
 * What the sidebar says about itself: the error banner (with Retry / Connect…), the recall notice
 * under the search field (why search is keyword-only, with Retry or Open Settings), the status line,
 * and the empty view. Text wraps; a line that must stay one line carries its full text in `title`.
 */
import type { RecallNotice, SidebarCommand, SidebarStatus } from '../shared/protocol';
import { el, icon } from './dom';
import { RequestError } from './rpc';

export class Banner {
  readonly root = el('div', { class: 'banner', attrs: { id: 'banner', role: 'alert', hidden: '' } });

  constructor(private readonly h: { retry(): void; run(command: SidebarCommand): void }) {}

  showError(e: unknown): void {
    const code = e instanceof RequestError ? e.code : 'internal';
    const msg = e instanceof Error ? e.message : 'Something went wrong.';
    this.show(msg, code === 'auth' || code === 'connection');
  }

  hide(): void {
    this.root.hidden = true;
    delete this.root.dataset.kind;
  }

  private show(message: string, offerConnect: boolean): void {
    const retry = button('Retry', true, () => this.h.retry());
    const actions = el('div', { class: 'banner-actions' }, retry);
    if (offerConnect) actions.prepend(button('Connect…', false, () => this.h.run('connect')));
    this.root.dataset.kind = offerConnect ? 'disconnected' : 'error';
    this.root.replaceChildren(el('p', {}, icon('warning'), el('span', { class: 'message', text: message })), actions);
    this.root.hidden = false;
  }
}

/** Why search is keyword-only, shown with search results; its button retries the model or opens settings. */
export class RecallNote {
  readonly root = el('div', { class: 'note', attrs: { id: 'note', role: 'status', hidden: '' } });
  private shown = '';

  constructor(private readonly h: { retry(): Promise<void>; run(command: SidebarCommand): void }) {}

  set(notice: RecallNotice | undefined): void {
    const key = notice ? `${notice.reason}\u0000${notice.text}\u0000${notice.action ?? ''}` : '';
    if (key === this.shown) return;
    this.shown = key;
    this.root.hidden = !notice;
    if (!notice) {
      this.root.replaceChildren();
      return;
    }
    this.root.dataset.reason = notice.reason;
    const parts: Node[] = [
      icon(notice.action === 'retry' ? 'warning' : 'info'),
      el('span', { class: 'message', text: notice.text }),
    ];
    if (notice.action === 'retry') {
      const b = button('Retry', true, async () => {
        b.setAttribute('disabled', '');
        b.textContent = 'Retrying…';
        await this.h.retry().finally(() => {
          b.removeAttribute('disabled');
          b.textContent = 'Retry';
        });
      });
      b.dataset.action = 'retry';
      parts.push(b);
    } else if (notice.action === 'settings') {
      const b = button('Open Settings', true, () => this.h.run('embeddingSettings'));
      b.dataset.action = 'settings';
      parts.push(b);
    }
    this.root.replaceChildren(...parts);
  }
}

/** The line at the bottom: the store's mode, whether it is reachable, and whether search is keyword-only. */
export class StatusLine {
  readonly root = el('div', { class: 'status-line', attrs: { id: 'status-line' } });

  /**
   * A store opens on first use, so "not connected" is normal for a moment at start. Real failures
   * come back as request errors and get the banner.
   */
  set(s: SidebarStatus): void {
    const parts = [s.mode];
    if (!s.connected) parts.push('not connected');
    if (s.keywordOnly) parts.push('keyword search only');
    const text = parts.join(' · ');
    const where = s.connected ? 'Connected to the memory store' : 'Not connected to the memory store';
    this.root.replaceChildren(
      icon(s.connected ? 'database' : 'debug-disconnect'),
      el('span', { class: 'message', text }),
    );
    // The title adds the reason search is keyword-only, in words.
    this.root.title = [
      text,
      where + '.',
      s.keywordOnly ? (s.recall?.text ?? 'Search is keyword-only.') : 'Search: keywords and meaning.',
    ].join('\n');
  }
}

export interface EmptyHost {
  run(command: SidebarCommand): void;
  clearFilters(): void;
}

/** No rows: a welcome for an empty store, or a way out of filters that match nothing. */
export function renderEmpty(root: HTMLElement, filtered: false | 'search' | 'filters', h: EmptyHost): void {
  if (filtered) {
    root.replaceChildren(
      el('p', {
        class: 'empty-title',
        text: filtered === 'search' ? 'No memories match your search.' : 'No memories match these filters.',
      }),
      button('Clear search and filters', true, () => h.clearFilters()),
    );
    return;
  }
  const save = button('Save a Memory…', false, () => h.run('saveMemory'));
  save.dataset.command = 'saveMemory';
  const connect = button('Connect to a Team Store…', true, () => h.run('connect'));
  connect.dataset.command = 'connect';
  root.replaceChildren(
    el('p', { class: 'empty-title', text: 'No memories yet' }),
    el('p', {
      text: 'Select code or text in an editor, right-click it and choose “Save Selection as Memory”. Or save a note now:',
    }),
    save,
    el('p', { text: 'Your agents can save memories too, through the Mnemos tools and MCP server.' }),
    el('p', {
      text: 'Working with a team? Point Mnemos at a shared libSQL or Turso database to see everyone’s memories.',
    }),
    connect,
  );
}

function button(label: string, secondary: boolean, onClick: () => unknown): HTMLElement {
  const b = el('vscode-button', secondary ? { attrs: { secondary: '' } } : {}, el('span', { text: label }));
  b.addEventListener('click', () => void onClick());
  return b;
}
