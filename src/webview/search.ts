/** Search mode: the results of the current query as memory rows, 50 at a time up to 200. */
import type { MemoryItem, Result } from '../shared/protocol';
import { memoryRow, moreRow, type RowsHost, type TreeRow } from './tree';

const SEARCH_PAGE = 50;
const SEARCH_MAX = 200;

export interface SearchHost extends RowsHost {
  /** The results are in: the app draws them and updates the note, the empty view and the announcement. */
  rendered(r: Result<'search'>, hasMore: boolean): void;
}

export class SearchResults {
  private items: MemoryItem[] = [];
  private limit = SEARCH_PAGE;
  private gen = 0;
  private hasMore = false;
  private loadingMore: Promise<string | undefined> | null = null;

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
    this.items = r.items;
    this.hasMore = r.items.length >= this.limit && this.limit < SEARCH_MAX;
    this.h.rendered(r, this.hasMore);
    return r.items.length;
  }

  /** The flat rows of search mode: one level of memories, then "Show more results" while there are more. */
  rows(): TreeRow[] {
    const size = this.items.length + (this.hasMore ? 1 : 0);
    const out = this.items.map((m, i) => memoryRow(m, 1, true, i + 1, size));
    if (this.hasMore) out.push(moreRow('more:', 'Show more results', 1, size, size));
    return out;
  }

  has(id: string): boolean {
    return this.items.some((m) => m.id === id);
  }

  /** "Show more results": the next page; resolves to the first new memory's id. Errors propagate. */
  loadMore(): Promise<string | undefined> {
    if (this.loadingMore) return this.loadingMore;
    if (!this.hasMore) return Promise.resolve(undefined);
    const before = new Set(this.items.map((m) => m.id));
    this.limit = Math.min(SEARCH_MAX, this.limit + SEARCH_PAGE);
    this.hasMore = false;
    const p = this.run()
      .then(() => this.items.find((m) => !before.has(m.id))?.id)
      .finally(() => {
        if (this.loadingMore === p) this.loadingMore = null;
      });
    this.loadingMore = p;
    return p;
  }

  /** Leaving search mode: the rows go with it. */
  clear(): void {
    this.items = [];
    this.hasMore = false;
  }
}
