/**
 * What the file lens shows, without VS Code (so bench/ and unit tests run it under plain Node): one
 * file's memories and agent touches from the store, and the lens's title.
 */
import { plural } from '../../shared/text';
import { type FileActivity, memoriesForFile, type MnemosStore } from '../../store';
import { ago } from '../sessions/render';

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

export function lensTitle(f: Pick<FileSummary, 'memories' | 'activity'>, now = Date.now()): string | undefined {
  const parts: string[] = [];
  if (f.memories) parts.push(plural(f.memories, 'memory', 'memories'));
  const a = f.activity;
  if (a.touchCount)
    parts.push(`touched by agents ${a.touchCount}×${a.lastTouchedAt ? ` (last ${ago(a.lastTouchedAt, now)})` : ''}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * One file's lens data. `sources` (from `sourceFiles`, cached by the caller until the store changes)
 * turns the saved-from-this-file arm into key lookups.
 */
export async function summarizeFile(
  store: MnemosStore,
  f: FileInfo,
  sources?: Map<string, string[]>,
  limit = 50,
): Promise<FileSummary> {
  const t0 = performance.now();
  const [mem, activity] = await Promise.all([
    memoriesForFile(store.conn, { name: f.name, path: f.relative, limit, sources }),
    f.projects.length && f.paths.length
      ? store.codeAreas.forFile({ projects: f.projects, paths: f.paths })
      : Promise.resolve({ touchCount: 0, lastTouchedAt: null, areas: [] }),
  ]);
  return { memories: mem.total, memoryIds: mem.ids, activity, ms: performance.now() - t0 };
}
