/**
 * Read-only `mnemos-session:/<id>.md` documents: one page of a session's messages as Markdown text
 * (render.ts). `?start=N` opens the page that begins at message N, so any message of a long session
 * can be shown. The provider remembers where each message's heading is, to reveal it.
 */
import * as vscode from 'vscode';
import type { MnemosStore } from '../../store';
import { DOC_PAGE, renderSession } from './render';

export const SESSION_SCHEME = 'mnemos-session';

export function sessionUri(id: string, start = 0): vscode.Uri {
  return vscode.Uri.from({
    scheme: SESSION_SCHEME,
    path: `/${encodeURIComponent(id)}.md`,
    query: start > 0 ? `start=${start}` : '',
  });
}

export function parseSessionUri(uri: vscode.Uri): { id: string; start: number } | undefined {
  const m = /^\/(.+)\.md$/.exec(uri.path);
  if (uri.scheme !== SESSION_SCHEME || !m) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  const start = Number(/(?:^|&)start=(\d{1,9})(?:&|$)/.exec(uri.query)?.[1] ?? 0);
  return { id, start: start - (start % DOC_PAGE) };
}

export class SessionDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  /** Heading line of each message, per rendered document. */
  private readonly lines = new Map<string, Map<string, number>>();

  constructor(private readonly getStore: () => Promise<MnemosStore>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const where = parseSessionUri(uri);
    if (!where) return `Not a Mnemos session address: ${uri.toString()}\n`;
    try {
      const t = (await this.getStore()).transcripts;
      const s = await t.sessionSummary(where.id);
      if (!s) {
        this.lines.delete(uri.toString());
        return `# Session not found\n\nNo session with this id (it may have been deleted).\n`;
      }
      const messages = await t.messages(where.id, { limit: DOC_PAGE, offset: where.start });
      const r = renderSession(s, messages, where.start);
      this.lines.set(uri.toString(), r.lines);
      return r.text;
    } catch (e) {
      return `# Session unavailable\n\n${(e as Error).message}\n`;
    }
  }

  /** The 0-based line of a message's heading in the document last rendered for this URI. */
  lineOf(uri: vscode.Uri, messageId: string): number | undefined {
    return this.lines.get(uri.toString())?.get(messageId);
  }

  /** Re-read every open session document (after a change from any writer). */
  refreshOpen(): void {
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === SESSION_SCHEME) this.emitter.fire(d.uri);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
