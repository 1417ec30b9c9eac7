/** The rows of the Memories tree as data (vtree.ts draws them): topics, memories, "more" and placeholder rows. */
import type { ImportanceLevel, MemoryItem } from '../shared/protocol';
import { plural } from '../shared/text';
import type { Rpc } from './rpc';
import type { SavedState } from './state';
import type { TreeRow } from './vtree';

export type { RowKind, TreeRow } from './vtree';

/** What the paged parts of the tree (topics, search results) share. */
export interface RowsHost {
  rpc: Rpc;
  saved: SavedState;
  /** The rows changed (a page landed, a topic opened): draw them again. */
  changed(): void;
}

export const IMPORTANCE_ICON: Record<ImportanceLevel, string> = {
  critical: 'flame',
  high: 'arrow-up',
  medium: 'circle-small-filled',
  low: 'arrow-down',
};

export function topicRow(topic: string, count: number, open: boolean, posinset: number, setsize: number): TreeRow {
  return {
    key: 't:' + topic,
    kind: 'topic',
    level: 1,
    label: topic,
    title: topic, // a long name is ellipsized in the row
    ariaLabel: `${topic}, ${plural(count, 'memory', 'memories')}`,
    icon: open ? 'folder-opened' : 'folder',
    badge: String(count),
    expanded: open,
    posinset,
    setsize,
    topic,
  };
}

export function memoryRow(
  m: MemoryItem,
  level: number,
  showTopic: boolean,
  posinset: number,
  setsize: number,
): TreeRow {
  return {
    key: 'm:' + m.id,
    kind: 'memory',
    level,
    label: m.label,
    title: m.label,
    ariaLabel: `${m.label}, ${m.importance} importance${showTopic ? `, in ${m.topic}` : ''}`,
    icon: IMPORTANCE_ICON[m.importance],
    iconClass: `importance importance-${m.importance}`,
    description: showTopic ? m.topic : undefined,
    posinset,
    setsize,
    topic: m.topic,
    id: m.id,
    importance: m.importance,
  };
}

/** "Load more" at the end of a page; activating it or scrolling it into view loads the next page. */
export function moreRow(
  key: string,
  text: string,
  level: number,
  posinset: number,
  setsize: number,
  topic?: string,
): TreeRow {
  return { key, kind: 'more', level, label: text, ariaLabel: text, icon: 'ellipsis', posinset, setsize, topic };
}

/** "Loading…" under a topic whose rows are on their way, or "No memories match the filters". */
export function placeholderRow(topic: string, text: string): TreeRow {
  return {
    key: 'ph:' + topic,
    kind: 'placeholder',
    level: 2,
    label: text,
    ariaLabel: text,
    icon: text === 'Loading…' ? 'loading' : 'info',
    posinset: 1,
    setsize: 1,
    topic,
  };
}
