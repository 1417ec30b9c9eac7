/**
 * Selection and focus in the tree: the selected row survives re-renders (by key, not element), a
 * refresh keeps focus on the same row or its neighbour, and exactly one row takes Tab (roving tabindex).
 */
import type { VscodeTree } from '@vscode-elements/elements/dist/vscode-tree/vscode-tree.js';
import type { VscodeTreeItem } from '@vscode-elements/elements/dist/vscode-tree-item/vscode-tree-item.js';
import type { SavedState } from './state';
import { kindOf, visibleRows } from './tree';

export interface FocusMark {
  key: string;
  index: number;
}

/** A row's key in the saved state: `m:<id>`, `t:<topic>`, `more:<topic>`. */
export function rowKey(row: VscodeTreeItem): string | null {
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

export class TreeFocus {
  selectedRow: VscodeTreeItem | null = null;

  constructor(
    private readonly tree: VscodeTree,
    private readonly saved: SavedState,
    /** The row shown now for a key, in whichever mode the view is in. */
    private readonly rowFor: (key: string) => VscodeTreeItem | undefined,
  ) {}

  /** The user selected a row (click, Enter). */
  select(row: VscodeTreeItem): void {
    this.selectedRow = row;
    this.saved.ui.selected = rowKey(row);
    this.saved.save();
  }

  /** Marks the saved selection's row as selected after a render. */
  applySelection(): void {
    const key = this.saved.ui.selected;
    const row = key ? this.rowFor(key) : undefined;
    if (row === this.selectedRow) return;
    if (this.selectedRow && this.selectedRow.selected) this.selectedRow.selected = false;
    this.selectedRow = row ?? null;
    if (row && row.isConnected) row.selected = true;
  }

  /** Keeps the selection highlighted when a click landed on a row that is not selectable ("Load more"). */
  reselect(): void {
    if (this.selectedRow?.isConnected) this.selectedRow.selected = true;
  }

  capture(): FocusMark | null {
    const a = this.focusedRow();
    const key = a && rowKey(a);
    return a && key ? { key, index: visibleRows(this.tree).indexOf(a) } : null;
  }

  /** After a refresh: keep focus on the same row, or on its neighbour if it went away (deleted). */
  restore(f: FocusMark | null): void {
    if (!f) return;
    const row = this.rowFor(f.key);
    if (row && row.isConnected && visibleRows(this.tree).includes(row)) {
      if (document.activeElement !== row) this.focusRow(row);
      return;
    }
    const a = document.activeElement;
    if (a && a !== document.body && !this.tree.contains(a)) return;
    const rows = visibleRows(this.tree);
    if (rows.length) this.focusRow(rows[Math.min(Math.max(f.index, 0), rows.length - 1)]);
  }

  /**
   * Roving tabindex: exactly one visible row takes Tab. While focus is elsewhere, that is the
   * selected row (so Tab returns to it), else whichever row last had focus, else the first.
   */
  ensureTabStop(preferSelected = false): void {
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

  focusRow(row: VscodeTreeItem): void {
    row.active = true;
    void row.updateComplete.then(() => {
      row.focus();
      row.scrollIntoView({ block: 'nearest' });
    });
  }

  /** Back to the selected row (the details closed). */
  focusSelected(): void {
    if (this.selectedRow && this.selectedRow.isConnected) this.focusRow(this.selectedRow);
  }

  focusedRow(): VscodeTreeItem | null {
    const a = document.activeElement;
    return a instanceof HTMLElement && a.tagName === 'VSCODE-TREE-ITEM' && this.tree.contains(a)
      ? (a as VscodeTreeItem)
      : null;
  }

  async renderedRows(): Promise<void> {
    await Promise.all(visibleRows(this.tree).map((r) => r.updateComplete));
  }
}
