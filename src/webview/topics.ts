/**
 * Browse mode: the topic rows and, under each open topic, its memories in keyset pages ("Load more"
 * and scrolling fetch the next one). Collapsed topics forget their rows; they are re-read when opened.
 */
import { LIMITS, type MemoryItem, type Result, type TopicInfo } from '../shared/protocol';
import { memoryRow, moreRow, placeholderRow, type RowsHost, topicRow, type TreeRow } from './tree';

const PAGE = 100;
/** The next page is as big as what is shown (100, 100, 200, 400, …, ≤ 1,000): the end of 1,000 rows in 5 round trips, not 10. */
const nextPageSize = (shown: number) => Math.min(LIMITS.pageMax, Math.max(PAGE, shown));
/** Rows per topic re-read on a refresh or a restore; beyond that a refresh starts the topic over. */
const RELOAD_CAP = 5000;

export interface TopicNode {
  topic: string;
  count: number;
  items: MemoryItem[];
  nextCursor: string | null;
  loaded: boolean;
  gen: number;
  loading: Promise<void> | null;
  /** The next page on its way: resolves to its first new memory's id. */
  loadingMore: Promise<string | undefined> | null;
  /** The last next-page request failed: scrolling does not retry it (activating the row does). */
  moreFailed: boolean;
}

export interface PagerHost extends RowsHost {
  showError(e: unknown): void;
}

export class TopicPager {
  readonly nodes = new Map<string, TopicNode>();
  /** Every topic is a row: rows are data now (vtree.ts draws what is in view), 3,000 topics cost an array. */
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

  /** Shows `all` as the tree's topics at once; the returned promise settles when open topics have their rows. */
  render(all: TopicInfo[], prefetched: Map<string, Promise<Result<'list'>>>): Promise<void> {
    this.visible = all;
    const seen = new Set<string>();
    for (const t of all) {
      seen.add(t.topic);
      const node = this.nodes.get(t.topic);
      if (!node) this.nodes.set(t.topic, newTopicNode(t));
      else node.count = t.count;
    }
    for (const k of [...this.nodes.keys()]) if (!seen.has(k)) this.nodes.delete(k);
    const loads: Promise<void>[] = [];
    for (const t of all) {
      const node = this.nodes.get(t.topic)!;
      if (this.isExpanded(t.topic)) {
        const p = this.load(node, prefetched.get(t.topic)).finally(() => {
          if (node.loading === p) node.loading = null;
        });
        node.loading = p;
        loads.push(p);
      } else if (node.loaded) this.unload(node);
    }
    this.h.changed();
    return Promise.all(loads).then(() => undefined);
  }

  /** The flat rows of browse mode: each topic, and under an open one its memories and a "more" row. */
  rows(): TreeRow[] {
    const out: TreeRow[] = [];
    const n = this.visible.length;
    this.visible.forEach((t, i) => {
      const node = this.nodes.get(t.topic);
      if (!node) return;
      const open = this.isExpanded(t.topic);
      out.push(topicRow(t.topic, node.count, open, i + 1, n));
      if (!open) return;
      if (!node.loaded) {
        out.push(placeholderRow(t.topic, 'Loading…'));
        return;
      }
      if (!node.items.length && !node.nextCursor) {
        out.push(placeholderRow(t.topic, 'No memories match the filters'));
        return;
      }
      const size = Math.max(node.count, node.items.length) + (node.nextCursor ? 1 : 0);
      node.items.forEach((m, j) => out.push(memoryRow(m, 2, false, j + 1, size)));
      if (node.nextCursor) {
        const left = Math.max(0, node.count - node.items.length);
        const text = left ? `Load more (${left} not shown)` : 'Load more';
        out.push(moreRow('more:' + t.topic, text, 2, size, size, t.topic));
      }
    });
    return out;
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

  isExpanded(topic: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.state.expanded, topic) || this.state.topic === topic;
  }

  /** Opens or closes a topic (click, Enter, →/←). The topic the filter shows stays open. */
  setOpen(topic: string, open: boolean): void {
    const node = this.nodes.get(topic);
    if (!node || open === this.isExpanded(topic) || (!open && this.state.topic === topic)) return;
    if (open) {
      this.state.expanded[topic] = 0;
      this.ensureLoaded(node);
    } else {
      delete this.state.expanded[topic];
      this.unload(node);
    }
    this.h.saved.save();
    this.h.changed();
  }

  /** Loaded pages were read under the old filter. */
  unloadAll(): void {
    for (const n of this.nodes.values()) if (n.loaded) this.unload(n);
  }

  /** Loads the next page of this topic ("Load more" activated or in view); resolves to the first new memory's id. */
  loadMore(topic: string, auto = false): Promise<string | undefined> {
    const node = this.nodes.get(topic);
    if (!node || !node.loaded) return Promise.resolve(undefined);
    if (node.loadingMore) return node.loadingMore;
    if (!node.nextCursor || node.loading || (auto && node.moreFailed)) return Promise.resolve(undefined);
    node.moreFailed = false;
    const gen = node.gen;
    const p = (async () => {
      const importance = this.h.saved.importanceLevels();
      const page = await this.h.rpc.request('list', {
        topic: node.topic,
        cursor: node.nextCursor,
        limit: nextPageSize(node.items.length),
        importance,
      });
      if (gen !== node.gen) return undefined;
      const have = new Set(node.items.map((m) => m.id));
      const fresh = page.items.filter((m) => !have.has(m.id));
      node.items = node.items.concat(fresh);
      node.nextCursor = page.nextCursor;
      this.state.expanded[node.topic] = node.items.length;
      this.h.saved.save();
      return fresh[0]?.id;
    })()
      .catch((e) => {
        node.moreFailed = true;
        this.h.showError(e);
        return undefined;
      })
      .finally(() => {
        if (node.loadingMore === p) node.loadingMore = null;
        // After the page is in (and `loadingMore` cleared): a "more" row still in view asks for the next one.
        this.h.changed();
      });
    node.loadingMore = p;
    return p;
  }

  private async load(node: TopicNode, prefetched?: Promise<Result<'list'>>): Promise<void> {
    const gen = ++node.gen;
    node.loadingMore = null;
    const page = await (prefetched ?? this.requestFirstRows(node.topic));
    if (gen !== node.gen) return;
    node.items = page.items;
    node.nextCursor = page.nextCursor;
    node.loaded = true;
  }

  private ensureLoaded(node: TopicNode): void {
    if (node.loaded || node.loading) return;
    const p = this.load(node)
      .catch((e) => this.h.showError(e))
      .finally(() => {
        if (node.loading === p) node.loading = null;
        this.h.changed();
      });
    node.loading = p;
  }

  private unload(node: TopicNode): void {
    node.gen++;
    node.items = [];
    node.nextCursor = null;
    node.loaded = false;
    node.loading = null;
    node.loadingMore = null;
  }
}

function newTopicNode(t: TopicInfo): TopicNode {
  // No rows until the topic opens.
  return {
    topic: t.topic,
    count: t.count,
    items: [],
    nextCursor: null,
    loaded: false,
    gen: 0,
    loading: null,
    loadingMore: null,
    moreFailed: false,
  };
}
