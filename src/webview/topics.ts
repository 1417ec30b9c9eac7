/**
 * Browse mode: the topic rows and, under each open topic, its memories in keyset pages ("Load more"
 * and scrolling fetch the next one). Collapsed topics forget their rows; they are re-read when opened.
 */
import type { VscodeTreeItem } from '@vscode-elements/elements/dist/vscode-tree-item/vscode-tree-item.js';
import { LIMITS, type MemoryItem, type Result, type TopicInfo } from '../shared/protocol';
import { plural } from '../shared/text';
import {
  placeholderRow,
  reconcile,
  type RowsHost,
  setMoreText,
  syncMemoryRows,
  syncMoreRow,
  topicRow,
  updateTopicRow,
} from './tree';

const PAGE = 100;
/** The next page is as big as what is shown (100, 100, 200, 400, …, ≤ 1,000): the end of 1,000 rows in 5 round trips, not 10. */
const nextPageSize = (shown: number) => Math.min(LIMITS.pageMax, Math.max(PAGE, shown));
/** Topic rows drawn at first (3,000 tree items took ~10 s to paint); "Show more topics" adds as many again. */
const TOPIC_PAGE = 200;
/** Rows per topic re-read on a refresh or a restore; beyond that a refresh starts the topic over. */
const RELOAD_CAP = 5000;

export interface TopicNode {
  topic: string;
  count: number;
  row: VscodeTreeItem;
  items: MemoryItem[];
  rows: Map<string, VscodeTreeItem>;
  nextCursor: string | null;
  loaded: boolean;
  gen: number;
  loading: Promise<void> | null;
  more: VscodeTreeItem | null;
  placeholder: VscodeTreeItem;
}

export interface PagerHost extends RowsHost {
  showError(e: unknown): void;
  /** A topic's rows changed outside a refresh (opened, next page): selection and tab stop follow. */
  rowsChanged(): void;
}

export class TopicPager {
  readonly nodes = new Map<string, TopicNode>();
  /** The "Show more topics" row after the first TOPIC_PAGE topics, while more are left. */
  topicsMore: VscodeTreeItem | null = null;
  private topicLimit = TOPIC_PAGE;
  private visible: TopicInfo[] = [];

  constructor(private readonly h: PagerHost) {}

  private get state() {
    return this.h.saved.ui;
  }

  /** Topics the refresh re-reads rows for: the open ones, and the one the topic filter shows. */
  expandedTopics(): string[] {
    const out = Object.keys(this.state.expanded);
    if (this.state.topic && !out.includes(this.state.topic)) out.push(this.state.topic);
    return out;
  }

  /** Shows `visible` as the tree's rows at once; the returned promise settles when open topics have their rows. */
  render(all: TopicInfo[], prefetched: Map<string, Promise<Result<'list'>>>): Promise<void> {
    this.visible = all;
    const visible = all.slice(0, this.topicLimit);
    const seen = new Set<string>();
    const rows: VscodeTreeItem[] = [];
    for (const t of visible) {
      seen.add(t.topic);
      let node = this.nodes.get(t.topic);
      if (!node) {
        node = newTopicNode(t);
        this.nodes.set(t.topic, node);
      } else if (node.count !== t.count) {
        node.count = t.count;
        updateTopicRow(node.row, t.count);
      }
      rows.push(node.row);
    }
    for (const k of [...this.nodes.keys()]) if (!seen.has(k)) this.nodes.delete(k);
    const left = all.length - visible.length;
    this.topicsMore = syncMoreRow(
      this.topicsMore,
      left > 0 ? `Show more topics (${plural(left, 'topic')} not shown)` : null,
      this.h.moreObserver,
    );
    if (this.topicsMore) rows.push(this.topicsMore);
    reconcile(this.h.tree, rows);
    const loads: Promise<void>[] = [];
    for (const t of visible) {
      const node = this.nodes.get(t.topic)!;
      if (this.isExpanded(t.topic)) {
        if (!node.row.open) node.row.open = true;
        const p = this.load(node, prefetched.get(t.topic)).finally(() => {
          if (node.loading === p) node.loading = null;
        });
        node.loading = p;
        loads.push(p);
      } else {
        if (node.row.open) node.row.open = false;
        if (node.loaded) this.unload(node);
      }
    }
    return Promise.all(loads).then(() => undefined);
  }

  /** A topic's first rows: as many as were shown (pages of ≤ 1,000), so a refresh keeps the scroll position. */
  async requestFirstRows(topic: string): Promise<Result<'list'>> {
    const shown = this.nodes.get(topic)?.items.length ?? 0;
    const want = Math.min(RELOAD_CAP, Math.max(PAGE, shown, this.state.expanded[topic] ?? 0));
    const importance = this.h.saved.importanceLevels();
    const items: MemoryItem[] = [];
    let cursor: string | null = null;
    do {
      const limit = Math.min(LIMITS.pageMax, want - items.length);
      const page: Result<'list'> = await this.h.rpc.request('list', { topic, cursor, limit, importance });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < want);
    return { items, nextCursor: cursor };
  }

  /** The tree's `open` attribute changed on a topic row (click, Enter, →). */
  openChanged(row: VscodeTreeItem): void {
    const topic = row.dataset.topic!;
    const node = this.nodes.get(topic);
    if (!node || node.row !== row) return;
    if (row.open) {
      if (!Object.prototype.hasOwnProperty.call(this.state.expanded, topic)) this.state.expanded[topic] = 0;
      this.ensureLoaded(node);
    } else {
      delete this.state.expanded[topic];
    }
    this.h.saved.save();
  }

  /** Loaded pages were read under the old filter. */
  unloadAll(): void {
    for (const n of this.nodes.values()) if (n.loaded) this.unload(n);
  }

  /** The memory row with this id in any loaded topic. */
  memoryRow(id: string): VscodeTreeItem | undefined {
    for (const n of this.nodes.values()) {
      const r = n.rows.get(id);
      if (r) return r;
    }
    return undefined;
  }

  /** "Show more topics": draws the next TOPIC_PAGE topic rows; resolves to the first new one. */
  async moreTopics(): Promise<VscodeTreeItem | undefined> {
    const first = this.visible[this.topicLimit]?.topic;
    this.topicLimit += TOPIC_PAGE;
    await this.render(this.visible, new Map());
    return first === undefined ? undefined : this.nodes.get(first)?.row;
  }

  /** Loads the next page of the topic this "Load more" row ends; resolves to the first new row. */
  async loadMore(row: VscodeTreeItem): Promise<VscodeTreeItem | undefined> {
    const node = this.nodes.get(row.dataset.topic ?? '');
    if (!node || !node.nextCursor || node.loading) return;
    const gen = node.gen;
    let first: VscodeTreeItem | undefined;
    node.loading = (async () => {
      const importance = this.h.saved.importanceLevels();
      const page = await this.h.rpc.request('list', {
        topic: node.topic,
        cursor: node.nextCursor,
        limit: nextPageSize(node.items.length),
        importance,
      });
      if (gen !== node.gen) return;
      const have = new Set(node.items.map((m) => m.id));
      const fresh = page.items.filter((m) => !have.has(m.id));
      node.items = node.items.concat(fresh);
      node.nextCursor = page.nextCursor;
      this.state.expanded[node.topic] = node.items.length;
      this.h.saved.save();
      this.renderRows(node);
      if (fresh[0]) first = node.rows.get(fresh[0].id);
    })()
      .catch((e) => this.h.showError(e))
      .finally(() => (node.loading = null));
    await node.loading;
    return first;
  }

  private isExpanded(topic: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.state.expanded, topic) || this.state.topic === topic;
  }

  private async load(node: TopicNode, prefetched?: Promise<Result<'list'>>): Promise<void> {
    const gen = ++node.gen;
    const page = await (prefetched ?? this.requestFirstRows(node.topic));
    if (gen !== node.gen) return;
    node.items = page.items;
    node.nextCursor = page.nextCursor;
    node.loaded = true;
    this.renderRows(node);
  }

  private ensureLoaded(node: TopicNode): void {
    if (node.loaded || node.loading) return;
    if (!node.row.querySelector('vscode-tree-item')) reconcile(node.row, [node.placeholder]);
    node.loading = this.load(node)
      .catch((e) => this.h.showError(e))
      .finally(() => {
        node.loading = null;
        this.h.rowsChanged();
      });
  }

  private unload(node: TopicNode): void {
    node.gen++;
    node.items = [];
    node.rows.clear();
    node.nextCursor = null;
    node.loaded = false;
    if (node.more) this.h.moreObserver.unobserve(node.more);
    node.more = null;
    setMoreText(node.placeholder, 'Loading…');
    reconcile(node.row, [node.placeholder]);
  }

  private renderRows(node: TopicNode): void {
    const rows = syncMemoryRows(node.rows, node.items, false);
    const left = Math.max(0, node.count - node.items.length);
    const text = node.nextCursor ? (left ? `Load more (${left} not shown)` : 'Load more') : null;
    node.more = syncMoreRow(node.more, text, this.h.moreObserver, node.topic);
    if (node.more) rows.push(node.more);
    if (!rows.length) {
      setMoreText(node.placeholder, 'No memories match the filters');
      rows.push(node.placeholder);
    }
    reconcile(node.row, rows);
  }
}

function newTopicNode(t: TopicInfo): TopicNode {
  // No child rows until the topic opens: `branch` alone draws the arrow (40 topics = 40 elements, not 80).
  return {
    topic: t.topic,
    count: t.count,
    row: topicRow(t.topic, t.count),
    items: [],
    rows: new Map(),
    nextCursor: null,
    loaded: false,
    gen: 0,
    loading: null,
    more: null,
    placeholder: placeholderRow('Loading…'),
  };
}
