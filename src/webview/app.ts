/**
 * The Memories sidebar: search field, filters, a lazily paged tree of topics and memories, a detail
 * pane. Data always comes from the host; only UI state is kept across hides (getState/setState).
 */
import type { VscodeTree } from '@vscode-elements/elements/dist/vscode-tree/vscode-tree.js';
import type { VscodeTreeItem } from '@vscode-elements/elements/dist/vscode-tree-item/vscode-tree-item.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { type HostMessage, LIMITS, type MemoryItem, type Result, type SidebarCommand, type SidebarStatus, type TopicInfo } from '../shared/protocol';
import { DetailView, type DetailAction } from './detail';
import { el, icon } from './dom';
import { RequestError, Rpc } from './rpc';
import { IMPORTANCE_FILTERS, type ImportanceFilter, restoreState, type UiState } from './state';
import { kindOf, memoryRow, moreRow, placeholderRow, reconcile, setMoreText, topicRow, updateMemoryRow, updateTopicRow, visibleRows } from './tree';

const PAGE = 100;
const SEARCH_PAGE = 50;
const SEARCH_MAX = 200;
const DEBOUNCE_MS = 80;
/** Rows per topic re-read on a refresh or a restore; beyond that a refresh starts the topic over. */
const RELOAD_CAP = 5000;

interface TopicNode {
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

/** Marks a promise that runs alongside others as handled; whoever awaits it still sees the error. */
function parallel<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

export class App {
  private readonly rpc = new Rpc();
  private state: UiState;
  private mode: 'browse' | 'search' = 'browse';
  private readonly topics = new Map<string, TopicNode>();
  private readonly searchRows = new Map<string, VscodeTreeItem>();
  private searchLimit = SEARCH_PAGE;
  private searchMore: VscodeTreeItem | null = null;
  private searchGen = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private searchHasMore = false;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private topicNames = '';
  private total = 0;
  private selectedRow: VscodeTreeItem | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private detailGen = 0;

  private readonly search: VscodeTextfield;
  private readonly topicSelect: VscodeSingleSelect;
  private readonly importanceSelect: VscodeSingleSelect;
  private readonly note: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly tree: VscodeTree;
  private readonly empty: HTMLElement;
  private readonly live: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly detail: DetailView;
  private readonly moreObserver: IntersectionObserver;

  constructor(private readonly root: HTMLElement) {
    this.state = restoreState(this.rpc.getState());

    this.search = el('vscode-textfield', { class: 'search', attrs: { type: 'search', placeholder: 'Search memories', id: 'search' } });
    this.search.label = 'Search memories';
    this.search.append(el('span', { slot: 'content-before', class: 'search-icon' }, icon('search')));
    this.search.value = this.state.query;

    this.topicSelect = el('vscode-single-select', { class: 'filter', attrs: { id: 'topic-filter' } });
    this.topicSelect.label = 'Filter by topic';
    this.topicSelect.title = 'Filter by topic';
    this.importanceSelect = el('vscode-single-select', { class: 'filter', attrs: { id: 'importance-filter' } });
    this.importanceSelect.label = 'Filter by importance';
    this.importanceSelect.title = 'Filter by importance';
    for (const [value, f] of Object.entries(IMPORTANCE_FILTERS)) this.importanceSelect.append(el('vscode-option', { text: f.label, attrs: { value } }));
    this.setTopicOptions([]);

    this.note = el('div', { class: 'note', attrs: { id: 'note', role: 'status', hidden: '' } });
    this.banner = el('div', { class: 'banner', attrs: { id: 'banner', role: 'alert', hidden: '' } });
    this.tree = el('vscode-tree', { attrs: { id: 'tree', 'aria-label': 'Memories by topic' } });
    this.tree.indentGuides = 'onHover';
    this.empty = el('div', { class: 'empty', attrs: { id: 'empty', hidden: '' } });
    this.scroller = el('div', { class: 'scroller', attrs: { id: 'scroller' } }, this.tree, this.empty);
    this.live = el('div', { class: 'sr-only', attrs: { 'aria-live': 'polite', id: 'live' } });
    this.statusLine = el('div', { class: 'status-line', attrs: { id: 'status-line' } });
    this.detail = new DetailView((a, id) => void this.onDetailAction(a, id));

    root.replaceChildren(
      el(
        'header',
        { class: 'top' },
        this.search,
        el('div', { class: 'filters', attrs: { role: 'group', 'aria-label': 'Filters' } }, this.topicSelect, this.importanceSelect),
        this.note,
      ),
      this.banner,
      this.scroller,
      this.detail.root,
      this.statusLine,
      this.live,
    );

    this.moreObserver = new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting) void this.activateMore(e.target as VscodeTreeItem, false);
    }, { root: this.scroller, rootMargin: '200px' });

    this.wireEvents();
  }

  // --------------------------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    this.rpc.onPush((m) => this.onPush(m));
    const t0 = performance.now();
    performance.mark('mnemos:ready');
    this.rpc.ready();
    await this.refresh();
    await this.renderedRows();
    this.ensureTabStop(true);
    await frame();
    performance.measure('mnemos:first-paint', { start: t0, end: performance.now() });
    this.scroller.scrollTop = this.state.scrollTop;
    if (this.state.detailOpen && this.state.selected?.startsWith('m:')) void this.openDetail(this.state.selected.slice(2));
  }

  private onPush(m: Exclude<HostMessage, { type: 'response' }>): void {
    if (m.type === 'dataChanged') void this.refresh();
    else if (m.type === 'status') this.setStatus(m.status);
  }

  /** Re-reads everything shown; concurrent calls coalesce into one more pass. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.refreshOnce();
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    const focus = this.captureFocus();
    try {
      // Everything the view shows is asked for at once: one round trip, not one per level.
      const topicsP = parallel(this.rpc.request('topics', { importance: this.importanceLevels() }));
      const searching = !!this.state.query.trim();
      const searchP = searching ? parallel(this.runSearch()) : undefined;
      const lists = new Map<string, Promise<Result<'list'>>>();
      if (!searching) {
        for (const topic of this.expandedTopics()) lists.set(topic, parallel(this.requestFirstRows(topic, this.topics.get(topic)?.items.length ?? 0)));
      }
      const detailP = this.detail.visible && this.detail.memoryId ? parallel(this.openDetail(this.detail.memoryId, true)) : undefined;
      const { topics, total } = await topicsP;
      this.total = total;
      this.setTopicOptions(topics);
      if (searchP) await searchP;
      else await this.renderBrowse(topics, lists);
      await detailP;
      this.hideBanner();
    } catch (e) {
      this.showError(e);
    }
    this.restoreFocus(focus);
    this.ensureTabStop();
  }

  // ------------------------------------------------------------------------------------ browse

  private async renderBrowse(topics: TopicInfo[], prefetched = new Map<string, Promise<Result<'list'>>>()): Promise<void> {
    this.mode = 'browse';
    this.tree.setAttribute('aria-label', 'Memories by topic');
    this.searchRows.clear();
    this.searchMore = null;
    this.setNote(null);
    const visible = this.state.topic ? topics.filter((t) => t.topic === this.state.topic) : topics;
    const seen = new Set<string>();
    const rows: VscodeTreeItem[] = [];
    for (const t of visible) {
      seen.add(t.topic);
      let node = this.topics.get(t.topic);
      if (!node) {
        node = this.newTopicNode(t);
        this.topics.set(t.topic, node);
      } else if (node.count !== t.count) {
        node.count = t.count;
        updateTopicRow(node.row, t.count);
      }
      rows.push(node.row);
    }
    for (const k of [...this.topics.keys()]) if (!seen.has(k)) this.topics.delete(k);
    reconcile(this.tree, rows);
    this.renderEmpty(visible.length === 0);
    const loads: Promise<void>[] = [];
    for (const t of visible) {
      const node = this.topics.get(t.topic)!;
      if (this.isExpanded(t.topic)) {
        if (!node.row.open) node.row.open = true;
        const p = this.loadTopic(node, prefetched.get(t.topic)).finally(() => {
          if (node.loading === p) node.loading = null;
        });
        node.loading = p;
        loads.push(p);
      } else {
        // Collapsed topics forget their rows; they are re-read when opened.
        if (node.row.open) node.row.open = false;
        if (node.loaded) this.unloadTopic(node);
      }
    }
    await Promise.all(loads);
    this.applySelection();
  }

  private newTopicNode(t: TopicInfo): TopicNode {
    // No child rows until the topic opens: `branch` alone draws the arrow (40 topics = 40 elements, not 80).
    const row = topicRow(t.topic, t.count);
    const placeholder = placeholderRow('Loading…');
    return { topic: t.topic, count: t.count, row, items: [], rows: new Map(), nextCursor: null, loaded: false, gen: 0, loading: null, more: null, placeholder };
  }

  private isExpanded(topic: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.state.expanded, topic) || this.state.topic === topic;
  }

  private expandedTopics(): string[] {
    const out = Object.keys(this.state.expanded);
    if (this.state.topic && !out.includes(this.state.topic)) out.push(this.state.topic);
    return out;
  }

  /** A topic's first rows: as many as were shown (pages of ≤ 1,000), so a refresh keeps the scroll position. */
  private async requestFirstRows(topic: string, shown: number): Promise<Result<'list'>> {
    const want = Math.min(RELOAD_CAP, Math.max(PAGE, shown, this.state.expanded[topic] ?? 0));
    const importance = this.importanceLevels();
    const items: MemoryItem[] = [];
    let cursor: string | null = null;
    do {
      const page: Result<'list'> = await this.rpc.request('list', { topic, cursor, limit: Math.min(LIMITS.pageMax, want - items.length), importance });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < want);
    return { items, nextCursor: cursor };
  }

  private async loadTopic(node: TopicNode, prefetched?: Promise<Result<'list'>>): Promise<void> {
    const gen = ++node.gen;
    const page = await (prefetched ?? this.requestFirstRows(node.topic, node.items.length));
    if (gen !== node.gen) return;
    node.items = page.items;
    node.nextCursor = page.nextCursor;
    node.loaded = true;
    this.renderTopicRows(node);
  }

  private ensureLoaded(node: TopicNode): void {
    if (node.loaded || node.loading) return;
    if (!node.row.querySelector('vscode-tree-item')) reconcile(node.row, [node.placeholder]);
    node.loading = this.loadTopic(node)
      .catch((e) => this.showError(e))
      .finally(() => {
        node.loading = null;
        this.applySelection();
        this.ensureTabStop();
      });
  }

  private unloadTopic(node: TopicNode): void {
    node.gen++;
    node.items = [];
    node.rows.clear();
    node.nextCursor = null;
    node.loaded = false;
    if (node.more) this.moreObserver.unobserve(node.more);
    node.more = null;
    setMoreText(node.placeholder, 'Loading…');
    reconcile(node.row, [node.placeholder]);
  }

  private renderTopicRows(node: TopicNode): void {
    const rows: VscodeTreeItem[] = [];
    const ids = new Set<string>();
    for (const m of node.items) {
      ids.add(m.id);
      let r = node.rows.get(m.id);
      if (r) updateMemoryRow(r, m);
      else {
        r = memoryRow(m, false);
        node.rows.set(m.id, r);
      }
      rows.push(r);
    }
    for (const id of [...node.rows.keys()]) if (!ids.has(id)) node.rows.delete(id);
    if (node.nextCursor) {
      const left = Math.max(0, node.count - node.items.length);
      const text = left ? `Load more (${left} not shown)` : 'Load more';
      if (!node.more) {
        node.more = moreRow(text);
        node.more.dataset.topic = node.topic;
        this.moreObserver.observe(node.more);
      } else setMoreText(node.more, text);
      rows.push(node.more);
    } else if (node.more) {
      this.moreObserver.unobserve(node.more);
      node.more = null;
    }
    if (!rows.length) {
      setMoreText(node.placeholder, 'No memories match the filters');
      rows.push(node.placeholder);
    }
    reconcile(node.row, rows);
  }

  private async loadMore(node: TopicNode): Promise<VscodeTreeItem | undefined> {
    if (!node.nextCursor || node.loading) return;
    const gen = node.gen;
    let first: VscodeTreeItem | undefined;
    node.loading = (async () => {
      const page = await this.rpc.request('list', { topic: node.topic, cursor: node.nextCursor, limit: PAGE, importance: this.importanceLevels() });
      if (gen !== node.gen) return;
      const have = new Set(node.items.map((m) => m.id));
      const fresh = page.items.filter((m) => !have.has(m.id));
      node.items = node.items.concat(fresh);
      node.nextCursor = page.nextCursor;
      this.state.expanded[node.topic] = node.items.length;
      this.saveState();
      this.renderTopicRows(node);
      if (fresh[0]) first = node.rows.get(fresh[0].id);
    })()
      .catch((e) => this.showError(e))
      .finally(() => (node.loading = null));
    await node.loading;
    return first;
  }

  // ------------------------------------------------------------------------------------ search

  private onQueryInput(): void {
    this.state.query = this.search.value;
    this.saveState();
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.searchNow(), DEBOUNCE_MS);
  }

  private async searchNow(): Promise<void> {
    this.searchLimit = SEARCH_PAGE;
    if (!this.state.query.trim()) {
      if (this.mode === 'search') await this.refresh();
      return;
    }
    const t0 = performance.now();
    const focus = this.captureFocus();
    try {
      const n = await this.runSearch();
      if (n === undefined) return;
      await this.renderedRows();
      await frame();
      performance.measure('mnemos:search', { start: t0, end: performance.now(), detail: { query: this.state.query, results: n } });
      this.hideBanner();
    } catch (e) {
      this.showError(e);
    }
    this.restoreFocus(focus);
    this.ensureTabStop();
  }

  /** Runs the current query; returns the number of results, or undefined if a newer query overtook it. */
  private async runSearch(): Promise<number | undefined> {
    const gen = ++this.searchGen;
    const query = this.state.query;
    const r = await this.rpc.request('search', {
      query,
      limit: this.searchLimit,
      topic: this.state.topic || undefined,
      importance: this.importanceLevels(),
    });
    if (gen !== this.searchGen) return undefined;
    this.renderSearch(r);
    return r.items.length;
  }

  private renderSearch(r: Result<'search'>): void {
    if (this.mode !== 'search') {
      this.mode = 'search';
      this.tree.setAttribute('aria-label', 'Search results');
    }
    const rows: VscodeTreeItem[] = [];
    const ids = new Set<string>();
    for (const m of r.items) {
      ids.add(m.id);
      let row = this.searchRows.get(m.id);
      if (row) updateMemoryRow(row, m);
      else {
        row = memoryRow(m, true);
        this.searchRows.set(m.id, row);
      }
      rows.push(row);
    }
    for (const id of [...this.searchRows.keys()]) if (!ids.has(id)) this.searchRows.delete(id);
    this.searchHasMore = r.items.length >= this.searchLimit && this.searchLimit < SEARCH_MAX;
    if (this.searchHasMore) {
      if (!this.searchMore) {
        this.searchMore = moreRow('Show more results');
        this.moreObserver.observe(this.searchMore);
      }
      rows.push(this.searchMore);
    } else if (this.searchMore) {
      this.moreObserver.unobserve(this.searchMore);
      this.searchMore = null;
    }
    reconcile(this.tree, rows);
    this.setNote(r.mode === 'keyword' && r.note ? r.note : null);
    this.renderEmpty(r.items.length === 0);
    this.announce(r.items.length ? `${r.items.length}${this.searchHasMore ? '+' : ''} ${r.items.length === 1 ? 'memory' : 'memories'} found` : 'No memories found');
    this.applySelection();
  }

  // ------------------------------------------------------------------------------------- views

  private renderEmpty(nothing: boolean): void {
    this.empty.hidden = !nothing;
    this.tree.hidden = nothing;
    if (!nothing) return;
    const filtered = this.state.query.trim() || this.state.topic || this.state.importance !== 'any';
    if (filtered) {
      const clear = el('vscode-button', { attrs: { secondary: '' } }, el('span', { text: 'Clear search and filters' }));
      clear.addEventListener('click', () => this.clearFilters());
      this.empty.replaceChildren(
        el('p', { class: 'empty-title', text: this.state.query.trim() ? 'No memories match your search.' : 'No memories match these filters.' }),
        clear,
      );
      return;
    }
    const save = el('vscode-button', { attrs: { 'data-command': 'saveMemory' } }, el('span', { text: 'Save a Memory…' }));
    save.addEventListener('click', () => void this.run('saveMemory'));
    const connect = el('vscode-button', { attrs: { secondary: '', 'data-command': 'connect' } }, el('span', { text: 'Connect to a Team Store…' }));
    connect.addEventListener('click', () => void this.run('connect'));
    this.empty.replaceChildren(
      el('p', { class: 'empty-title', text: 'No memories yet' }),
      el('p', { text: 'Select code or text in an editor, right-click it and choose “Save Selection as Memory”. Or save a note now:' }),
      save,
      el('p', { text: 'Your agents can save memories too, through the Mnemos tools and MCP server.' }),
      el('p', { text: 'Working with a team? Point Mnemos at a shared libSQL or Turso database to see everyone’s memories.' }),
      connect,
    );
  }

  private setNote(text: string | null): void {
    this.note.hidden = !text;
    if (text) this.note.replaceChildren(icon('info'), el('span', { text }));
  }

  /**
   * The status line only: a store opens on first use, so "not connected" is normal for a moment at
   * start. Real failures come back as request errors and get the banner.
   */
  private setStatus(s: SidebarStatus): void {
    const parts = [s.mode];
    if (!s.connected) parts.push('not connected');
    if (s.keywordOnly) parts.push('keyword search');
    this.statusLine.replaceChildren(icon(s.connected ? 'database' : 'debug-disconnect'), el('span', { text: parts.join(' · ') }));
    this.statusLine.title = s.connected ? 'Connected to the memory store' : 'Not connected to the memory store';
  }

  private showError(e: unknown): void {
    const code = e instanceof RequestError ? e.code : 'internal';
    const msg = e instanceof Error ? e.message : 'Something went wrong.';
    this.showBanner(msg, code === 'auth' || code === 'connection');
  }

  private showBanner(message: string, offerConnect: boolean): void {
    const retry = el('vscode-button', { attrs: { secondary: '' } }, el('span', { text: 'Retry' }));
    retry.addEventListener('click', () => void this.refresh());
    const actions = el('div', { class: 'banner-actions' }, retry);
    if (offerConnect) {
      const connect = el('vscode-button', {}, el('span', { text: 'Connect…' }));
      connect.addEventListener('click', () => void this.run('connect'));
      actions.prepend(connect);
    }
    this.banner.dataset.kind = offerConnect ? 'disconnected' : 'error';
    this.banner.replaceChildren(el('p', {}, icon('warning'), el('span', { text: message })), actions);
    this.banner.hidden = false;
  }

  private hideBanner(): void {
    this.banner.hidden = true;
    delete this.banner.dataset.kind;
  }

  private announce(text: string): void {
    this.live.textContent = text;
  }

  private setTopicOptions(topics: TopicInfo[]): void {
    const names = topics.map((t) => t.topic);
    if (this.state.topic && !names.includes(this.state.topic)) names.push(this.state.topic);
    const key = names.join('\u0000');
    if (key === this.topicNames && this.topicSelect.childElementCount) return;
    this.topicNames = key;
    this.topicSelect.replaceChildren(el('vscode-option', { text: 'All topics', attrs: { value: '' } }), ...names.map((n) => el('vscode-option', { text: n, attrs: { value: 't:' + n } })));
    this.topicSelect.value = this.state.topic ? 't:' + this.state.topic : '';
  }

  // ------------------------------------------------------------------------------------ detail

  private async openDetail(id: string, quiet = false): Promise<void> {
    const gen = ++this.detailGen;
    if (!quiet) this.detail.loading(id);
    this.state.detailOpen = true;
    this.saveState();
    try {
      const { memory } = await this.rpc.request('get', { id });
      if (gen !== this.detailGen) return;
      if (memory) this.detail.show(memory);
      else this.detail.missing(id);
    } catch (e) {
      this.showError(e);
    }
  }

  private closeDetail(): void {
    this.detailGen++;
    this.detail.hide();
    this.state.detailOpen = false;
    this.saveState();
    const row = this.selectedRow && this.selectedRow.isConnected ? this.selectedRow : undefined;
    if (row) this.focusRow(row);
  }

  private async onDetailAction(a: DetailAction, id: string | null): Promise<void> {
    if (a === 'close') return this.closeDetail();
    if (!id) return;
    await this.run(a === 'open' ? 'openMemory' : a === 'edit' ? 'editMemory' : 'deleteMemory', { id });
  }

  // ---------------------------------------------------------------------------------- commands

  private async run(command: SidebarCommand, arg: { id?: string; topic?: string } = {}): Promise<void> {
    try {
      await this.rpc.request('run', { command, ...arg });
    } catch (e) {
      this.showError(e);
    }
  }

  private clearFilters(): void {
    this.state.query = '';
    this.search.value = '';
    this.state.topic = '';
    this.topicSelect.value = '';
    this.state.importance = 'any';
    this.importanceSelect.value = 'any';
    this.saveState();
    void this.refresh();
  }

  private importanceLevels() {
    const l = IMPORTANCE_FILTERS[this.state.importance].levels;
    return l ? [...l] : undefined;
  }

  // --------------------------------------------------------------------------- selection/focus

  private rowKey(row: VscodeTreeItem): string | null {
    switch (kindOf(row)) {
      case 'memory':
        return 'm:' + row.dataset.id;
      case 'topic':
        return 't:' + row.dataset.topic;
      case 'more':
        return 'more:' + (row.dataset.topic ?? '');
      default:
        return null;
    }
  }

  private rowFor(key: string): VscodeTreeItem | undefined {
    if (key.startsWith('m:')) {
      const id = key.slice(2);
      if (this.mode === 'search') return this.searchRows.get(id);
      for (const n of this.topics.values()) {
        const r = n.rows.get(id);
        if (r) return r;
      }
      return undefined;
    }
    if (key.startsWith('t:')) return this.mode === 'browse' ? this.topics.get(key.slice(2))?.row : undefined;
    if (key.startsWith('more:')) return this.mode === 'search' ? (this.searchMore ?? undefined) : (this.topics.get(key.slice(5))?.more ?? undefined);
    return undefined;
  }

  private applySelection(): void {
    const row = this.state.selected ? this.rowFor(this.state.selected) : undefined;
    if (row === this.selectedRow) return;
    if (this.selectedRow && this.selectedRow.selected) this.selectedRow.selected = false;
    this.selectedRow = row ?? null;
    if (row && row.isConnected) row.selected = true;
  }

  private captureFocus(): { key: string; index: number } | null {
    const a = document.activeElement;
    if (!(a instanceof HTMLElement) || a.tagName !== 'VSCODE-TREE-ITEM' || !this.tree.contains(a)) return null;
    const key = this.rowKey(a as VscodeTreeItem);
    return key ? { key, index: visibleRows(this.tree).indexOf(a as VscodeTreeItem) } : null;
  }

  /** After a refresh: keep focus on the same row, or on its neighbour if it went away (deleted). */
  private restoreFocus(f: { key: string; index: number } | null): void {
    if (!f) return;
    const row = this.rowFor(f.key);
    if (row && row.isConnected && visibleRows(this.tree).includes(row)) {
      if (document.activeElement !== row) this.focusRow(row);
      return;
    }
    if (document.activeElement && document.activeElement !== document.body && !this.tree.contains(document.activeElement)) return;
    const rows = visibleRows(this.tree);
    if (rows.length) this.focusRow(rows[Math.min(Math.max(f.index, 0), rows.length - 1)]);
  }

  /**
   * Roving tabindex: exactly one visible row takes Tab. While focus is elsewhere, that is the
   * selected row (so Tab returns to it), else whichever row last had focus, else the first.
   */
  private ensureTabStop(preferSelected = false): void {
    const rows = visibleRows(this.tree);
    if (!rows.length || this.focusedRow()) return;
    const sel = this.selectedRow && rows.includes(this.selectedRow) ? this.selectedRow : undefined;
    if (sel && preferSelected) {
      if (!sel.active) sel.active = true;
      return;
    }
    if (rows.some((r) => r.active)) return;
    (sel ?? rows[0]).active = true;
  }

  private focusRow(row: VscodeTreeItem): void {
    row.active = true;
    void row.updateComplete.then(() => {
      row.focus();
      row.scrollIntoView({ block: 'nearest' });
    });
  }

  private async renderedRows(): Promise<void> {
    await Promise.all(visibleRows(this.tree).map((r) => r.updateComplete));
  }

  private focusedRow(): VscodeTreeItem | null {
    const a = document.activeElement;
    return a instanceof HTMLElement && a.tagName === 'VSCODE-TREE-ITEM' && this.tree.contains(a) ? (a as VscodeTreeItem) : null;
  }

  private async activateMore(row: VscodeTreeItem, moveFocus: boolean): Promise<void> {
    if (!row.isConnected) return;
    let first: VscodeTreeItem | undefined;
    if (row === this.searchMore) {
      if (!this.searchHasMore) return;
      const before = new Set(this.searchRows.keys());
      this.searchLimit = Math.min(SEARCH_MAX, this.searchLimit + SEARCH_PAGE);
      this.searchHasMore = false;
      try {
        await this.runSearch();
      } catch (e) {
        this.showError(e);
      }
      first = [...this.searchRows.entries()].find(([id]) => !before.has(id))?.[1];
    } else {
      const node = this.topics.get(row.dataset.topic ?? '');
      if (node) first = await this.loadMore(node);
    }
    if (moveFocus && first) this.focusRow(first);
    else if (moveFocus && !row.isConnected) this.ensureTabStop();
  }

  // ------------------------------------------------------------------------------------ events

  private wireEvents(): void {
    this.search.addEventListener('input', () => this.onQueryInput());
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || (e.key === 'Enter' && this.state.query.trim())) {
        const rows = visibleRows(this.tree);
        const target = rows.find((r) => r.active) ?? rows[0];
        if (target) {
          e.preventDefault();
          this.focusRow(target);
        }
      } else if (e.key === 'Escape' && this.search.value) {
        e.preventDefault();
        this.search.value = '';
        this.onQueryInput();
      }
    });
    this.topicSelect.addEventListener('change', () => {
      const v = this.topicSelect.value;
      this.state.topic = v.startsWith('t:') ? v.slice(2) : '';
      this.saveState();
      void this.refresh();
    });
    this.importanceSelect.value = this.state.importance;
    this.importanceSelect.addEventListener('change', () => {
      const v = this.importanceSelect.value as ImportanceFilter;
      this.state.importance = Object.prototype.hasOwnProperty.call(IMPORTANCE_FILTERS, v) ? v : 'any';
      this.saveState();
      // Loaded pages were read under the old filter.
      for (const n of this.topics.values()) if (n.loaded) this.unloadTopic(n);
      void this.refresh();
    });

    this.tree.addEventListener('vsc-tree-select', (e: Event) => {
      const d = (e as CustomEvent).detail as unknown;
      const items = (Array.isArray(d) ? d : ((d as { selectedItems?: unknown[] })?.selectedItems ?? [])) as VscodeTreeItem[];
      const row = items[0];
      if (!row) return;
      const kind = kindOf(row);
      if (kind === 'more') {
        row.selected = false;
        if (this.selectedRow?.isConnected) this.selectedRow.selected = true;
        void this.activateMore(row, true);
        return;
      }
      if (kind === 'placeholder') {
        row.selected = false;
        return;
      }
      this.selectedRow = row;
      this.state.selected = this.rowKey(row);
      this.saveState();
      if (kind === 'memory') void this.openDetail(row.dataset.id!);
    });

    // Expanding a topic (click, Enter, →) reflects `open`; the tree has no event for it.
    new MutationObserver((records) => {
      for (const r of records) {
        const row = r.target as VscodeTreeItem;
        if (kindOf(row) !== 'topic' || this.mode !== 'browse') continue;
        const topic = row.dataset.topic!;
        const node = this.topics.get(topic);
        if (!node || node.row !== row) continue;
        if (row.open) {
          if (!Object.prototype.hasOwnProperty.call(this.state.expanded, topic)) this.state.expanded[topic] = 0;
          this.ensureLoaded(node);
        } else {
          delete this.state.expanded[topic];
        }
        this.saveState();
      }
    }).observe(this.tree, { attributes: true, attributeFilter: ['open'], subtree: true });

    this.tree.addEventListener('keydown', (e) => this.onTreeKey(e));
    this.tree.addEventListener('dblclick', (e) => {
      const row = (e.target as Element).closest?.('vscode-tree-item') as VscodeTreeItem | null;
      if (row && kindOf(row) === 'memory') void this.run('openMemory', { id: row.dataset.id });
    });
    this.scroller.addEventListener('scroll', () => {
      this.state.scrollTop = Math.round(this.scroller.scrollTop);
      this.saveState(200);
    }, { passive: true });
  }

  private onTreeKey(e: KeyboardEvent): void {
    const row = this.focusedRow();
    const rows = visibleRows(this.tree);
    const move = (target: VscodeTreeItem | undefined) => {
      e.preventDefault();
      if (target) this.focusRow(target);
    };
    switch (e.key) {
      case 'Home':
        return move(rows[0]);
      case 'End':
        return move(rows[rows.length - 1]);
      case 'PageDown':
      case 'PageUp': {
        const step = Math.max(1, Math.floor(this.scroller.clientHeight / 22) - 1);
        const i = row ? rows.indexOf(row) : 0;
        return move(rows[Math.max(0, Math.min(rows.length - 1, i + (e.key === 'PageDown' ? step : -step)))]);
      }
      case 'Delete':
      case 'Backspace': {
        if (e.key === 'Backspace' && !e.metaKey) return;
        if (!row) return;
        e.preventDefault();
        // The command asks the user to confirm; the row goes when the store says it is gone.
        if (kindOf(row) === 'memory') void this.run('deleteMemory', { id: row.dataset.id });
        else if (kindOf(row) === 'topic') void this.run('forgetTopic', { topic: row.dataset.topic });
        return;
      }
      case 'F2':
        if (row && kindOf(row) === 'memory') {
          e.preventDefault();
          void this.run('editMemory', { id: row.dataset.id });
        }
        return;
      case 'Enter':
        // Enter selects (shows details, via the tree); Ctrl/Cmd+Enter opens the memory's source.
        if ((e.ctrlKey || e.metaKey) && row && kindOf(row) === 'memory') void this.run('openMemory', { id: row.dataset.id });
        return;
      case 'Escape':
        if (this.detail.visible) this.closeDetail();
        return;
      default:
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && e.key !== ' ') this.typeAhead(e, rows, row);
    }
  }

  private typeBuffer = '';
  private typeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Typing letters on the tree jumps to the next row whose label starts with them. */
  private typeAhead(e: KeyboardEvent, rows: VscodeTreeItem[], current: VscodeTreeItem | null): void {
    e.preventDefault();
    clearTimeout(this.typeTimer);
    this.typeBuffer += e.key.toLowerCase();
    this.typeTimer = setTimeout(() => (this.typeBuffer = ''), 700);
    const start = current ? rows.indexOf(current) + (this.typeBuffer.length === 1 ? 1 : 0) : 0;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[(start + k) % rows.length];
      const label = r.querySelector('.row-label')?.textContent?.toLowerCase() ?? '';
      if (label.startsWith(this.typeBuffer)) return this.focusRow(r);
    }
  }

  private saveState(delay = 0): void {
    clearTimeout(this.saveTimer);
    if (delay) this.saveTimer = setTimeout(() => this.rpc.setState(this.state), delay);
    else this.rpc.setState(this.state);
  }
}
