/**
 * The memoir graph on one 2D canvas, laid out by d3-force. Chosen over Cytoscape.js by measurement
 * (bench/graph-view.ts, docs/BENCHMARKS.md): with 1,000 concepts and 3,000 links Cytoscape spent seconds
 * building its elements before the first frame. Layout is incremental: a time-boxed warm-up before the
 * first frame, then a few milliseconds of ticks per frame until it settles; new data keeps the positions
 * of the concepts already placed. Drawing culls to the viewport and batches fills by colour; labels
 * appear as the user zooms in. While the view pans or zooms, frames are lighter (no arrowheads, relation
 * labels or most names; the full frame follows a pause), and no layout work runs once it has settled. Text is drawn with fillText, so no concept text ever becomes markup.
 */
import {
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type Simulation,
  type SimulationLinkDatum,
  type SimulationNodeDatum,
} from 'd3-force';

export interface CanvasNode extends SimulationNodeDatum {
  id: string;
  name: string;
  confidence: number;
  degree: number;
}
export interface CanvasLink extends SimulationLinkDatum<CanvasNode> {
  id: string;
  source: CanvasNode;
  target: CanvasNode;
  relation: string;
}

export interface Palette {
  background: string;
  edge: string;
  edgeHighlight: string;
  label: string;
  edgeLabel: string;
  focus: string;
  match: string;
  /** Fills for confidence buckets, lowest first. */
  confidence: string[];
}

export interface GraphCanvasEvents {
  /** A concept was clicked (or null: the background). */
  select(id: string | null): void;
}

const WARM_MS = 25;
/** While the view moves, frames skip relation labels and most concept labels; the full frame follows a pause. */
const LIGHT_MS = 150;
const TICK_MS = 6;
const NODE_LABEL_ZOOM = 0.7;
const EDGE_LABEL_ZOOM = 1.2;
/** Arrowheads (6 world units) from this zoom on, and never while the view moves: they are half the raster work. */
const ARROW_ZOOM = 0.6;
const MAX_LABELS = 600;
/** Screen cells a concept label claims (12 px text): no two labels share one. */
const LABEL_CELL_W = 24;
const LABEL_CELL_H = 8;
const ALL_LABELS = 40;
const LIGHT_LABELS = 150;
/** Subpaths per fill or stroke: Skia rasterises one path of thousands of subpaths many times slower. */
const CHUNK = 50;

/** A batch of paths in world coordinates and the box that holds them. */
interface Chunk {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  path: Path2D;
  /** Arrowheads, for edge chunks. */
  heads?: Path2D;
}
interface Geometry {
  edges: Chunk[];
  /** Links of the selected concept, highlighted. */
  near: Chunk[];
  /** By confidence bucket, then the same buckets faded (a search is active). */
  nodes: Chunk[][];
}
function grow(c: Chunk, x: number, y: number, r: number): void {
  c.x0 = Math.min(c.x0, x - r);
  c.y0 = Math.min(c.y0, y - r);
  c.x1 = Math.max(c.x1, x + r);
  c.y1 = Math.max(c.y1, y + r);
}

/** Bucket index 0–4 of a confidence 0–1. */
export function confidenceBucket(c: number): number {
  return Math.max(0, Math.min(4, Math.floor((Number.isFinite(c) ? c : 0) * 5)));
}
export const radiusOf = (degree: number) => Math.min(22, 4 + 2 * Math.sqrt(degree));

export class GraphCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private nodes: CanvasNode[] = [];
  private links: CanvasLink[] = [];
  private byId = new Map<string, CanvasNode>();
  private sim?: Simulation<CanvasNode, CanvasLink>;
  private t = { k: 1, x: 0, y: 0 };
  private width = 0;
  private height = 0;
  private dpr = 1;
  private dirty = true;
  private raf = 0;
  private hidden = new Set<string>();
  private relation = '';
  private hits = new Set<string>();
  private selected: string | null = null;
  private userMoved = false;
  private drag?: { x: number; y: number; tx: number; ty: number; moved: boolean };
  /** Paths of the current positions, filters and selection (null: rebuild at the next frame). */
  private geo: Geometry | null = null;
  /** What the last frame drew (tests check filters with it). */
  lastFrame = { nodes: 0, edges: 0, labels: 0 };

  constructor(
    private readonly host: HTMLElement,
    private palette: Palette,
    private readonly events: GraphCanvasEvents,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute(
      'aria-label',
      'Concept graph. Drag to pan, wheel or + and − to zoom, arrow keys to pan, 0 to fit. The List tab has the same concepts for the keyboard.',
    );
    host.appendChild(this.canvas);
    this.ctx = this.canvas.getContext('2d', { alpha: true })!;
    this.resize();
    new ResizeObserver(() => this.resize()).observe(host);
    this.canvas.addEventListener('pointerdown', (e) => this.onDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.onMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.onUp(e));
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
  }

  /**
   * Shows these concepts and links. Concepts already on the canvas keep their place; new ones start next
   * to a placed neighbour. Resolves once the first frame with every concept has been drawn.
   */
  setData(
    nodes: { id: string; name: string; confidence: number }[],
    links: { id: string; source: string; target: string; relation: string }[],
  ): Promise<void> {
    const old = this.byId;
    const byId = new Map<string, CanvasNode>();
    this.nodes = nodes.map((n) => {
      const prev = old.get(n.id);
      const node: CanvasNode = prev
        ? Object.assign(prev, { name: n.name, confidence: n.confidence, degree: 0 })
        : { ...n, degree: 0 };
      byId.set(n.id, node);
      return node;
    });
    this.links = [];
    for (const l of links) {
      const s = byId.get(l.source);
      const t = byId.get(l.target);
      if (!s || !t || s === t) continue;
      s.degree++;
      t.degree++;
      this.links.push({ id: l.id, source: s, target: t, relation: l.relation });
    }
    const placed = this.nodes.filter((n) => n.x !== undefined).length;
    for (const l of this.links) {
      // A new concept starts next to a placed neighbour, so an update does not scatter the graph.
      const [a, b] = [l.source, l.target];
      if (a.x === undefined && b.x !== undefined) Object.assign(a, { x: b.x + jitter(), y: b.y! + jitter() });
      if (b.x === undefined && a.x !== undefined) Object.assign(b, { x: a.x + jitter(), y: a.y! + jitter() });
    }
    this.byId = byId;
    this.sim?.stop();
    this.sim = forceSimulation<CanvasNode, CanvasLink>(this.nodes)
      .force('link', forceLink<CanvasNode, CanvasLink>(this.links).distance(50).strength(0.3))
      .force('charge', forceManyBody<CanvasNode>().strength(-60).theta(0.9).distanceMax(320))
      .force('x', forceX<CanvasNode>().strength(0.04))
      .force('y', forceY<CanvasNode>().strength(0.04))
      .alphaDecay(0.04)
      .stop();
    // Mostly placed already (a refresh): a gentle nudge, not a new layout.
    if (placed > this.nodes.length * 0.9) this.sim.alpha(0.1);
    this.tickFor(WARM_MS);
    if (!this.userMoved) this.fit();
    this.geo = null;
    // Drawn now rather than in the next animation frame (under load a frame can take 100+ ms), without
    // names (measuring and placing them is a third of a frame); the layout and the full frame resume in the
    // frame after, so nothing delays the one that shows this drawing.
    this.draw(true);
    this.dirty = true;
    cancelAnimationFrame(this.raf);
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.schedule();
    });
    // Resolved once the frame that shows this drawing has been produced: a task queued from the next
    // animation-frame callback runs after that frame's rendering steps.
    return new Promise((resolve) =>
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve();
        ch.port2.postMessage(null);
      }),
    );
  }

  setPalette(p: Palette): void {
    this.palette = p;
    this.invalidate();
  }

  /** Concepts not shown (label filter) and the one relation shown ('' = all). */
  setFilter(hidden: Set<string>, relation: string): void {
    this.hidden = hidden;
    this.relation = relation;
    this.geo = null;
    this.invalidate();
  }

  setHits(ids: Iterable<string>): void {
    this.hits = new Set(ids);
    this.geo = null;
    this.invalidate();
  }

  setSelected(id: string | null): void {
    this.selected = id;
    this.geo = null;
    this.invalidate();
  }

  /** Puts the concept in the middle of the view, zoomed in far enough to read its label. */
  centreOn(id: string): boolean {
    const n = this.byId.get(id);
    if (!n || n.x === undefined) return false;
    const k = Math.max(this.t.k, 1.2);
    this.t = { k, x: this.width / 2 - n.x * k, y: this.height / 2 - n.y! * k };
    this.userMoved = true;
    this.invalidate();
    return true;
  }

  /** Zooms so every shown concept is in view. */
  fit(): void {
    const shown = this.nodes.filter((n) => !this.hidden.has(n.id) && n.x !== undefined);
    if (!shown.length || !this.width) return;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of shown) {
      x0 = Math.min(x0, n.x!);
      y0 = Math.min(y0, n.y!);
      x1 = Math.max(x1, n.x!);
      y1 = Math.max(y1, n.y!);
    }
    const pad = 30;
    const k = Math.min(
      2,
      (this.width - 2 * pad) / Math.max(1, x1 - x0),
      (this.height - 2 * pad) / Math.max(1, y1 - y0),
    );
    this.t = { k, x: this.width / 2 - ((x0 + x1) / 2) * k, y: this.height / 2 - ((y0 + y1) / 2) * k };
    this.invalidate();
  }

  /** Sets the view transform (benchmarks and tests drive pan and zoom through it). */
  setViewport(k: number, x: number, y: number): void {
    this.t = { k, x, y };
    this.userMoved = true;
    this.moving = performance.now();
    clearTimeout(this.fullFrame);
    this.fullFrame = setTimeout(() => this.invalidate(), LIGHT_MS);
    this.invalidate();
  }
  private moving = 0;
  private fullFrame: ReturnType<typeof setTimeout> | undefined;

  get transform(): { k: number; x: number; y: number } {
    return { ...this.t };
  }

  get size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  /** Where a concept is on screen (CSS pixels relative to the canvas), or null. */
  screenOf(id: string): { x: number; y: number } | null {
    const n = this.byId.get(id);
    if (!n || n.x === undefined) return null;
    return { x: n.x * this.t.k + this.t.x, y: n.y! * this.t.k + this.t.y };
  }

  get settled(): boolean {
    return !this.sim || this.sim.alpha() <= this.sim.alphaMin();
  }

  dispose(): void {
    this.sim?.stop();
    clearTimeout(this.fullFrame);
    cancelAnimationFrame(this.raf);
  }

  // ---------------------------------------------------------------------------------- frames

  private invalidate(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (!this.raf) this.raf = requestAnimationFrame(() => this.frame());
  }

  private frame(): void {
    this.raf = 0;
    if (!this.settled) {
      this.tickFor(TICK_MS);
      this.geo = null;
      this.dirty = true;
      // The layout spreads as it settles: fit once more at the end unless the user has taken the view.
      if (this.settled && !this.userMoved) this.fit();
    }
    if (this.dirty) {
      this.draw();
      this.dirty = false;
    }
    if (!this.settled) this.schedule();
  }

  private tickFor(ms: number): void {
    const sim = this.sim;
    if (!sim) return;
    const end = performance.now() + ms;
    while (sim.alpha() > sim.alphaMin() && performance.now() < end) sim.tick();
  }

  private resize(): void {
    const r = this.host.getBoundingClientRect();
    if (!r.width || !r.height) return; // hidden (the List tab): keep the view as it was
    this.dpr = window.devicePixelRatio || 1;
    const [w, h] = [Math.max(1, Math.floor(r.width)), Math.max(1, Math.floor(r.height))];
    if (w === this.width && h === this.height) return;
    const first = !this.width;
    this.width = w;
    this.height = h;
    this.canvas.width = w * this.dpr;
    this.canvas.height = h * this.dpr;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    if (first && !this.userMoved) this.fit();
    this.invalidate();
  }

  private draw(quick = false): void {
    const { ctx, t, palette: p } = this;
    const dpr = this.dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    // The visible world rectangle, with a margin for radii and labels.
    const m = 40 / t.k;
    const vx0 = -t.x / t.k - m;
    const vy0 = -t.y / t.k - m;
    const vx1 = (this.width - t.x) / t.k + m;
    const vy1 = (this.height - t.y) / t.k + m;
    const light = performance.now() - this.moving < LIGHT_MS;
    const inView = (n: CanvasNode) => n.x! >= vx0 && n.x! <= vx1 && n.y! >= vy0 && n.y! <= vy1;
    const shown = (n: CanvasNode) => !this.hidden.has(n.id);
    const dim = this.hits.size > 0;

    // Culled per item for the labels and lastFrame; drawn per cached chunk (bounds tested, paths reused).
    const edges: CanvasLink[] = [];
    for (const l of this.links) {
      if (this.relation && l.relation !== this.relation) continue;
      if (!shown(l.source) || !shown(l.target)) continue;
      const a = l.source;
      const b = l.target;
      if (
        Math.max(a.x!, b.x!) < vx0 ||
        Math.min(a.x!, b.x!) > vx1 ||
        Math.max(a.y!, b.y!) < vy0 ||
        Math.min(a.y!, b.y!) > vy1
      )
        continue;
      edges.push(l);
    }
    const visible: CanvasNode[] = [];
    for (const n of this.nodes) if (shown(n) && inView(n)) visible.push(n);

    const geo = (this.geo ??= this.buildGeometry());
    const hit = (c: Chunk) => c.x1 >= vx0 && c.x0 <= vx1 && c.y1 >= vy0 && c.y0 <= vy1;
    const arrows = t.k >= ARROW_ZOOM && !light;
    const strokeEdges = (chunks: Chunk[], colour: string, width: number) => {
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.lineWidth = width / t.k;
      for (const c of chunks) if (hit(c)) ctx.stroke(c.path);
      if (arrows) for (const c of chunks) if (hit(c)) ctx.fill(c.heads!);
    };
    ctx.globalAlpha = dim ? 0.25 : 0.7;
    strokeEdges(geo.edges, p.edge, 1);
    ctx.globalAlpha = 1;
    strokeEdges(geo.near, p.edgeHighlight, 2);

    // Nodes: paths per confidence colour; dimmed ones first when a search is active.
    for (const faded of dim ? [true, false] : [false]) {
      ctx.globalAlpha = faded ? 0.25 : 1;
      for (let b = 0; b < 5; b++) {
        ctx.fillStyle = p.confidence[b];
        for (const c of geo.nodes[b + (faded ? 5 : 0)]) if (hit(c)) ctx.fill(c.path);
      }
    }
    ctx.globalAlpha = 1;
    const sel = this.selected;
    const ring = (ids: Iterable<string>, colour: string, width: number) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = width / t.k;
      const path = new Path2D();
      for (const id of ids) {
        const n = this.byId.get(id);
        if (!n || !shown(n) || n.x === undefined) continue;
        const r = radiusOf(n.degree) + 3 / t.k;
        path.moveTo(n.x + r, n.y!);
        path.arc(n.x, n.y!, r, 0, 2 * Math.PI);
      }
      ctx.stroke(path);
    };
    if (this.hits.size) ring(this.hits, p.match, 2);
    if (sel) ring([sel], p.focus, 3);

    // Labels: when zoomed in, visible concepts' names, best-linked first, each only where it does not
    // overlap one already drawn (a screen grid of label-sized cells); the selected one and the matches
    // always. So a dense view shows readable names instead of a smear, and draws fewer of them.
    ctx.textAlign = 'center';
    const fontPx = (px: number) => `${px / Math.max(t.k, 0.01)}px ${this.fontFamily()}`;
    ctx.font = fontPx(12);
    ctx.textBaseline = 'top';
    ctx.fillStyle = p.label;
    const extra = [...this.hits, ...(sel ? [sel] : [])]
      .map((id) => this.byId.get(id))
      .filter((n): n is CanvasNode => !!n && shown(n) && inView(n));
    const labelled: CanvasNode[] = [];
    const taken = new Set<number>();
    const cols = Math.ceil(this.width / LABEL_CELL_W) + 2;
    /** Claims the screen cells of a label centred at sx, top at sy; false when one is taken (unless forced). */
    const claim = (sx: number, sy: number, width: number, rows: number, force: boolean): boolean => {
      const c0 = Math.floor((sx - width / 2) / LABEL_CELL_W);
      const c1 = Math.floor((sx + width / 2) / LABEL_CELL_W);
      const r0 = Math.floor(sy / LABEL_CELL_H);
      const cells: number[] = [];
      for (let r = r0; r < r0 + rows; r++) for (let c = c0; c <= c1; c++) cells.push((r + 1) * cols + c + 1);
      if (!force && cells.some((k) => taken.has(k))) return false;
      for (const k of cells) taken.add(k);
      return true;
    };
    const claimName = (n: CanvasNode, force: boolean) =>
      claim(n.x! * t.k + t.x, (n.y! + radiusOf(n.degree)) * t.k + t.y + 2, this.labelWidth(n.name), 2, force);
    if (!quick && t.k >= NODE_LABEL_ZOOM && (!light || visible.length <= LIGHT_LABELS)) {
      for (const n of extra) claimName(n, true);
      // A few concepts: every name (a small graph reads fine; a missing name there looks like a fault).
      const all = visible.length <= ALL_LABELS;
      const byDegree = visible.length > 1 ? [...visible].sort((a, b) => b.degree - a.degree) : visible;
      for (const n of byDegree) {
        if (labelled.length >= MAX_LABELS) break;
        if (claimName(n, all)) labelled.push(n);
      }
    }
    for (const n of new Set([...labelled, ...extra])) {
      ctx.globalAlpha = dim && !this.hits.has(n.id) && n.id !== sel ? 0.4 : 1;
      ctx.fillText(n.name, n.x!, n.y! + radiusOf(n.degree) + 2 / t.k, 240 / t.k);
    }
    ctx.globalAlpha = 1;
    this.lastFrame = { nodes: visible.length, edges: edges.length, labels: labelled.length + extra.length };
    if (!quick && t.k >= EDGE_LABEL_ZOOM && !light) {
      ctx.font = fontPx(10);
      ctx.textBaseline = 'middle';
      ctx.fillStyle = p.edgeLabel;
      let drawn = 0;
      for (const l of edges) {
        if (drawn >= MAX_LABELS) break;
        const mx = (l.source.x! + l.target.x!) / 2;
        const my = (l.source.y! + l.target.y!) / 2;
        const text = l.relation.replace(/_/g, ' ');
        if (!claim(mx * t.k + t.x, my * t.k + t.y - 6, text.length * 5.5, 2, false)) continue;
        ctx.fillText(text, mx, my);
        drawn++;
      }
    }
  }

  /**
   * World-space paths of what is drawn, in chunks of CHUNK items sorted by grid cell so that each chunk
   * covers a small area: a frame that only pans or zooms tests chunk bounds and reuses the paths.
   * Rebuilt when positions, filters, matches or the selection change.
   */
  private buildGeometry(): Geometry {
    const shown = (n: CanvasNode) => !this.hidden.has(n.id) && n.x !== undefined;
    const sel = this.selected;
    const dim = this.hits.size > 0;
    const normal: CanvasLink[] = [];
    const near: CanvasLink[] = [];
    for (const l of this.links) {
      if (this.relation && l.relation !== this.relation) continue;
      if (!shown(l.source) || !shown(l.target)) continue;
      (sel && (l.source.id === sel || l.target.id === sel) ? near : normal).push(l);
    }
    const groups: CanvasNode[][] = Array.from({ length: 10 }, () => []);
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of this.nodes) {
      if (!shown(n)) continue;
      groups[confidenceBucket(n.confidence) + (dim && !this.hits.has(n.id) ? 5 : 0)].push(n);
      x0 = Math.min(x0, n.x!);
      y0 = Math.min(y0, n.y!);
      x1 = Math.max(x1, n.x!);
      y1 = Math.max(y1, n.y!);
    }
    const cw = Math.max(1, (x1 - x0) / 24);
    const ch = Math.max(1, (y1 - y0) / 24);
    const cell = (x: number, y: number) => Math.floor((y - y0) / ch) * 64 + Math.floor((x - x0) / cw);
    // While the layout moves, the paths last one frame: not worth sorting.
    const settled = this.settled;
    const spatial = <T>(items: T[], at: (i: T) => [number, number]) =>
      !settled
        ? items
        : items
            .map((i) => ({ i, c: cell(...at(i)) }))
            .sort((a, b) => a.c - b.c)
            .map((e) => e.i);
    const edgeChunks = (list: CanvasLink[]): Chunk[] => {
      const out: Chunk[] = [];
      const sorted = spatial(list, (l) => [(l.source.x! + l.target.x!) / 2, (l.source.y! + l.target.y!) / 2]);
      for (let i = 0; i < sorted.length; i += CHUNK) {
        const c: Chunk = {
          x0: Infinity,
          y0: Infinity,
          x1: -Infinity,
          y1: -Infinity,
          path: new Path2D(),
          heads: new Path2D(),
        };
        for (let j = i; j < Math.min(i + CHUNK, sorted.length); j++) {
          const a = sorted[j].source;
          const b = sorted[j].target;
          const dx = b.x! - a.x!;
          const dy = b.y! - a.y!;
          const len = Math.hypot(dx, dy) || 1;
          const ux = dx / len;
          const uy = dy / len;
          const r = radiusOf(b.degree) + 1;
          const ex = b.x! - ux * r;
          const ey = b.y! - uy * r;
          c.path.moveTo(a.x!, a.y!);
          c.path.lineTo(ex, ey);
          const s = 6;
          c.heads!.moveTo(ex, ey);
          c.heads!.lineTo(ex - ux * s - uy * s * 0.5, ey - uy * s + ux * s * 0.5);
          c.heads!.lineTo(ex - ux * s + uy * s * 0.5, ey - uy * s - ux * s * 0.5);
          c.heads!.closePath();
          grow(c, a.x!, a.y!, 0);
          grow(c, b.x!, b.y!, 0);
        }
        out.push(c);
      }
      return out;
    };
    const nodeChunks = (list: CanvasNode[]): Chunk[] => {
      const out: Chunk[] = [];
      const sorted = spatial(list, (n) => [n.x!, n.y!]);
      for (let i = 0; i < sorted.length; i += CHUNK) {
        const c: Chunk = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, path: new Path2D() };
        for (let j = i; j < Math.min(i + CHUNK, sorted.length); j++) {
          const n = sorted[j];
          const r = radiusOf(n.degree);
          c.path.moveTo(n.x! + r, n.y!);
          c.path.arc(n.x!, n.y!, r, 0, 2 * Math.PI);
          grow(c, n.x!, n.y!, r);
        }
        out.push(c);
      }
      return out;
    };
    return { edges: edgeChunks(normal), near: edgeChunks(near), nodes: groups.map(nodeChunks) };
  }

  private widths = new Map<string, number>();
  /** Screen width of a concept's label at 12 px (measured once per name; at most 240, fillText's limit). */
  private labelWidth(name: string): number {
    let w = this.widths.get(name);
    if (w === undefined) {
      w = Math.min(240, this.ctx.measureText(name).width * this.t.k);
      if (this.widths.size > 20_000) this.widths.clear();
      this.widths.set(name, w);
    }
    return w;
  }

  private font = '';
  private fontFamily(): string {
    this.font ||= getComputedStyle(document.body).fontFamily || 'sans-serif';
    return this.font;
  }

  // ------------------------------------------------------------------------------------ input

  private nodeAt(clientX: number, clientY: number): CanvasNode | null {
    const r = this.canvas.getBoundingClientRect();
    const wx = (clientX - r.left - this.t.x) / this.t.k;
    const wy = (clientY - r.top - this.t.y) / this.t.k;
    let best: CanvasNode | null = null;
    let bestD = Infinity;
    for (const n of this.nodes) {
      if (this.hidden.has(n.id) || n.x === undefined) continue;
      const d = Math.hypot(n.x - wx, n.y! - wy);
      if (d <= radiusOf(n.degree) + 4 / this.t.k && d < bestD) {
        best = n;
        bestD = d;
      }
    }
    return best;
  }

  private onDown(e: PointerEvent): void {
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = { x: e.clientX, y: e.clientY, tx: this.t.x, ty: this.t.y, moved: false };
  }

  private onMove(e: PointerEvent): void {
    const d = this.drag;
    if (d) {
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      if (!d.moved && Math.hypot(dx, dy) < 4) return;
      d.moved = true;
      this.setViewport(this.t.k, d.tx + dx, d.ty + dy);
      return;
    }
    this.canvas.style.cursor = this.nodeAt(e.clientX, e.clientY) ? 'pointer' : 'grab';
  }

  private onUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d || d.moved) return;
    this.events.select(this.nodeAt(e.clientX, e.clientY)?.id ?? null);
  }

  private zoomAt(factor: number, cx: number, cy: number): void {
    const k = Math.max(0.05, Math.min(8, this.t.k * factor));
    const f = k / this.t.k;
    this.setViewport(k, cx - (cx - this.t.x) * f, cy - (cy - this.t.y) * f);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const r = this.canvas.getBoundingClientRect();
    this.zoomAt(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002)), e.clientX - r.left, e.clientY - r.top);
  }

  private onKey(e: KeyboardEvent): void {
    const step = 60;
    const keys: Record<string, () => void> = {
      '+': () => this.zoomAt(1.25, this.width / 2, this.height / 2),
      '=': () => this.zoomAt(1.25, this.width / 2, this.height / 2),
      '-': () => this.zoomAt(0.8, this.width / 2, this.height / 2),
      '0': () => this.fit(),
      ArrowLeft: () => this.setViewport(this.t.k, this.t.x + step, this.t.y),
      ArrowRight: () => this.setViewport(this.t.k, this.t.x - step, this.t.y),
      ArrowUp: () => this.setViewport(this.t.k, this.t.x, this.t.y + step),
      ArrowDown: () => this.setViewport(this.t.k, this.t.x, this.t.y - step),
    };
    const fn = keys[e.key];
    if (!fn || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    fn();
  }
}

const jitter = () => (Math.random() - 0.5) * 20;
