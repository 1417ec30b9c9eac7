/** The Memoirs view (`mnemos.memoirs`): one row per memoir, `name — N concepts · M links`; a click opens its graph. */
import * as vscode from 'vscode';
import { plural } from '../../shared/text';
import type { MemoirRow } from './access';

export const MEMOIRS_VIEW = 'mnemos.memoirs';
/** `viewItem` of a memoir row, for menus. */
export const MEMOIR_ITEM = 'memoir';

export type MemoirNode = MemoirRow | { message: string };

export function memoirDescription(m: MemoirRow): string {
  return `${plural(m.conceptCount, 'concept')} · ${plural(m.linkCount, 'link')}`;
}

export class MemoirsTreeProvider implements vscode.TreeDataProvider<MemoirNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<MemoirNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The rows last shown (tests read them). */
  rows: MemoirRow[] = [];

  constructor(private readonly load: () => Promise<MemoirRow[]>) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: MemoirNode): Promise<MemoirNode[]> {
    if (element) return [];
    try {
      this.rows = await this.load();
    } catch (e) {
      this.rows = [];
      return [{ message: `Memoirs could not be read: ${e instanceof Error ? e.message : String(e)}` }];
    }
    return this.rows;
  }

  getTreeItem(node: MemoirNode): vscode.TreeItem {
    if ('message' in node) {
      const item = new vscode.TreeItem(node.message);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    const item = new vscode.TreeItem(node.name);
    item.id = node.id;
    item.description = memoirDescription(node);
    item.contextValue = MEMOIR_ITEM;
    item.iconPath = new vscode.ThemeIcon('type-hierarchy');
    const tip = new vscode.MarkdownString();
    tip.appendText(`${node.name} — ${memoirDescription(node)}`);
    if (node.description) tip.appendText(`\n\n${node.description}`);
    item.tooltip = tip;
    item.accessibilityInformation = { label: `Memoir ${node.name}, ${memoirDescription(node)}`, role: 'treeitem' };
    item.command = { command: 'mnemos.openMemoirGraph', title: 'Open Memoir Graph', arguments: [{ memoir: node.id }] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
