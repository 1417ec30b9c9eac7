/**
 * Where a selection came from: workspace-relative file, 1-based lines, language, git HEAD commit
 * (through the built-in git extension when it is already running, else read from .git directly).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EditorSource } from '../store';

/** 1-based inclusive lines; a selection ending at column 0 of a line does not include that line. */
export function selectionLines(sel: vscode.Selection | vscode.Range): { startLine: number; endLine: number } {
  const startLine = sel.start.line + 1;
  let endLine = sel.end.line + 1;
  if (sel.end.character === 0 && sel.end.line > sel.start.line) endLine--;
  return { startLine, endLine };
}

export async function editorSource(
  doc: vscode.TextDocument,
  lines: { startLine: number; endLine: number },
): Promise<EditorSource> {
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  const file = folder
    ? vscode.workspace.asRelativePath(doc.uri, false)
    : doc.uri.scheme === 'file'
      ? doc.uri.fsPath
      : doc.uri.toString();
  const src: EditorSource = {
    type: 'vscode',
    file,
    startLine: lines.startLine,
    endLine: lines.endLine,
    language: doc.languageId,
  };
  if (folder) src.workspace = folder.name;
  const commit = doc.uri.scheme === 'file' ? await headCommit(doc.uri) : undefined;
  if (commit) src.commit = commit;
  return src;
}

interface GitApi {
  getRepository(uri: vscode.Uri): { state: { HEAD?: { commit?: string } } } | null;
}
interface GitExtension {
  getAPI(version: 1): GitApi;
}

export async function headCommit(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
    // Never activate git just for this: reading .git is cheaper than starting the git extension.
    if (ext?.isActive) {
      const c = ext.exports.getAPI(1).getRepository(uri)?.state.HEAD?.commit;
      if (c) return c;
    }
  } catch {
    /* fall back to .git */
  }
  return readHeadFromDotGit(path.dirname(uri.fsPath)).catch(() => undefined);
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** HEAD's commit from the nearest .git (a folder, or a worktree's `gitdir:` file), without running git. */
export async function readHeadFromDotGit(startDir: string): Promise<string | undefined> {
  let dir = startDir;
  for (;;) {
    const dotGit = path.join(dir, '.git');
    const st = await fs.stat(dotGit).catch(() => undefined);
    if (st) {
      let gitDir = dotGit;
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(await fs.readFile(dotGit, 'utf8'));
        if (!m) return undefined;
        gitDir = path.resolve(dir, m[1].trim());
      }
      return resolveHead(gitDir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function resolveHead(gitDir: string): Promise<string | undefined> {
  const head = (await fs.readFile(path.join(gitDir, 'HEAD'), 'utf8')).trim();
  if (SHA.test(head)) return head;
  const m = /^ref:\s*(\S+)$/.exec(head);
  if (!m) return undefined;
  const ref = m[1];
  const common = await fs
    .readFile(path.join(gitDir, 'commondir'), 'utf8')
    .then((c) => path.resolve(gitDir, c.trim()))
    .catch(() => gitDir);
  for (const base of [gitDir, common]) {
    const v = await fs.readFile(path.join(base, ref), 'utf8').catch(() => undefined);
    if (v && SHA.test(v.trim())) return v.trim();
  }
  const packed = await fs.readFile(path.join(common, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && SHA.test(sha)) return sha;
  }
  return undefined; // a branch with no commits yet
}
