/**
 * The memoir graph panel: toolbar (search, label and relation filters, Graph/List tabs), the canvas,
 * a keyboard list of the same concepts, and the concept detail. All text goes in with textContent
 * or canvas fillText; nothing the store returns is ever parsed as HTML.
 */
import type { ConceptDetail, GraphConcept, GraphData, GraphLink } from '../shared/graphProtocol';
import { plural } from '../shared/text';
import { confidenceBucket, GraphCanvas, type Palette } from './canvas';
import type { GraphRpc } from './rpc';

interface SavedState {
  v: 1;
  view: 'graph' | 'list';
  query: string;
  label: string;
  relation: string;
  selected: string | null;
}

const BUCKET_NAMES = ['< 0.2', '0.2–0.4', '0.4–0.6', '0.6–0.8', '≥ 0.8'];
const SEARCH_DEBOUNCE_MS = 120;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Theme colours from VS Code's CSS variables (re-read when the theme changes). */
export function readPalette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, dflt: string) => css.getPropertyValue(name).trim() || dflt;
  return {
    background: v('--vscode-editor-background', '#1e1e1e'),
    edge: v('--vscode-descriptionForeground', '#888888'),
    edgeHighlight: v('--vscode-textLink-foreground', '#3794ff'),
    label: v('--vscode-foreground', '#cccccc'),
    edgeLabel: v('--vscode-descriptionForeground', '#999999'),
    focus: v('--vscode-focusBorder', '#0078d4'),
    match: v('--vscode-charts-yellow', '#cca700'),
    confidence: [
      v('--vscode-charts-red', '#f14c4c'),
      v('--vscode-charts-orange', '#d18616'),
      v('--vscode-charts-yellow', '#cca700'),
      v('--vscode-charts-blue', '#3794ff'),
      v('--vscode-charts-green', '#89d185'),
    ],
  };
}

export class GraphApp {
  private data: GraphData = { memoir: { id: '', name: '', description: '' }, concepts: [], links: [], relations: [] };
  private byId = new Map<string, GraphConcept>();
  private degree = new Map<string, number>();
  private state: SavedState;
  private hits: string[] = [];
  private hitIndex = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private searchSeq = 0;
  private listItems: GraphConcept[] = [];
  private listStale = true;
  private active = 0;
  private graph!: GraphCanvas;

  private readonly title = el('h1');
  private readonly counts = el('span', { class: 'counts' });
  private readonly search = el('input', {
    type: 'search',
    id: 'search',
    placeholder: 'Search concepts',
    'aria-label': 'Search concepts',
  });
  private readonly labelFilter = el('select', { id: 'label-filter', 'aria-label': 'Show concepts with label' });
  private readonly relationFilter = el('select', { id: 'relation-filter', 'aria-label': 'Show links of relation' });
  private readonly tabGraph = el('button', { role: 'tab', id: 'tab-graph', 'aria-controls': 'graph' }, 'Graph');
  private readonly tabList = el('button', { role: 'tab', id: 'tab-list', 'aria-controls': 'list' }, 'List');
  private readonly status = el('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly graphView = el('section', {
    id: 'graph',
    class: 'view',
    role: 'tabpanel',
    'aria-labelledby': 'tab-graph',
  });
  private readonly listView = el('section', {
    id: 'list',
    class: 'view',
    role: 'tabpanel',
    'aria-labelledby': 'tab-list',
  });
  private readonly list = el('ul', { role: 'listbox', id: 'concept-list', tabindex: '0', 'aria-label': 'Concepts' });
  private readonly detail = el('aside', { id: 'detail', 'aria-label': 'Concept detail', tabindex: '-1' });

  constructor(
    private readonly root: HTMLElement,
    private readonly rpc: GraphRpc,
  ) {
    const s = rpc.getState() as Partial<SavedState> | undefined;
    this.state = {
      v: 1,
      view: s?.view === 'list' ? 'list' : 'graph',
      query: typeof s?.query === 'string' ? s.query : '',
      label: typeof s?.label === 'string' ? s.label : '',
      relation: typeof s?.relation === 'string' ? s.relation : '',
      selected: typeof s?.selected === 'string' ? s.selected : null,
    };
  }

  async start(): Promise<void> {
    this.build();
    this.rpc.onPush((m) => {
      if (m.type === 'dataChanged') void this.load();
    });
    performance.mark('mnemos:graph-ready');
    this.rpc.ready();
    await this.load();
  }

  // ------------------------------------------------------------------------------------ layout

  private build(): void {
    const tabs = el('div', { role: 'tablist', 'aria-label': 'View' });
    tabs.append(this.tabGraph, this.tabList);
    const legend = el('div', { class: 'legend', 'aria-label': 'Colour is confidence' });
    legend.append(el('span', {}, 'confidence'));
    const palette = readPalette();
    BUCKET_NAMES.forEach((name, i) => {
      const item = el('span');
      const sw = el('span', { class: 'swatch', 'data-bucket': String(i) });
      sw.style.background = palette.confidence[i];
      item.append(sw, document.createTextNode(name));
      legend.append(item);
    });
    const header = el('header');
    header.append(
      this.title,
      this.counts,
      this.search,
      this.labelFilter,
      this.relationFilter,
      tabs,
      legend,
      this.status,
    );
    this.listView.append(this.list);
    const main = el('main');
    main.append(this.graphView, this.listView, this.detail);
    this.root.append(header, main);
    this.showEmptyDetail();

    this.graph = new GraphCanvas(this.graphView, palette, {
      select: (id) => (id ? void this.select(id, 'graph') : undefined),
    });
    this.search.value = this.state.query;
    this.search.addEventListener('input', () => this.onSearchInput());
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.nextHit();
      } else if (e.key === 'Escape' && this.search.value) {
        e.preventDefault();
        this.search.value = '';
        this.onSearchInput();
      }
    });
    this.labelFilter.addEventListener('change', () => {
      this.state.label = this.labelFilter.value;
      this.applyFilters();
    });
    this.relationFilter.addEventListener('change', () => {
      this.state.relation = this.relationFilter.value;
      this.applyFilters();
    });
    this.tabGraph.addEventListener('click', () => this.setView('graph'));
    this.tabList.addEventListener('click', () => this.setView('list'));
    tabs.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      e.preventDefault();
      this.setView(this.state.view === 'graph' ? 'list' : 'graph');
      (this.state.view === 'graph' ? this.tabGraph : this.tabList).focus();
    });
    this.list.addEventListener('keydown', (e) => this.onListKey(e));
    this.list.addEventListener('click', (e) => {
      const li = (e.target as HTMLElement).closest('[role="option"]');
      if (!li) return;
      this.setActive(Number(li.getAttribute('data-index')));
      void this.select(this.listItems[this.active].id, 'list');
    });
    this.detail.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') (this.state.view === 'list' ? this.list : this.graph.canvas).focus();
    });
    // VS Code changes the theme by rewriting <html style> and the body class.
    const onTheme = () => {
      const p = readPalette();
      this.graph.setPalette(p);
      legend
        .querySelectorAll<HTMLElement>('.swatch')
        .forEach((sw) => (sw.style.background = p.confidence[Number(sw.dataset.bucket)]));
    };
    const mo = new MutationObserver(onTheme);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
    mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.setView(this.state.view, false);
  }

  private setView(view: 'graph' | 'list', save = true): void {
    this.state.view = view;
    this.tabGraph.setAttribute('aria-selected', String(view === 'graph'));
    this.tabList.setAttribute('aria-selected', String(view === 'list'));
    this.tabGraph.tabIndex = view === 'graph' ? 0 : -1;
    this.tabList.tabIndex = view === 'list' ? 0 : -1;
    this.graphView.hidden = view !== 'graph';
    this.listView.hidden = view !== 'list';
    if (view === 'list' && this.listStale) this.renderList();
    if (save) this.save();
  }

  private save(): void {
    this.state.query = this.search.value;
    this.rpc.setState(this.state);
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }

  // -------------------------------------------------------------------------------------- data

  private async load(): Promise<void> {
    let data: GraphData;
    try {
      data = await this.rpc.request('graph', {});
    } catch (e) {
      this.setStatus(`Could not load the memoir: ${(e as Error).message}`, true);
      return;
    }
    const t0 = performance.now();
    this.data = data;
    this.byId = new Map(data.concepts.map((c) => [c.id, c]));
    this.degree = new Map(data.concepts.map((c) => [c.id, 0]));
    for (const l of data.links) {
      this.degree.set(l.source, (this.degree.get(l.source) ?? 0) + 1);
      this.degree.set(l.target, (this.degree.get(l.target) ?? 0) + 1);
    }
    this.title.textContent = data.memoir.name;
    this.title.title = data.memoir.description;
    this.counts.textContent = `${plural(data.concepts.length, 'concept')} · ${plural(data.links.length, 'link')}`;
    this.fillFilters();
    // Filters first: setData draws at once.
    this.applyFilters(false);
    await this.graph.setData(data.concepts, data.links);
    if (!performance.getEntriesByName('mnemos:graph-first-paint').length) {
      performance.measure('mnemos:graph-render', { start: t0, end: performance.now() });
      performance.measure('mnemos:graph-first-paint', 'mnemos:graph-ready');
    }
    if (!data.memoir.id) this.setStatus('This memoir no longer exists.', true);
    else if (!data.concepts.length) this.setStatus('This memoir has no concepts yet.');
    if (this.state.selected && this.byId.has(this.state.selected)) void this.select(this.state.selected, 'restore');
    else if (this.state.selected) this.clearSelection();
    if (this.search.value.trim()) void this.runSearch(false);
  }

  private fillFilters(): void {
    const labels = new Map<string, number>();
    for (const c of this.data.concepts) for (const l of c.labels) labels.set(l, (labels.get(l) ?? 0) + 1);
    const option = (value: string, text: string) => el('option', { value }, text);
    this.labelFilter.replaceChildren(
      option('', 'All labels'),
      ...[...labels].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([l, n]) => option(l, `${l} (${n})`)),
    );
    const used = new Map<string, number>();
    for (const l of this.data.links) used.set(l.relation, (used.get(l.relation) ?? 0) + 1);
    this.relationFilter.replaceChildren(
      option('', 'All relations'),
      ...this.data.relations
        .filter((r) => used.has(r))
        .map((r) => option(r, `${r.replace(/_/g, ' ')} (${used.get(r)})`)),
    );
    if (!labels.has(this.state.label)) this.state.label = '';
    if (!used.has(this.state.relation)) this.state.relation = '';
    this.labelFilter.value = this.state.label;
    this.relationFilter.value = this.state.relation;
  }

  private shown(c: GraphConcept): boolean {
    return !this.state.label || c.labels.includes(this.state.label);
  }

  private applyFilters(save = true): void {
    const hidden = new Set(this.data.concepts.filter((c) => !this.shown(c)).map((c) => c.id));
    this.graph.setFilter(hidden, this.state.relation);
    this.renderList();
    if (save) this.save();
  }

  // ------------------------------------------------------------------------------------ search

  private onSearchInput(): void {
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.runSearch(true), SEARCH_DEBOUNCE_MS);
  }

  /** Name and label matches at once, then full-text matches (definitions too) from the host. */
  private async runSearch(centre: boolean): Promise<void> {
    const seq = ++this.searchSeq;
    const q = this.search.value.trim();
    this.save();
    if (!q) {
      this.setHits([], false);
      this.setStatus('');
      return;
    }
    const needle = q.toLowerCase();
    const local = this.data.concepts.filter(
      (c) => c.name.toLowerCase().includes(needle) || c.labels.some((l) => l.toLowerCase().includes(needle)),
    );
    local.sort(
      (a, b) =>
        Number(!a.name.toLowerCase().startsWith(needle)) - Number(!b.name.toLowerCase().startsWith(needle)) ||
        a.name.length - b.name.length,
    );
    let ids = local.map((c) => c.id);
    this.setHits(ids, centre);
    try {
      const r = await this.rpc.request('search', { query: q });
      if (seq !== this.searchSeq) return;
      const more = r.ids.filter((id) => this.byId.has(id) && !ids.includes(id));
      if (more.length) {
        ids = [...ids, ...more];
        this.setHits(ids, centre && !local.length);
      }
    } catch {
      // Name matches still stand; full-text search is a bonus.
    }
  }

  private setHits(ids: string[], centre: boolean): void {
    this.hits = ids;
    this.hitIndex = 0;
    this.graph.setHits(ids);
    this.setStatus(
      this.search.value.trim()
        ? ids.length
          ? `${plural(ids.length, 'match', 'matches')} · Enter for the next`
          : 'No concept matches'
        : '',
    );
    this.renderList();
    if (centre && ids.length) this.graph.centreOn(ids[0]);
  }

  private nextHit(): void {
    if (!this.hits.length) return;
    const id = this.hits[this.hitIndex % this.hits.length];
    this.hitIndex++;
    this.graph.centreOn(id);
    void this.select(id, 'search');
  }

  // -------------------------------------------------------------------------------------- list

  private renderList(): void {
    // Built only while the List tab shows: 1,000 rows cost more than the graph's first frame.
    if (this.state.view !== 'list') {
      this.listStale = true;
      return;
    }
    this.listStale = false;
    const q = this.search.value.trim();
    const hit = new Set(this.hits);
    const items = this.data.concepts.filter((c) => this.shown(c) && (!q || hit.has(c.id)));
    if (q) items.sort((a, b) => this.hits.indexOf(a.id) - this.hits.indexOf(b.id));
    this.listItems = items;
    const rows = items.map((c, i) => {
      const li = el('li', {
        role: 'option',
        id: `opt-${i}`,
        'data-index': String(i),
        'data-id': c.id,
        'aria-selected': String(c.id === this.state.selected),
      });
      const sw = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      sw.style.background = readPaletteCached().confidence[confidenceBucket(c.confidence)];
      const deg = this.degree.get(c.id) ?? 0;
      li.append(
        sw,
        el('span', { class: 'name' }, c.name),
        el('span', { class: 'meta' }, `${c.confidence.toFixed(2)} · ${plural(deg, 'link')}`),
      );
      return li;
    });
    this.list.replaceChildren(...rows);
    if (!items.length) this.list.append(el('li', { class: 'muted' }, q ? 'No concept matches.' : 'No concepts.'));
    const sel = this.state.selected ? items.findIndex((c) => c.id === this.state.selected) : -1;
    this.setActive(sel >= 0 ? sel : Math.min(this.active, Math.max(0, items.length - 1)));
  }

  private setActive(i: number): void {
    this.list.querySelector('.active')?.classList.remove('active');
    if (!this.listItems.length) {
      this.list.removeAttribute('aria-activedescendant');
      return;
    }
    this.active = Math.max(0, Math.min(this.listItems.length - 1, i));
    const li = this.list.querySelector<HTMLElement>(`#opt-${this.active}`);
    if (!li) return;
    li.classList.add('active');
    this.list.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  }

  private onListKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.list.clientHeight / 22));
    const moves: Record<string, number> = {
      ArrowDown: this.active + 1,
      ArrowUp: this.active - 1,
      Home: 0,
      End: this.listItems.length - 1,
      PageDown: this.active + page,
      PageUp: this.active - page,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.setActive(moves[e.key]);
      return;
    }
    if ((e.key === 'Enter' || e.key === ' ') && this.listItems[this.active]) {
      e.preventDefault();
      void this.select(this.listItems[this.active].id, 'list');
    }
  }

  // ------------------------------------------------------------------------------------ detail

  private clearSelection(): void {
    this.state.selected = null;
    this.graph.setSelected(null);
    this.showEmptyDetail();
    this.save();
  }

  private showEmptyDetail(): void {
    this.detail.replaceChildren(
      el(
        'p',
        { class: 'muted' },
        'Select a concept in the graph or the list to see its definition, labels and sources.',
      ),
    );
  }

  /** Shows a concept: detail from the host, highlighted in the graph, active in the list. */
  private async select(id: string, from: 'graph' | 'list' | 'search' | 'link' | 'restore'): Promise<void> {
    this.state.selected = id;
    this.graph.setSelected(id);
    this.save();
    this.list.querySelectorAll('[aria-selected="true"]').forEach((n) => n.setAttribute('aria-selected', 'false'));
    const i = this.listItems.findIndex((c) => c.id === id);
    if (i >= 0) {
      this.list.querySelector(`#opt-${i}`)?.setAttribute('aria-selected', 'true');
      this.setActive(i);
    }
    if (from === 'link') this.graph.centreOn(id);
    let detail: ConceptDetail | null;
    try {
      detail = (await this.rpc.request('concept', { id })).concept;
    } catch (e) {
      this.detail.replaceChildren(
        el('p', { class: 'status error' }, `Could not load the concept: ${(e as Error).message}`),
      );
      return;
    }
    if (this.state.selected !== id) return;
    if (!detail) {
      this.detail.replaceChildren(el('p', { class: 'muted' }, 'This concept has been deleted.'));
      return;
    }
    this.renderDetail(detail);
    if (from === 'link') this.detail.querySelector<HTMLElement>('h2')?.focus();
  }

  private renderDetail(c: ConceptDetail): void {
    const parts: HTMLElement[] = [];
    parts.push(el('h2', { tabindex: '-1' }, c.name));
    parts.push(
      el(
        'p',
        { class: 'facts' },
        `confidence ${c.confidence.toFixed(2)} · revision ${c.revision} · updated ${c.updatedAt.slice(0, 10)}`,
      ),
    );
    parts.push(el('h3', {}, 'Definition'), el('pre', { class: 'definition' }, c.definition));
    if (c.labels.length) {
      const chips = el('div', { class: 'chips' });
      for (const l of c.labels) chips.append(el('span', { class: 'chip' }, l));
      parts.push(el('h3', {}, 'Labels'), chips);
    }
    const out = this.data.links.filter((l) => l.source === c.id);
    const inc = this.data.links.filter((l) => l.target === c.id);
    if (out.length || inc.length) {
      parts.push(el('h3', {}, `Links (${out.length + inc.length})`));
      const ul = el('ul', { class: 'links' });
      const add = (l: GraphLink, other: string, text: string) => {
        const b = el('button', { 'data-id': other, title: `Go to ${this.byId.get(other)?.name ?? other}` }, text);
        b.addEventListener('click', () => void this.select(other, 'link'));
        const li = el('li');
        li.append(b);
        ul.append(li);
      };
      for (const l of out)
        add(l, l.target, `${l.relation.replace(/_/g, ' ')} → ${this.byId.get(l.target)?.name ?? l.target}`);
      for (const l of inc)
        add(l, l.source, `${this.byId.get(l.source)?.name ?? l.source} ${l.relation.replace(/_/g, ' ')} this`);
      parts.push(ul);
    }
    parts.push(el('h3', {}, `Source memories (${c.sources.length})`));
    if (!c.sources.length) parts.push(el('p', { class: 'muted' }, 'None recorded.'));
    else {
      const ul = el('ul', { class: 'sources' });
      for (const s of c.sources) {
        const li = el('li');
        if (s.missing) li.append(el('span', { class: 'muted' }, `${s.id} (deleted)`));
        else {
          const b = el('button', { 'data-memory': s.id, title: `Open memory ${s.id}` }, `${s.topic}: ${s.label}`);
          b.addEventListener('click', () => {
            this.rpc
              .request('openMemory', { id: s.id })
              .catch((e: Error) => this.setStatus(`Could not open the memory: ${e.message}`, true));
          });
          li.append(b);
        }
        ul.append(li);
      }
      parts.push(ul);
    }
    this.detail.replaceChildren(...parts);
  }

  /** For tests and benchmarks (read-only views of the canvas). */
  get canvas(): GraphCanvas {
    return this.graph;
  }
}

let cached: Palette | undefined;
let cachedAt = 0;
/** The list colours its swatches from the same palette; re-read at most every second. */
function readPaletteCached(): Palette {
  if (!cached || performance.now() - cachedAt > 1000) {
    cached = readPalette();
    cachedAt = performance.now();
  }
  return cached;
}
