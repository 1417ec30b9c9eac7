/**
 * A CodeLens at the top of a file: "3 memories · touched by agents 5× (last 2 days ago)". Memories
 * are those that mention the file's name or were saved from it (`memoriesForFile`); touches come from
 * ICM's `code_areas` for the workspace folder's project (`forFile`: index lookups). One answer per
 * file is cached until the store changes, so scrolling and switching editors cost nothing; what a
 * computation costs is kept in `stats()` (and the log, per file).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { detectProject } from '../../hooks/local';
import { type MnemosStore, sourceFiles } from '../../store';
import { type FileInfo, type FileSummary, lensTitle, summarizeFile } from './summary';

export { type FileInfo, type FileSummary, lensTitle, summarizeFile };

export const LENS_SETTING = 'codeAreas.codeLens';

const projectCache = new Map<string, string[]>();

/** Where a file sits for the store: its name, its path relative to its folder, that folder's projects. */
export function fileInfo(uri: vscode.Uri): FileInfo {
  const name = path.basename(uri.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return { name, projects: [], paths: [] };
  const root = folder.uri.fsPath;
  let projects = projectCache.get(root);
  if (!projects) {
    projects = [...new Set([detectProject(root), path.basename(root)].filter((p): p is string => !!p))];
    projectCache.set(root, projects);
  }
  const relative = path.relative(root, uri.fsPath).split(path.sep).join('/');
  return { name, relative, projects, paths: [relative, uri.fsPath] };
}

export class FileLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly cache = new Map<string, Promise<FileSummary | undefined>>();
  /** Memories saved from each file: one scan per store change, shared by every file's lens. */
  private sources: Promise<Map<string, string[]>> | undefined;
  private readonly costs: number[] = [];
  /** Store computations (a cache hit is not one). */
  computed = 0;

  constructor(
    private readonly getStore: () => Promise<MnemosStore> | undefined,
    private readonly enabled: () => boolean,
    private readonly log: { info(m: string): void; error(m: string, e: unknown): void },
  ) {}

  /** Forget every cached answer (the store changed) and let VS Code ask again. */
  invalidate(): void {
    this.cache.clear();
    this.sources = undefined;
    this.emitter.fire();
  }

  /** The file's summary, from the cache when the store has not changed since. */
  summary(uri: vscode.Uri): Promise<FileSummary | undefined> {
    const key = uri.toString();
    let p = this.cache.get(key);
    if (!p) {
      const storeP = this.getStore();
      if (!storeP) return Promise.resolve(undefined);
      p = storeP
        .then(async (store) => {
          const t0 = performance.now();
          const first = !this.sources;
          this.sources ??= sourceFiles(store.conn).catch((e) => {
            this.sources = undefined;
            throw e;
          });
          const r = await summarizeFile(store, fileInfo(uri), await this.sources);
          // The first file after a change also pays the shared scan: count it in its cost.
          return first ? { ...r, ms: performance.now() - t0 } : r;
        })
        .then((r) => {
          this.computed++;
          this.costs.push(r.ms);
          if (this.costs.length > 1000) this.costs.shift();
          this.log.info(`code lens for ${path.basename(uri.fsPath)}: ${r.ms.toFixed(1)} ms`);
          return r;
        })
        .catch((e) => {
          this.cache.delete(key);
          this.log.error(`code lens for ${path.basename(uri.fsPath)} failed`, e);
          return undefined;
        });
      this.cache.set(key, p);
    }
    return p;
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.enabled() || doc.uri.scheme !== 'file') return [];
    const f = await this.summary(doc.uri);
    if (!f || token.isCancellationRequested) return [];
    const title = lensTitle(f);
    if (!title) return [];
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title,
        tooltip: 'Memories about this file, and how often agents edited it (Mnemos)',
        command: 'mnemos.showFileMemories',
        arguments: [doc.uri],
      }),
    ];
  }

  /** Cost of each store computation so far: count, median, p90 and max in ms. */
  stats(): { count: number; medianMs: number; p90Ms: number; maxMs: number } {
    const s = [...this.costs].sort((a, b) => a - b);
    const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : 0);
    return { count: s.length, medianMs: at(0.5), p90Ms: at(0.9), maxMs: s[s.length - 1] ?? 0 };
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
