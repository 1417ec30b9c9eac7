/**
 * The Memories tree: one flat list of rows (topics, their memories, "more" rows, each with a level),
 * of which only the rows in view (plus a margin) are in the DOM. The ARIA tree pattern: role=tree and
 * treeitem, aria-level/-expanded/-setsize/-posinset/-selected, one tab stop (roving tabindex).
 *
 * WHY not vscode-tree: every row appended under a vscode-tree-item re-rendered every row of the tree
 * (docs/BENCHMARKS.md), so a 1,000-memory topic never reached its end in the workbench; here a page of
 * rows costs an array, and the DOM holds ~60 rows whatever is loaded. Memory text goes in with
 * textContent only (dom.ts).
 */
import { el, icon, setText } from './dom';

export type RowKind = 'topic' | 'memory' | 'more' | 'placeholder';

export interface TreeRow {
  /** Unique in the list: `t:<topic>`, `m:<id>`, `more:<topic>` (`more:` = topics / results), `ph:<topic>`. */
  key: string;
  kind: RowKind;
  /** 1 = top level. */
  level: number;
  label: string;
  ariaLabel: string;
  title?: string;
  /** A codicon name. */
  icon: string;
  iconClass?: string;
  /** Drawn after the label, dimmed (search results: the topic). */
  description?: string;
  /** A count at the end of the row (topics). */
  badge?: string;
  /** Topic rows: open or closed. */
  expanded?: boolean;
  posinset: number;
  setsize: number;
  topic?: string;
  id?: string;
  importance?: string;
}

export const ROW_HEIGHT = 22;
const INDENT = 12;
/** Rows drawn beyond each edge of the view. */
const OVERSCAN = 12;
/**
 * A "more" row within this many view heights below the view loads its page, so the next page's round
 * trip overlaps the scrolling (a lookahead of 200 px made the end of 1,000 memories wait for each
 * page in turn: 1.9 s in the workbench, docs/BENCHMARKS.md).
 */
const MORE_AHEAD_VIEWS = 3;

export interface VirtualTreeHost {
  /** Click, Enter or Space on a row; `how` tells a pointer from a key. */
  activate(row: TreeRow, how: 'pointer' | 'key'): void;
  /** Open or close a topic (→/← and clicks on a topic). */
  toggle(row: TreeRow, open: boolean): void;
  /** A "more" row is in view (or about to be): load its page. Called again after every render. */
  moreInView(row: TreeRow): void;
  keydown(e: KeyboardEvent, row: TreeRow | undefined): void;
  dblclick(row: TreeRow): void;
}

export class VirtualTree {
  readonly root: HTMLElement;
  private rows: TreeRow[] = [];
  private readonly index = new Map<string, number>();
  private readonly els = new Map<string, HTMLElement>();
  private readonly drawn = new WeakMap<HTMLElement, TreeRow>();
  /** The row that takes Tab (and has focus while the tree has it). */
  private activeKey: string | null = null;
  private selectedKey: string | null = null;
  private frame = 0;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly h: VirtualTreeHost,
  ) {
    this.root = el('div', { class: 'vtree', attrs: { id: 'tree', role: 'tree', 'aria-label': 'Memories by topic' } });
    scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
    this.root.addEventListener('click', (e) => this.onClick(e));
    this.root.addEventListener('dblclick', (e) => {
      const row = this.rowOf(e.target);
      if (row) this.h.dblclick(row);
    });
    this.root.addEventListener('keydown', (e) => this.h.keydown(e, this.focusedRow()));
    this.root.addEventListener('focusin', (e) => {
      const row = this.rowOf(e.target);
      if (row && row.key !== this.activeKey) this.setActive(row.key);
    });
  }

  // ------------------------------------------------------------------------------------ model

  /**
   * The whole list, top to bottom. Rows whose key stays keep their element; if the focused row went
   * away (deleted), focus goes to the row that took its place.
   */
  setRows(rows: TreeRow[]): void {
    const focusedKey = this.focusedKey();
    const focusedAt = focusedKey !== null ? (this.index.get(focusedKey) ?? 0) : -1;
    this.rows = rows;
    this.index.clear();
    rows.forEach((r, i) => this.index.set(r.key, i));
    this.root.style.height = `${rows.length * ROW_HEIGHT}px`;
    let refocus: string | null = null;
    if (focusedKey !== null && !this.index.has(focusedKey) && rows.length)
      refocus = rows[Math.min(focusedAt, rows.length - 1)].key;
    if (refocus) this.activeKey = refocus;
    else if (this.activeKey === null || !this.index.has(this.activeKey))
      this.activeKey =
        this.selectedKey !== null && this.index.has(this.selectedKey) ? this.selectedKey : (rows[0]?.key ?? null);
    this.render();
    if (refocus) this.focusKey(refocus);
  }

  all(): readonly TreeRow[] {
    return this.rows;
  }

  row(key: string): TreeRow | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.rows[i];
  }

  indexOf(key: string): number {
    return this.index.get(key) ?? -1;
  }

  /** The selected row's key (`aria-selected`), kept across renders whether or not it is shown. */
  setSelected(key: string | null): void {
    if (key === this.selectedKey) return;
    this.selectedKey = key;
    this.render();
  }

  get selected(): string | null {
    return this.selectedKey;
  }

  /** While focus is elsewhere, Tab comes back to the selected row (restored state, details closed). */
  tabStopToSelected(): void {
    if (this.focusedKey() !== null || this.selectedKey === null || !this.index.has(this.selectedKey)) return;
    this.setActive(this.selectedKey);
  }

  // ------------------------------------------------------------------------------------ focus

  focusedKey(): string | null {
    const a = document.activeElement as HTMLElement | null;
    return a && a.parentElement === this.root ? (a.dataset.key ?? null) : null;
  }

  focusedRow(): TreeRow | undefined {
    const k = this.focusedKey();
    return k === null ? undefined : this.row(k);
  }

  /** The row that takes Tab now. */
  get active(): string | null {
    return this.activeKey;
  }

  /** Scrolls the row into view, makes it the tab stop and focuses it. */
  focusKey(key: string): void {
    const i = this.index.get(key);
    if (i === undefined) return;
    this.reveal(i);
    this.setActive(key);
    this.els.get(key)?.focus({ preventScroll: true });
  }

  private setActive(key: string): void {
    if (this.activeKey === key) return;
    this.activeKey = key;
    this.render();
  }

  /** Scrolls just enough for row `i` to be in view. */
  private reveal(i: number): void {
    const top = i * ROW_HEIGHT + this.root.offsetTop;
    const s = this.scroller;
    if (top < s.scrollTop) s.scrollTop = top;
    else if (top + ROW_HEIGHT > s.scrollTop + s.clientHeight) s.scrollTop = top + ROW_HEIGHT - s.clientHeight;
    this.render();
  }

  /** Rows that fit in the view (PageUp/PageDown). */
  pageRows(): number {
    return Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
  }

  // ----------------------------------------------------------------------------------- render

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws the rows in view (and the tab stop, wherever it is), reusing elements by key. */
  render(): void {
    const n = this.rows.length;
    const top = this.scroller.scrollTop - this.root.offsetTop;
    const height = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const want: number[] = [];
    for (let i = first; i <= last; i++) want.push(i);
    const a = this.activeKey !== null ? this.index.get(this.activeKey) : undefined;
    if (a !== undefined && (a < first || a > last)) {
      if (a < first) want.unshift(a);
      else want.push(a);
    }
    const keep = new Set<string>();
    for (const i of want) keep.add(this.rows[i].key);
    for (const [k, e] of this.els)
      if (!keep.has(k)) {
        e.remove();
        this.els.delete(k);
      }
    let cursor = this.root.firstElementChild;
    for (const i of want) {
      const row = this.rows[i];
      let e = this.els.get(row.key);
      if (!e) {
        e = el('div', { class: 'row', attrs: { role: 'treeitem' } });
        this.els.set(row.key, e);
      }
      this.draw(e, row, i);
      if (e === cursor) cursor = cursor.nextElementSibling;
      else this.root.insertBefore(e, cursor);
    }
    // Every "more" row in view or about to be loads its page; checked after each render, so a row held
    // in view while its page loaded (scrollbar at the bottom) asks again once the page is in.
    const aheadLast = Math.min(n - 1, Math.ceil((top + height * (1 + MORE_AHEAD_VIEWS)) / ROW_HEIGHT));
    for (let i = Math.max(0, Math.floor(top / ROW_HEIGHT)); i <= aheadLast; i++)
      if (this.rows[i].kind === 'more') this.h.moreInView(this.rows[i]);
  }

  private draw(e: HTMLElement, row: TreeRow, i: number): void {
    const y = `${i * ROW_HEIGHT}px`;
    if (e.style.top !== y) e.style.top = y;
    setAttr(e, 'data-index', String(i));
    setAttr(e, 'tabindex', row.key === this.activeKey ? '0' : '-1');
    setAttr(e, 'aria-selected', row.key === this.selectedKey ? 'true' : 'false');
    e.classList.toggle('selected', row.key === this.selectedKey);
    if (this.drawn.get(e) === row) return;
    const old = this.drawn.get(e);
    this.drawn.set(e, row);
    if (old && sameRow(old, row)) return;
    e.dataset.key = row.key;
    e.dataset.kind = row.kind;
    setData(e, 'topic', row.topic);
    setData(e, 'id', row.id);
    setData(e, 'importance', row.importance);
    e.className = `row row-${row.kind}${row.key === this.selectedKey ? ' selected' : ''}`;
    setAttr(e, 'aria-level', String(row.level));
    setAttr(e, 'aria-setsize', String(row.setsize));
    setAttr(e, 'aria-posinset', String(row.posinset));
    setAttr(e, 'aria-label', row.ariaLabel);
    setAttr(e, 'aria-expanded', row.expanded === undefined ? null : String(row.expanded));
    setAttr(e, 'title', row.title ?? null);
    e.style.paddingLeft = `${4 + (row.level - 1) * INDENT}px`;
    if (!old || old.kind !== row.kind || old.icon !== row.icon || old.iconClass !== row.iconClass) {
      const twistie =
        row.kind === 'topic'
          ? icon(row.expanded ? 'chevron-down' : 'chevron-right', 'twistie')
          : el('span', { class: 'twistie' });
      e.replaceChildren(
        twistie,
        icon(row.icon, `row-icon${row.iconClass ? ' ' + row.iconClass : ''}`),
        el('span', { class: 'row-label' }),
      );
    } else if (row.kind === 'topic' && old.expanded !== row.expanded) {
      e.firstElementChild!.className = `codicon codicon-${row.expanded ? 'chevron-down' : 'chevron-right'} twistie`;
    }
    setText(e.querySelector('.row-label')!, row.label);
    syncSpan(e, 'row-topic', row.description);
    syncSpan(e, 'badge', row.badge);
  }

  // ----------------------------------------------------------------------------------- events

  private rowOf(target: EventTarget | null): TreeRow | undefined {
    const e = (target as Element | null)?.closest?.<HTMLElement>('.row');
    return e && e.parentElement === this.root ? this.row(e.dataset.key ?? '') : undefined;
  }

  private onClick(e: MouseEvent): void {
    const row = this.rowOf(e.target);
    if (!row) return;
    this.setActive(row.key);
    this.els.get(row.key)?.focus({ preventScroll: true });
    this.h.activate(row, 'pointer');
  }
}

function sameRow(a: TreeRow, b: TreeRow): boolean {
  return (
    a.key === b.key &&
    a.kind === b.kind &&
    a.level === b.level &&
    a.label === b.label &&
    a.ariaLabel === b.ariaLabel &&
    a.title === b.title &&
    a.icon === b.icon &&
    a.iconClass === b.iconClass &&
    a.description === b.description &&
    a.badge === b.badge &&
    a.expanded === b.expanded &&
    a.posinset === b.posinset &&
    a.setsize === b.setsize &&
    a.topic === b.topic &&
    a.id === b.id &&
    a.importance === b.importance
  );
}

function setAttr(e: Element, name: string, v: string | null): void {
  if (v === null) {
    if (e.hasAttribute(name)) e.removeAttribute(name);
  } else if (e.getAttribute(name) !== v) e.setAttribute(name, v);
}

function setData(e: HTMLElement, name: string, v: string | undefined): void {
  if (v === undefined) delete e.dataset[name];
  else if (e.dataset[name] !== v) e.dataset[name] = v;
}

/** The optional trailing span (description, badge): made, updated or dropped. */
function syncSpan(row: HTMLElement, cls: string, text: string | undefined): void {
  let s = row.querySelector<HTMLElement>(`:scope > .${cls}`);
  if (text === undefined) {
    s?.remove();
    return;
  }
  if (!s) {
    s = el('span', { class: cls });
    if (cls === 'badge') s.setAttribute('aria-hidden', 'true');
    row.append(s);
  }
  setText(s, text);
  // The description sits right after the label, the badge at the end.
  if (cls === 'row-topic') row.querySelector('.row-label')!.after(s);
}
