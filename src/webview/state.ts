/** UI state only (never data): what VS Code keeps for us while the view is hidden. */
import type { ImportanceLevel } from '../shared/protocol';
export const IMPORTANCE_FILTERS = {
  any: { label: 'Any importance', levels: undefined },
  critical: { label: 'Critical', levels: ['critical'] },
  high: { label: 'High and above', levels: ['critical', 'high'] },
  medium: { label: 'Medium and above', levels: ['critical', 'high', 'medium'] },
  low: { label: 'Low only', levels: ['low'] },
} as const;
export type ImportanceFilter = keyof typeof IMPORTANCE_FILTERS;

export interface UiState {
  v: 1;
  query: string;
  /** '' = all topics. */
  topic: string;
  importance: ImportanceFilter;
  /** Expanded topics, with how many rows each had loaded (restored up to a cap). */
  expanded: Record<string, number>;
  /** Selected row: `m:<id>` or `t:<topic>`. */
  selected: string | null;
  detailOpen: boolean;
  scrollTop: number;
}

export function defaultState(): UiState {
  return {
    v: 1,
    query: '',
    topic: '',
    importance: 'any',
    expanded: {},
    selected: null,
    detailOpen: false,
    scrollTop: 0,
  };
}

/** getState() returns whatever an older build saved; keep what is well-formed, drop the rest. */
export function restoreState(raw: unknown): UiState {
  const s = defaultState();
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Record<string, unknown>;
  if (typeof r.query === 'string') s.query = r.query.slice(0, 1000);
  if (typeof r.topic === 'string') s.topic = r.topic.slice(0, 256);
  if (typeof r.importance === 'string' && Object.prototype.hasOwnProperty.call(IMPORTANCE_FILTERS, r.importance))
    s.importance = r.importance as ImportanceFilter;
  if (r.expanded && typeof r.expanded === 'object' && !Array.isArray(r.expanded)) {
    for (const [k, v] of Object.entries(r.expanded as Record<string, unknown>).slice(0, 200)) {
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) s.expanded[k] = Math.floor(v);
    }
  }
  if (typeof r.selected === 'string' && r.selected.length < 400) s.selected = r.selected;
  s.detailOpen = r.detailOpen === true;
  if (typeof r.scrollTop === 'number' && Number.isFinite(r.scrollTop) && r.scrollTop >= 0) s.scrollTop = r.scrollTop;
  return s;
}

/** The UI state and its saving: immediately, or debounced (scrolling). */
export class SavedState {
  readonly ui: UiState;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: { getState(): unknown; setState(state: unknown): void }) {
    this.ui = restoreState(api.getState());
  }

  save(delay = 0): void {
    clearTimeout(this.timer);
    if (delay) this.timer = setTimeout(() => this.api.setState(this.ui), delay);
    else this.api.setState(this.ui);
  }

  /** Levels the importance filter lets through (undefined: all). */
  importanceLevels(): ImportanceLevel[] | undefined {
    const l = IMPORTANCE_FILTERS[this.ui.importance].levels;
    return l ? [...l] : undefined;
  }

  /** A search, a topic or an importance filter is set. */
  filtered(): boolean {
    return !!(this.ui.query.trim() || this.ui.topic || this.ui.importance !== 'any');
  }
}
