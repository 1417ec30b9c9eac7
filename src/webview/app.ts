/**
 * The Memories sidebar: search field, filters, a lazily paged tree of topics and memories, a detail
 * pane. This file builds the page and routes events; each concern is a module of its own:
 * topics.ts (browse paging), search.ts (results), vtree.ts (the virtualized tree), keyboard.ts, detailPane.ts,
 * notices.ts (banner, recall notice, status line, empty view), state.ts (saved UI state).
 * Data always comes from the host; only UI state is kept across hides (getState/setState).
 */
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { HostMessage, RecallNotice, Result, SidebarCommand, SidebarStatus, TopicInfo } from '../shared/protocol';
import { plural } from '../shared/text';
import { DetailPane } from './detailPane';
import { el, icon } from './dom';
import { TreeKeyboard } from './keyboard';
import { Banner, RecallNote, renderEmpty, StatusLine } from './notices';
import { Rpc } from './rpc';
import { SearchResults } from './search';
import { IMPORTANCE_FILTERS, type ImportanceFilter, SavedState } from './state';
import { TopicPager } from './topics';
import { type TreeRow, VirtualTree } from './vtree';

/** Keystroke → query. 80 ms was felt in the workbench (keystroke → results ≈ 250 ms at 10k); queries are cheap. */
const DEBOUNCE_MS = 30;

/** Marks a promise that runs alongside others as handled; whoever awaits it still sees the error. */
function parallel<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

export class App {
  private readonly rpc = new Rpc();
  private readonly saved = new SavedState(this.rpc);
  private mode: 'browse' | 'search' = 'browse';
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private topicNames = '';
  /** The topic filter's options: every topic once the user reaches for the select, until then "All topics" and the current one. */
  private topicList: string[] = [];
  private topicOptionsFull = false;
  private status: SidebarStatus | undefined;

  private readonly search: VscodeTextfield;
  private readonly topicSelect: VscodeSingleSelect;
  private readonly importanceSelect: VscodeSingleSelect;
  private readonly scroller: HTMLElement;
  private readonly tree: VirtualTree;
  private readonly empty: HTMLElement;
  private readonly live: HTMLElement;
  private readonly banner: Banner;
  private readonly note: RecallNote;
  private readonly statusLine = new StatusLine();
  private readonly pager: TopicPager;
  private readonly results: SearchResults;
  private readonly detail: DetailPane;
  private readonly keyboard: TreeKeyboard;

  constructor(root: HTMLElement) {
    const ui = this.saved.ui;
    this.search = el('vscode-textfield', {
      class: 'search',
      attrs: { type: 'search', placeholder: 'Search memories', id: 'search' },
    });
    this.search.label = 'Search memories';
    this.search.append(el('span', { slot: 'content-before', class: 'search-icon' }, icon('search')));
    this.search.value = ui.query;

    this.topicSelect = el('vscode-single-select', { class: 'filter', attrs: { id: 'topic-filter' } });
    this.topicSelect.label = 'Filter by topic';
    this.topicSelect.title = 'Filter by topic';
    this.importanceSelect = el('vscode-single-select', { class: 'filter', attrs: { id: 'importance-filter' } });
    this.importanceSelect.label = 'Filter by importance';
    this.importanceSelect.title = 'Filter by importance';
    for (const [value, f] of Object.entries(IMPORTANCE_FILTERS))
      this.importanceSelect.append(el('vscode-option', { text: f.label, attrs: { value } }));
    this.setTopicOptions([]);

    const run = (command: SidebarCommand, arg: { id?: string; topic?: string } = {}) => this.run(command, arg);
    this.banner = new Banner({ retry: () => void this.refresh(), run: (c) => void run(c) });
    this.note = new RecallNote({ retry: () => this.reloadModel(), run: (c) => void run(c) });
    this.empty = el('div', { class: 'empty', attrs: { id: 'empty', hidden: '' } });
    this.scroller = el('div', { class: 'scroller', attrs: { id: 'scroller' } }, this.empty);
    this.tree = new VirtualTree(this.scroller, {
      activate: (row) => this.activate(row),
      toggle: (row, open) => this.toggle(row, open),
      moreInView: (row) => queueMicrotask(() => void this.activateMore(row, false)),
      keydown: (e, row) => this.keyboard.onKey(e, row),
      dblclick: (row) => {
        if (row.kind === 'memory') void this.run('openMemory', { id: row.id });
      },
    });
    this.scroller.prepend(this.tree.root);
    this.live = el('div', { class: 'sr-only', attrs: { 'aria-live': 'polite', id: 'live' } });

    const showError = (e: unknown) => this.banner.showError(e);
    const common = { rpc: this.rpc, saved: this.saved, changed: () => this.draw() };
    this.pager = new TopicPager({ ...common, showError });
    this.results = new SearchResults({ ...common, rendered: (r, more) => this.searchRendered(r, more) });
    this.detail = new DetailPane({
      rpc: this.rpc,
      saved: this.saved,
      showError,
      run,
      closed: () => {
        const k = this.tree.selected;
        if (k && this.tree.row(k)) this.tree.focusKey(k);
      },
    });
    this.keyboard = new TreeKeyboard({
      tree: this.tree,
      run: (c, arg) => void run(c, arg),
      activate: (row) => this.activate(row),
      toggle: (row, open) => this.toggle(row, open),
      closeDetail: () => this.detail.visible && this.detail.close(),
    });
    this.tree.setSelected(this.saved.ui.selected);

    root.replaceChildren(
      el(
        'header',
        { class: 'top' },
        this.search,
        el(
          'div',
          { class: 'filters', attrs: { role: 'group', 'aria-label': 'Filters' } },
          this.topicSelect,
          this.importanceSelect,
        ),
        this.note.root,
      ),
      this.banner.root,
      this.scroller,
      this.detail.view.root,
      this.statusLine.root,
      this.live,
    );
    this.wireEvents();
  }

  // --------------------------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    this.rpc.onPush((m) => this.onPush(m));
    const t0 = performance.now();
    performance.mark('mnemos:ready');
    this.rpc.ready();
    await this.refresh();
    this.tree.tabStopToSelected();
    await frame();
    performance.measure('mnemos:first-paint', { start: t0, end: performance.now() });
    const ui = this.saved.ui;
    this.scroller.scrollTop = ui.scrollTop;
    if (ui.detailOpen && ui.selected?.startsWith('m:')) void this.detail.open(ui.selected.slice(2));
  }

  private onPush(m: Exclude<HostMessage, { type: 'response' }>): void {
    if (m.type === 'dataChanged') void this.refresh();
    else if (m.type === 'status') {
      this.status = m.status;
      this.statusLine.set(m.status);
      // A search on screen says why it is keyword-only with the host's latest words (a Retry that worked clears it).
      if (this.mode === 'search') this.note.set(m.status.keywordOnly ? m.status.recall : undefined);
    }
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
    const ui = this.saved.ui;
    try {
      // Everything the view shows is asked for at once: one round trip, not one per level.
      const topicsP = parallel(this.rpc.request('topics', { importance: this.saved.importanceLevels() }));
      const searching = !!ui.query.trim();
      const searchP = searching ? parallel(this.results.run()) : undefined;
      const lists = new Map<string, Promise<Result<'list'>>>();
      if (!searching)
        for (const topic of this.pager.expandedTopics()) lists.set(topic, parallel(this.pager.requestFirstRows(topic)));
      const shown = this.detail.shownId;
      const detailP = shown ? parallel(this.detail.open(shown, true)) : undefined;
      const { topics } = await topicsP;
      this.setTopicOptions(topics);
      if (searchP) await searchP;
      else await this.renderBrowse(topics, lists);
      await detailP;
      this.banner.hide();
    } catch (e) {
      this.banner.showError(e);
    }
  }

  // ------------------------------------------------------------------------------- browse/search

  private async renderBrowse(topics: TopicInfo[], prefetched: Map<string, Promise<Result<'list'>>>): Promise<void> {
    this.mode = 'browse';
    this.tree.root.setAttribute('aria-label', 'Memories by topic');
    this.results.clear();
    this.note.set(undefined);
    const ui = this.saved.ui;
    const visible = ui.topic ? topics.filter((t) => t.topic === ui.topic) : topics;
    this.showEmpty(visible.length === 0);
    await this.pager.render(visible, prefetched);
    this.draw();
  }

  /** Draws the rows of the current mode (vtree.ts puts the ones in view in the DOM). */
  private draw(): void {
    this.tree.setRows(this.mode === 'search' ? this.results.rows() : this.pager.rows());
  }

  /** Click, Enter or Space on a row. */
  private activate(row: TreeRow): void {
    if (row.kind === 'more') {
      void this.activateMore(row, true);
      return;
    }
    if (row.kind === 'placeholder') return;
    this.select(row.key);
    if (row.kind === 'topic') this.toggle(row, !row.expanded);
    else if (row.kind === 'memory' && row.id) void this.detail.open(row.id);
  }

  private toggle(row: TreeRow, open: boolean): void {
    if (row.kind === 'topic' && row.topic !== undefined && this.mode === 'browse') this.pager.setOpen(row.topic, open);
  }

  private select(key: string): void {
    this.saved.ui.selected = key;
    this.saved.save();
    this.tree.setSelected(key);
  }

  private onQueryInput(): void {
    this.saved.ui.query = this.search.value;
    this.saved.save();
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.searchNow(), DEBOUNCE_MS);
  }

  private async searchNow(): Promise<void> {
    this.results.firstPage();
    if (!this.saved.ui.query.trim()) {
      if (this.mode === 'search') await this.refresh();
      return;
    }
    const t0 = performance.now();
    try {
      const n = await this.results.run();
      if (n === undefined) return;
      await frame();
      performance.measure('mnemos:search', {
        start: t0,
        end: performance.now(),
        detail: { query: this.saved.ui.query, results: n },
      });
      this.banner.hide();
    } catch (e) {
      this.banner.showError(e);
    }
  }

  private searchRendered(r: Result<'search'>, hasMore: boolean): void {
    if (this.mode !== 'search') {
      this.mode = 'search';
      this.tree.root.setAttribute('aria-label', 'Search results');
    }
    this.draw();
    this.note.set(r.mode === 'keyword' ? this.keywordNotice(r.notice) : undefined);
    this.showEmpty(r.items.length === 0);
    const n = r.items.length;
    this.live.textContent = n
      ? `${hasMore ? 'At least ' : ''}${plural(n, 'memory', 'memories')} found`
      : 'No memories found';
  }

  /** The host's latest status says it best (it follows a Retry); the search's own notice otherwise. */
  private keywordNotice(fromSearch: RecallNotice | undefined): RecallNotice | undefined {
    return (this.status?.keywordOnly && this.status.recall) || fromSearch;
  }

  /** Retry of a failed model load: the host reloads it, then the search runs again (hybrid if it worked). */
  private async reloadModel(): Promise<void> {
    try {
      await this.rpc.request('reloadModel', {});
    } catch (e) {
      this.banner.showError(e);
    }
    await this.refresh();
  }

  /** A "more" row activated (moveFocus: to the first new row) or scrolled into view. */
  private async activateMore(row: TreeRow, moveFocus: boolean): Promise<void> {
    let first: string | undefined;
    try {
      if (row.key === 'more:') {
        if (this.mode === 'search') first = await this.results.loadMore();
      } else if (row.topic !== undefined && this.mode === 'browse')
        first = await this.pager.loadMore(row.topic, !moveFocus);
    } catch (e) {
      this.banner.showError(e);
    }
    if (moveFocus && first !== undefined && this.tree.row('m:' + first)) this.tree.focusKey('m:' + first);
  }

  // ------------------------------------------------------------------------------------- views

  private showEmpty(nothing: boolean): void {
    this.empty.hidden = !nothing;
    this.tree.root.hidden = nothing;
    if (!nothing) return;
    const ui = this.saved.ui;
    const filtered = !this.saved.filtered() ? false : ui.query.trim() ? 'search' : 'filters';
    renderEmpty(this.empty, filtered, { run: (c) => void this.run(c), clearFilters: () => this.clearFilters() });
  }

  private setTopicOptions(topics: TopicInfo[]): void {
    this.topicList = topics.map((t) => t.topic);
    this.fillTopicOptions();
  }

  /**
   * WHY lazily: vscode-single-select renders every vscode-option and reads each one's innerText (a
   * layout) whenever its options change; with 500 topics that was most of the first paint (CPU
   * profile, test/webview harness, 10,000 memories). The full list is made when the select is
   * pointed at or focused, before it can open.
   */
  private fillTopicOptions(): void {
    const current = this.saved.ui.topic;
    const names = this.topicOptionsFull ? [...this.topicList] : [];
    if (current && !names.includes(current)) names.push(current);
    const key = names.join('\u0000');
    if (key === this.topicNames && this.topicSelect.childElementCount) return;
    this.topicNames = key;
    const options = names.map((n) => el('vscode-option', { text: n, attrs: { value: 't:' + n } }));
    this.topicSelect.replaceChildren(el('vscode-option', { text: 'All topics', attrs: { value: '' } }), ...options);
    this.topicSelect.value = current ? 't:' + current : '';
  }

  private wantTopicOptions(): void {
    if (this.topicOptionsFull) return;
    this.topicOptionsFull = true;
    this.fillTopicOptions();
  }

  private async run(command: SidebarCommand, arg: { id?: string; topic?: string } = {}): Promise<void> {
    try {
      await this.rpc.request('run', { command, ...arg });
    } catch (e) {
      this.banner.showError(e);
    }
  }

  private clearFilters(): void {
    const ui = this.saved.ui;
    ui.query = '';
    this.search.value = '';
    ui.topic = '';
    this.topicSelect.value = '';
    ui.importance = 'any';
    this.importanceSelect.value = 'any';
    this.saved.save();
    void this.refresh();
  }

  // ------------------------------------------------------------------------------------ events

  private wireEvents(): void {
    const ui = this.saved.ui;
    this.search.addEventListener('input', () => this.onQueryInput());
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || (e.key === 'Enter' && ui.query.trim())) {
        const target = this.tree.active;
        if (target !== null) {
          e.preventDefault();
          this.tree.focusKey(target);
        }
      } else if (e.key === 'Escape' && this.search.value) {
        e.preventDefault();
        this.search.value = '';
        this.onQueryInput();
      }
    });
    for (const ev of ['pointerdown', 'focusin', 'mouseenter'])
      this.topicSelect.addEventListener(ev, () => this.wantTopicOptions());
    this.topicSelect.addEventListener('change', () => {
      const v = this.topicSelect.value;
      ui.topic = v.startsWith('t:') ? v.slice(2) : '';
      this.saved.save();
      void this.refresh();
    });
    this.importanceSelect.value = ui.importance;
    this.importanceSelect.addEventListener('change', () => {
      const v = this.importanceSelect.value as ImportanceFilter;
      ui.importance = Object.prototype.hasOwnProperty.call(IMPORTANCE_FILTERS, v) ? v : 'any';
      this.saved.save();
      this.pager.unloadAll(); // loaded pages were read under the old filter
      void this.refresh();
    });

    this.scroller.addEventListener(
      'scroll',
      () => {
        ui.scrollTop = Math.round(this.scroller.scrollTop);
        this.saved.save(200);
      },
      { passive: true },
    );
  }
}
