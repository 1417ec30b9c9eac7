/**
 * Read-only `mnemos:/memory/<id>.md` documents: a memory shown as text when it has no source file
 * to open. Plain text in an editor, so whatever an agent wrote is never rendered or executed.
 */
import * as vscode from 'vscode';
import { textOf } from '../shared/text';
import type { Memory, MnemosStore } from '../store';

export const SCHEME = 'mnemos';

export function memoryUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/memory/${encodeURIComponent(id)}.md` });
}

export function idFromUri(uri: vscode.Uri): string | undefined {
  const m = /^\/memory\/(.+)\.md$/.exec(uri.path);
  return m ? decodeURIComponent(m[1]) : undefined;
}

export class MemoryDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly getStore: () => Promise<MnemosStore>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = idFromUri(uri);
    if (!id) return `Not a Mnemos memory address: ${uri.toString()}\n`;
    try {
      const m = await (await this.getStore()).get(id);
      return m ? renderMemory(m) : `# Memory not found\n\nNo memory with id ${id} (it may have been deleted).\n`;
    } catch (e) {
      return `# Memory unavailable\n\n${(e as Error).message}\n`;
    }
  }

  /** Re-read every open memory document (after a change from any writer). */
  refreshOpen(): void {
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === SCHEME) this.emitter.fire(d.uri);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** A fence longer than any backtick run inside the text, so the excerpt cannot close it early. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

export function renderMemory(m: Memory): string {
  const out = [`# ${m.topic}`, '', m.summary, '', '---', ''];
  out.push(`- id: ${m.id}`);
  out.push(`- importance: ${m.importance} · weight ${m.weight.toFixed(2)} · accessed ${m.accessCount}×`);
  out.push(
    `- created: ${m.createdAt}${m.updatedAt && m.updatedAt !== m.createdAt ? ` · updated: ${m.updatedAt}` : ''}`,
  );
  if (m.keywords.length) out.push(`- keywords: ${m.keywords.join(', ')}`);
  const src = m.sourceData;
  if (src && src.type === 'vscode') {
    const s = src as { file?: unknown; startLine?: unknown; endLine?: unknown; commit?: unknown; workspace?: unknown };
    out.push(
      `- source: ${String(s.file)}:${String(s.startLine)}-${String(s.endLine)}${s.commit ? ` @ ${textOf(s.commit).slice(0, 12)}` : ''}${s.workspace ? ` (${textOf(s.workspace)})` : ''}`,
    );
  } else if (src) {
    out.push(`- source: ${src.type}`);
  } else {
    out.push(`- source: ${m.sourceType}`);
  }
  if (m.relatedIds.length) out.push(`- related: ${m.relatedIds.join(', ')}`);
  if (m.rawExcerpt) {
    const lang =
      src && src.type === 'vscode' && typeof (src as { language?: unknown }).language === 'string'
        ? (src as { language: string }).language
        : '';
    const f = fence(m.rawExcerpt);
    out.push('', '## Raw excerpt', '', f + lang, m.rawExcerpt, f);
  }
  return out.join('\n') + '\n';
}
