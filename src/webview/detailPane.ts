/** The detail pane's behaviour: which memory it shows, re-read on refresh, closed with focus back on its row. */
import type { SidebarCommand } from '../shared/protocol';
import { type DetailAction, DetailView } from './detail';
import type { Rpc } from './rpc';
import type { SavedState } from './state';

export interface DetailHost {
  rpc: Rpc;
  saved: SavedState;
  showError(e: unknown): void;
  run(command: SidebarCommand, arg: { id?: string }): Promise<void>;
  /** The pane closed: focus goes back to the selected row. */
  closed(): void;
}

export class DetailPane {
  readonly view: DetailView;
  private gen = 0;

  constructor(private readonly h: DetailHost) {
    this.view = new DetailView((a, id) => void this.onAction(a, id));
  }

  get visible(): boolean {
    return this.view.visible;
  }

  /** The memory shown now, if the pane is open. */
  get shownId(): string | null {
    return this.view.visible ? this.view.memoryId : null;
  }

  /** Shows a memory; `quiet` (a refresh) keeps the old content until the new one arrives. */
  async open(id: string, quiet = false): Promise<void> {
    const gen = ++this.gen;
    if (!quiet) this.view.loading(id);
    this.h.saved.ui.detailOpen = true;
    this.h.saved.save();
    try {
      const { memory } = await this.h.rpc.request('get', { id });
      if (gen !== this.gen) return;
      if (memory) this.view.show(memory);
      else this.view.missing(id);
    } catch (e) {
      this.h.showError(e);
    }
  }

  close(): void {
    this.gen++;
    this.view.hide();
    this.h.saved.ui.detailOpen = false;
    this.h.saved.save();
    this.h.closed();
  }

  private async onAction(a: DetailAction, id: string | null): Promise<void> {
    if (a === 'close') return this.close();
    if (!id) return;
    await this.h.run(a === 'open' ? 'openMemory' : a === 'edit' ? 'editMemory' : 'deleteMemory', { id });
  }
}
