/**
 * The tree's keys (the ARIA tree pattern and VS Code's lists): ↑/↓, →/← open/close a topic or move to
 * its first row / its topic, Home/End, PageUp/PageDown, Enter or Space activates (a memory shows its
 * details, a topic opens or closes, "Load more" loads), Delete (the command asks to confirm), F2
 * edits, Ctrl/Cmd+Enter opens, Escape closes the details, and type-ahead (letters jump to the next
 * row whose label starts with them).
 */
import type { SidebarCommand } from '../shared/protocol';
import type { TreeRow, VirtualTree } from './vtree';

export interface KeyboardHost {
  tree: VirtualTree;
  run(command: SidebarCommand, arg: { id?: string; topic?: string }): void;
  /** Enter or Space on a row. */
  activate(row: TreeRow): void;
  toggle(row: TreeRow, open: boolean): void;
  /** Escape: closes the details if open. */
  closeDetail(): void;
}

const TYPE_AHEAD_MS = 700;

export class TreeKeyboard {
  private typeBuffer = '';
  private typeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly h: KeyboardHost) {}

  onKey(e: KeyboardEvent, row: TreeRow | undefined): void {
    const { tree } = this.h;
    const rows = tree.all();
    const i = row ? tree.indexOf(row.key) : -1;
    const move = (j: number) => {
      e.preventDefault();
      const target = rows[Math.max(0, Math.min(rows.length - 1, j))];
      if (target) tree.focusKey(target.key);
    };
    const memoryId = row?.kind === 'memory' ? row.id : undefined;
    switch (e.key) {
      case 'ArrowDown':
        return move(i + 1);
      case 'ArrowUp':
        return move(i <= 0 ? 0 : i - 1);
      case 'ArrowRight':
        if (row?.kind !== 'topic') return;
        e.preventDefault();
        if (!row.expanded) this.h.toggle(row, true);
        else if (rows[i + 1] && rows[i + 1].level > row.level) tree.focusKey(rows[i + 1].key);
        return;
      case 'ArrowLeft': {
        if (!row) return;
        e.preventDefault();
        if (row.kind === 'topic' && row.expanded) return this.h.toggle(row, false);
        for (let j = i - 1; j >= 0; j--) if (rows[j].level < row.level) return tree.focusKey(rows[j].key);
        return;
      }
      case 'Home':
        return move(0);
      case 'End':
        return move(rows.length - 1);
      case 'PageDown':
        return move(i + tree.pageRows());
      case 'PageUp':
        return move(i - tree.pageRows());
      case 'Enter':
      case ' ':
        if (!row) return;
        e.preventDefault();
        // Ctrl/Cmd+Enter opens the memory's source; Enter and Space select it (details shown).
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          if (memoryId) this.h.run('openMemory', { id: memoryId });
          return;
        }
        this.h.activate(row);
        return;
      case 'Delete':
      case 'Backspace': {
        if (e.key === 'Backspace' && !e.metaKey) return;
        if (!row) return;
        e.preventDefault();
        // The command asks the user to confirm; the row goes when the store says it is gone.
        if (memoryId) this.h.run('deleteMemory', { id: memoryId });
        else if (row.kind === 'topic') this.h.run('forgetTopic', { topic: row.topic });
        return;
      }
      case 'F2':
        if (memoryId) {
          e.preventDefault();
          this.h.run('editMemory', { id: memoryId });
        }
        return;
      case 'Escape':
        this.h.closeDetail();
        return;
      default:
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) this.typeAhead(e, rows, i);
    }
  }

  private typeAhead(e: KeyboardEvent, rows: readonly TreeRow[], current: number): void {
    e.preventDefault();
    clearTimeout(this.typeTimer);
    this.typeBuffer += e.key.toLowerCase();
    this.typeTimer = setTimeout(() => (this.typeBuffer = ''), TYPE_AHEAD_MS);
    const start = current >= 0 ? current + (this.typeBuffer.length === 1 ? 1 : 0) : 0;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[(start + k) % rows.length];
      if (r.label.toLowerCase().startsWith(this.typeBuffer)) return this.h.tree.focusKey(r.key);
    }
  }
}
