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
import { plural } from '../../shared/text';
import { type FileActivity, memoriesForFile, type MnemosStore } from '../../store';
import { ago } from '../sessions/render';

export const LENS_SETTING = 'codeAreas.codeLens';

export interface FileInfo {
  /** The file's name (what memories mention). */
  name: string;
  /** Workspace-relative path with `/` (what Save Selection and the hooks record), or undefined outside a folder. */
  relative?: string;
  /** The projects this file may be recorded under (the folder's ICM project name, the folder's name). */
  projects: string[];
  paths: string[];
}

export interface FileSummary {
  memories: number;
  memoryIds: string[];
  activity: FileActivity;
  /** Time the store took to answer, ms. */
  ms: number;
}

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

export function lensTitle(f: Pick<FileSummary, 'memories' | 'activity'>, now = Date.now()): string | undefined {
  const parts: string[] = [];
  if (f.memories) parts.push(plural(f.memories, 'memory', 'memories'));
  const a = f.activity;
  if (a.touchCount)
    parts.push(`touched by agents ${a.touchCount}×${a.lastTouchedAt ? ` (last ${ago(a.lastTouchedAt, now)})` : ''}`);
  return parts.length ? parts.join(' · ') : undefined;
}

export async function summarizeFile(store: MnemosStore, f: FileInfo, limit = 50): Promise<FileSummary> {
  const t0 = performance.now();
  const [mem, activity] = await Promise.all([
    memoriesForFile(store.conn, { name: f.name, path: f.relative, limit }),
    f.projects.length && f.paths.length
      ? store.codeAreas.forFile({ projects: f.projects, paths: f.paths })
      : Promise.resolve({ touchCount: 0, lastTouchedAt: null, areas: [] }),
  ]);
  return { memories: mem.total, memoryIds: mem.ids, activity, ms: performance.now() - t0 };
}

export class FileLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly cache = new Map<string, Promise<FileSummary | undefined>>();
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
        .then((store) => summarizeFile(store, fileInfo(uri)))
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
