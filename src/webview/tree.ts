/** Rows of the Memories tree (vscode-tree-item elements), built and updated with text only. */
import type { VscodeTreeItem } from '@vscode-elements/elements/dist/vscode-tree-item/vscode-tree-item.js';
import type { VscodeTree } from '@vscode-elements/elements/dist/vscode-tree/vscode-tree.js';
import type { ImportanceLevel, MemoryItem } from '../shared/protocol';
import { plural } from '../shared/text';
import { el, icon, setText } from './dom';
import type { Rpc } from './rpc';
import type { SavedState } from './state';

/** What the paged parts of the tree (topics, search results) share: the host, the state, the tree. */
export interface RowsHost {
  rpc: Rpc;
  saved: SavedState;
  tree: VscodeTree;
  /** Loads the next page when a "more" row scrolls into view. */
  moreObserver: IntersectionObserver;
}

export type RowKind = 'topic' | 'memory' | 'more' | 'placeholder';

export const IMPORTANCE_ICON: Record<ImportanceLevel, string> = {
  critical: 'flame',
  high: 'arrow-up',
  medium: 'circle-small-filled',
  low: 'arrow-down',
};

export function kindOf(row: Element): RowKind | undefined {
  return (row as HTMLElement).dataset?.kind as RowKind | undefined;
}

function item(kind: RowKind): VscodeTreeItem {
  const row = document.createElement('vscode-tree-item');
  row.dataset.kind = kind;
  return row;
}

export function topicRow(topic: string, count: number): VscodeTreeItem {
  const row = item('topic');
  row.dataset.topic = topic;
  row.title = topic; // a long name is ellipsized in the row
  row.branch = true;
  row.append(
    el('span', { slot: 'icon-branch' }, icon('folder')),
    el('span', { slot: 'icon-branch-opened' }, icon('folder-opened')),
    el('span', { class: 'row-label', text: topic }),
    el('vscode-badge', { slot: 'decoration', attrs: { variant: 'counter', 'aria-hidden': 'true' } }),
  );
  updateTopicRow(row, count);
  return row;
}

export function updateTopicRow(row: VscodeTreeItem, count: number): void {
  setText(row.querySelector('vscode-badge')!, String(count));
  row.setAttribute('aria-label', `${row.dataset.topic}, ${plural(count, 'memory', 'memories')}`);
}

const rendered = new WeakMap<VscodeTreeItem, string>();

export function memoryRow(m: MemoryItem, showTopic: boolean): VscodeTreeItem {
  const row = item('memory');
  row.dataset.id = m.id;
  row.append(el('span', { slot: 'icon-leaf' }), el('span', { class: 'row-label' }));
  if (showTopic) row.append(el('span', { slot: 'description', class: 'row-topic' }));
  updateMemoryRow(row, m);
  return row;
}

export function updateMemoryRow(row: VscodeTreeItem, m: MemoryItem): void {
  const sig = `${m.importance}\u0000${m.label}\u0000${m.topic}`;
  if (rendered.get(row) === sig) return;
  rendered.set(row, sig);
  row.dataset.topic = m.topic;
  row.dataset.importance = m.importance;
  const iconSlot = row.querySelector('[slot="icon-leaf"]')!;
  iconSlot.replaceChildren(icon(IMPORTANCE_ICON[m.importance], `importance importance-${m.importance}`));
  setText(row.querySelector('.row-label')!, m.label);
  const topic = row.querySelector('.row-topic');
  if (topic) setText(topic, m.topic);
  row.setAttribute('aria-label', `${m.label}, ${m.importance} importance${topic ? `, in ${m.topic}` : ''}`);
  row.title = m.label;
}

/** "Load more" at the end of a page; activating it or scrolling it into view loads the next page. */
export function moreRow(text: string): VscodeTreeItem {
  const row = item('more');
  row.classList.add('more-row');
  row.append(el('span', { slot: 'icon-leaf' }, icon('ellipsis')), el('span', { class: 'row-label' }));
  setText(row.querySelector('.row-label')!, text);
  row.setAttribute('aria-label', text);
  return row;
}

export function setMoreText(row: VscodeTreeItem, text: string): void {
  setText(row.querySelector('.row-label')!, text);
  row.setAttribute('aria-label', text);
}

/**
 * The "more" row at the end of a page: made (and watched for scrolling into view) when there is
 * more (`text`), updated in place, or unwatched and dropped when there is not (`text` null).
 */
export function syncMoreRow(
  row: VscodeTreeItem | null,
  text: string | null,
  observer: IntersectionObserver,
  topic?: string,
): VscodeTreeItem | null {
  if (text === null) {
    if (row) observer.unobserve(row);
    return null;
  }
  if (row) {
    setMoreText(row, text);
    // Re-observing makes the observer report the row's state now. WHY: it only reports changes, and
    // a row that stayed in view while the page loaded (scrollbar held at the bottom) has none, so
    // the next page would never load (scroll to the end of 1,000 memories stopped after 100–200).
    observer.unobserve(row);
    observer.observe(row);
    return row;
  }
  const made = moreRow(text);
  if (topic !== undefined) made.dataset.topic = topic;
  observer.observe(made);
  return made;
}

/** Keeps a collapsed topic a branch before its rows are loaded, and says "Loading…" while they are. */
export function placeholderRow(text: string): VscodeTreeItem {
  const row = item('placeholder');
  row.classList.add('placeholder-row');
  row.append(el('span', { class: 'row-label', text }));
  return row;
}

/** Makes the tree-item children of `parent` exactly `desired`, in order, moving as few elements as possible. */
export function reconcile(parent: Element, desired: Element[]): void {
  const keep = new Set(desired);
  for (const c of Array.from(parent.children)) {
    if (c.tagName === 'VSCODE-TREE-ITEM' && !keep.has(c)) c.remove();
  }
  // Under a topic rows go to the item's `children` slot; at the top level to the tree's default slot.
  const slot = parent.tagName === 'VSCODE-TREE' ? '' : 'children';
  for (const d of desired) if ((d as HTMLElement).slot !== slot) (d as HTMLElement).slot = slot;
  let cursor: Element | null = firstRow(parent);
  for (const d of desired) {
    if (d === cursor) {
      cursor = nextRow(cursor);
      continue;
    }
    parent.insertBefore(d, cursor);
  }
}

function firstRow(parent: Element): Element | null {
  let c = parent.firstElementChild;
  while (c && c.tagName !== 'VSCODE-TREE-ITEM') c = c.nextElementSibling;
  return c;
}
function nextRow(e: Element): Element | null {
  let c = e.nextElementSibling;
  while (c && c.tagName !== 'VSCODE-TREE-ITEM') c = c.nextElementSibling;
  return c;
}

export function childRows(parent: Element): VscodeTreeItem[] {
  return Array.from(parent.children).filter((c): c is VscodeTreeItem => c.tagName === 'VSCODE-TREE-ITEM');
}

/** Rows a user can reach with the arrow keys, top to bottom. */
export function visibleRows(tree: Element): VscodeTreeItem[] {
  const out: VscodeTreeItem[] = [];
  const walk = (parent: Element) => {
    for (const r of childRows(parent)) {
      out.push(r);
      if (r.branch && r.open) walk(r);
    }
  };
  walk(tree);
  return out;
}

/**
 * The one row reconcile for memory rows (a topic's page, search results): updates rows in place by
 * id, creates the new ones, forgets the gone ones, and returns them in the items' order.
 */
export function syncMemoryRows(
  rows: Map<string, VscodeTreeItem>,
  items: readonly MemoryItem[],
  showTopic: boolean,
): VscodeTreeItem[] {
  const out: VscodeTreeItem[] = [];
  const ids = new Set<string>();
  for (const m of items) {
    ids.add(m.id);
    let r = rows.get(m.id);
    if (r) updateMemoryRow(r, m);
    else {
      r = memoryRow(m, showTopic);
      rows.set(m.id, r);
    }
    out.push(r);
  }
  for (const id of [...rows.keys()]) if (!ids.has(id)) rows.delete(id);
  return out;
}
