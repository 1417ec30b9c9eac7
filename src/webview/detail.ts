/** The detail pane for one memory. Every value from the store goes in as text. */
import type { MemoryDetail } from '../shared/protocol';
import { el, fullTime, icon, relativeTime } from './dom';
import { IMPORTANCE_ICON } from './tree';

export type DetailAction = 'open' | 'edit' | 'delete' | 'close';

export class DetailView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly body: HTMLElement;
  private readonly buttons: Record<Exclude<DetailAction, 'close'>, HTMLElement>;
  memoryId: string | null = null;

  constructor(onAction: (a: DetailAction, id: string | null) => void) {
    const button = (action: DetailAction, iconName: string, label: string) => {
      const b = el('vscode-toolbar-button', { attrs: { icon: iconName, label, title: label, 'data-action': action } });
      b.addEventListener('click', () => onAction(action, this.memoryId));
      return b;
    };
    this.buttons = {
      open: button('open', 'go-to-file', 'Open memory'),
      edit: button('edit', 'edit', 'Edit memory'),
      delete: button('delete', 'trash', 'Delete memory'),
    };
    this.title = el('h2', { class: 'detail-title', attrs: { id: 'detail-title' } });
    this.body = el('div', { class: 'detail-body' });
    this.root = el(
      'section',
      { class: 'detail', attrs: { id: 'detail', 'aria-labelledby': 'detail-title', hidden: '' } },
      el(
        'div',
        { class: 'detail-head' },
        this.title,
        el(
          'div',
          { class: 'detail-actions', attrs: { role: 'toolbar', 'aria-label': 'Memory actions' } },
          this.buttons.open,
          this.buttons.edit,
          this.buttons.delete,
          button('close', 'close', 'Close details'),
        ),
      ),
      this.body,
    );
    this.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onAction('close', this.memoryId);
      }
    });
    this.sourceClick = (id) => onAction('open', id);
  }

  private sourceClick: (id: string) => void;

  get visible(): boolean {
    return !this.root.hidden;
  }

  hide(): void {
    this.root.hidden = true;
    this.memoryId = null;
  }

  loading(id: string): void {
    if (this.memoryId === id && this.visible) return;
    this.memoryId = id;
    this.root.hidden = false;
    this.title.textContent = 'Loading…';
    this.body.replaceChildren();
  }

  missing(id: string): void {
    this.memoryId = id;
    this.root.hidden = false;
    this.title.textContent = 'Memory not found';
    this.body.replaceChildren(el('p', { class: 'muted', text: 'This memory was deleted or moved out of this store.' }));
    for (const b of Object.values(this.buttons)) b.hidden = true;
  }

  show(m: MemoryDetail): void {
    this.memoryId = m.id;
    this.root.hidden = false;
    for (const b of Object.values(this.buttons)) b.hidden = false;
    const openLabel = m.source ? `Open ${m.source.label}` : 'Open memory as a document';
    this.buttons.open.setAttribute('label', openLabel);
    this.buttons.open.setAttribute('title', openLabel);

    this.title.replaceChildren(
      icon(IMPORTANCE_ICON[m.importance], `importance importance-${m.importance}`),
      el('span', { text: m.topic }),
    );

    const rows: [string, Node][] = [
      ['Importance', el('span', { text: m.importance })],
      ['Weight', el('span', { text: m.weight.toFixed(3) })],
      [
        'Accessed',
        el('span', {
          text: `${m.accessCount} ${m.accessCount === 1 ? 'time' : 'times'}, last ${relativeTime(m.lastAccessed)}`,
          attrs: { title: fullTime(m.lastAccessed) },
        }),
      ],
      ['Created', el('span', { text: relativeTime(m.createdAt), attrs: { title: fullTime(m.createdAt) } })],
    ];
    if (m.updatedAt && m.updatedAt !== m.createdAt)
      rows.push(['Updated', el('span', { text: relativeTime(m.updatedAt), attrs: { title: fullTime(m.updatedAt) } })]);
    if (m.source) {
      const link = el(
        'button',
        { class: 'link', attrs: { type: 'button', title: 'Open the source of this memory' } },
        icon('go-to-file'),
        el('span', { text: m.source.label }),
      );
      const id = m.id;
      link.addEventListener('click', () => this.sourceClick(id));
      rows.push(['Source', link]);
    } else {
      rows.push(['Source', el('span', { text: m.sourceType })]);
    }
    if (m.keywords.length)
      rows.push([
        'Keywords',
        el('span', { class: 'chips' }, ...m.keywords.map((k) => el('span', { class: 'chip', text: k }))),
      ]);
    rows.push(['ID', el('code', { class: 'memory-id', text: m.id })]);

    const dl = el('dl', { class: 'meta' });
    for (const [k, v] of rows) dl.append(el('dt', { text: k }), el('dd', {}, v));

    const parts: Node[] = [el('p', { class: 'summary', text: m.summary }), dl];
    if (m.rawExcerpt !== null) {
      parts.push(el('h3', { text: m.source?.language ? `Excerpt (${m.source.language})` : 'Excerpt' }));
      parts.push(
        el(
          'pre',
          { class: 'excerpt', attrs: { tabindex: '0', 'aria-label': 'Raw excerpt' } },
          el('code', { text: m.rawExcerpt }),
        ),
      );
      if (m.rawExcerptTruncated)
        parts.push(el('p', { class: 'muted', text: 'The excerpt is long; open the memory to see all of it.' }));
    }
    this.body.replaceChildren(...parts);
  }
}
