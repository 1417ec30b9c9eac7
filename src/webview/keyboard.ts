/**
 * The tree's keys beyond what vscode-tree does (arrows, Enter select): Home/End, PageUp/PageDown,
 * Delete (the command asks to confirm), F2 edits, Ctrl/Cmd+Enter opens, Escape closes the details,
 * and type-ahead (letters jump to the next row whose label starts with them).
 */
import type { VscodeTree } from '@vscode-elements/elements/dist/vscode-tree/vscode-tree.js';
import type { VscodeTreeItem } from '@vscode-elements/elements/dist/vscode-tree-item/vscode-tree-item.js';
import type { SidebarCommand } from '../shared/protocol';
import type { TreeFocus } from './focus';
import { kindOf, visibleRows } from './tree';

export interface KeyboardHost {
  tree: VscodeTree;
  scroller: HTMLElement;
  focus: TreeFocus;
  run(command: SidebarCommand, arg: { id?: string; topic?: string }): void;
  /** Escape: closes the details if open. */
  closeDetail(): void;
}

const ROW_HEIGHT = 22;
const TYPE_AHEAD_MS = 700;

export class TreeKeyboard {
  private typeBuffer = '';
  private typeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly h: KeyboardHost) {
    h.tree.addEventListener('keydown', (e) => this.onKey(e));
  }

  private onKey(e: KeyboardEvent): void {
    const { focus } = this.h;
    const row = focus.focusedRow();
    const rows = visibleRows(this.h.tree);
    const move = (target: VscodeTreeItem | undefined) => {
      e.preventDefault();
      if (target) focus.focusRow(target);
    };
    const memoryId = row && kindOf(row) === 'memory' ? row.dataset.id : undefined;
    switch (e.key) {
      case 'Home':
        return move(rows[0]);
      case 'End':
        return move(rows[rows.length - 1]);
      case 'PageDown':
      case 'PageUp': {
        const step = Math.max(1, Math.floor(this.h.scroller.clientHeight / ROW_HEIGHT) - 1);
        const i = row ? rows.indexOf(row) : 0;
        return move(rows[Math.max(0, Math.min(rows.length - 1, i + (e.key === 'PageDown' ? step : -step)))]);
      }
      case 'Delete':
      case 'Backspace': {
        if (e.key === 'Backspace' && !e.metaKey) return;
        if (!row) return;
        e.preventDefault();
        // The command asks the user to confirm; the row goes when the store says it is gone.
        if (memoryId) this.h.run('deleteMemory', { id: memoryId });
        else if (kindOf(row) === 'topic') this.h.run('forgetTopic', { topic: row.dataset.topic });
        return;
      }
      case 'F2':
        if (memoryId) {
          e.preventDefault();
          this.h.run('editMemory', { id: memoryId });
        }
        return;
      case 'Enter':
        // Enter selects (shows details, via the tree); Ctrl/Cmd+Enter opens the memory's source.
        if ((e.ctrlKey || e.metaKey) && memoryId) this.h.run('openMemory', { id: memoryId });
        return;
      case 'Escape':
        this.h.closeDetail();
        return;
      default:
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && e.key !== ' ') this.typeAhead(e, rows, row);
    }
  }

  private typeAhead(e: KeyboardEvent, rows: VscodeTreeItem[], current: VscodeTreeItem | null): void {
    e.preventDefault();
    clearTimeout(this.typeTimer);
    this.typeBuffer += e.key.toLowerCase();
    this.typeTimer = setTimeout(() => (this.typeBuffer = ''), TYPE_AHEAD_MS);
    const start = current ? rows.indexOf(current) + (this.typeBuffer.length === 1 ? 1 : 0) : 0;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[(start + k) % rows.length];
      const label = r.querySelector('.row-label')?.textContent?.toLowerCase() ?? '';
      if (label.startsWith(this.typeBuffer)) return this.h.focus.focusRow(r);
    }
  }
}
