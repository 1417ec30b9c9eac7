/** Search mode: the results of the current query as memory rows, 50 at a time up to 200. */
import type { VscodeTreeItem } from '@vscode-elements/elements/dist/vscode-tree-item/vscode-tree-item.js';
import type { Result } from '../shared/protocol';
import { reconcile, type RowsHost, syncMemoryRows, syncMoreRow } from './tree';

const SEARCH_PAGE = 50;
const SEARCH_MAX = 200;

export interface SearchHost extends RowsHost {
  /** The rows are in the tree: the app updates the note, the empty view and the announcement. */
  rendered(r: Result<'search'>, hasMore: boolean): void;
}

export class SearchResults {
  readonly rows = new Map<string, VscodeTreeItem>();
  more: VscodeTreeItem | null = null;
  private limit = SEARCH_PAGE;
  private gen = 0;
  private hasMore = false;

  constructor(private readonly h: SearchHost) {}

  /** A new query starts from the first page. */
  firstPage(): void {
    this.limit = SEARCH_PAGE;
  }

  /** Runs the current query; returns the number of results, or undefined if a newer query overtook it. */
  async run(): Promise<number | undefined> {
    const gen = ++this.gen;
    const ui = this.h.saved.ui;
    const r = await this.h.rpc.request('search', {
      query: ui.query,
      limit: this.limit,
      topic: ui.topic || undefined,
      importance: this.h.saved.importanceLevels(),
    });
    if (gen !== this.gen) return undefined;
    this.render(r);
    return r.items.length;
  }

  /** "Show more results": the next page; resolves to the first new row. Errors propagate. */
  async loadMore(): Promise<VscodeTreeItem | undefined> {
    if (!this.hasMore) return undefined;
    const before = new Set(this.rows.keys());
    this.limit = Math.min(SEARCH_MAX, this.limit + SEARCH_PAGE);
    this.hasMore = false;
    await this.run();
    return [...this.rows.entries()].find(([id]) => !before.has(id))?.[1];
  }

  /** Leaving search mode: the rows go with it. */
  clear(): void {
    this.rows.clear();
    if (this.more) this.h.moreObserver.unobserve(this.more);
    this.more = null;
  }

  private render(r: Result<'search'>): void {
    const rows = syncMemoryRows(this.rows, r.items, true);
    this.hasMore = r.items.length >= this.limit && this.limit < SEARCH_MAX;
    this.more = syncMoreRow(this.more, this.hasMore ? 'Show more results' : null, this.h.moreObserver);
    if (this.more) rows.push(this.more);
    reconcile(this.h.tree, rows);
    this.h.rendered(r, this.hasMore);
  }
}
