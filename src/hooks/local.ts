/**
 * The hook's local files, no database: where state and the log live, the per-session state, the
 * transcript reader, project detection and the once-only guard. Every function here tolerates
 * missing, unreadable or corrupt files (a hook never fails on them).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HookLogger, SessionState, TranscriptMessage } from './types';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MNEMOS_STATE_DIR) return env.MNEMOS_STATE_DIR;
  if (process.platform === 'win32')
    return path.join(env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local'), 'mnemos', 'state');
  return path.join(env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state'), 'mnemos');
}

const LOG_MAX_BYTES = 1024 * 1024;

/** One JSON line per event in `<state>/hooks.log` (rotated at 1 MiB); never throws. */
export function fileLogger(dir: string, base: Record<string, unknown> = {}): HookLogger {
  const file = path.join(dir, 'hooks.log');
  return {
    log(level, msg, data) {
      try {
        fs.mkdirSync(dir, { recursive: true });
        try {
          if (fs.statSync(file).size > LOG_MAX_BYTES) fs.renameSync(file, file + '.1');
        } catch {
          /* no log yet */
        }
        fs.appendFileSync(file, JSON.stringify({ ts: new Date().toISOString(), level, msg, ...base, ...data }) + '\n');
      } catch {
        /* logging must never break a hook */
      }
    },
  };
}

const idFile = (dir: string, sessionId: string) =>
  path.join(dir, 'sessions', createHash('sha256').update(sessionId).digest('hex').slice(0, 32) + '.json');

export function emptyState(): SessionState {
  return { calls: 0, openErrors: [], edited: [], pending: [], extracted: [] };
}

export function loadState(dir: string, sessionId: string): SessionState {
  try {
    const v = JSON.parse(fs.readFileSync(idFile(dir, sessionId), 'utf8')) as Partial<SessionState>;
    const s = emptyState();
    if (Number.isFinite(v.calls)) s.calls = Math.max(0, Math.floor(Number(v.calls)));
    if (Array.isArray(v.openErrors))
      s.openErrors = v.openErrors.filter((e) => e && typeof e.key === 'string').slice(-20);
    if (Array.isArray(v.edited)) s.edited = v.edited.filter((e) => typeof e === 'string').slice(-200);
    if (Array.isArray(v.extracted)) s.extracted = v.extracted.filter((e) => typeof e === 'string').slice(-500);
    return s;
  } catch {
    return emptyState();
  }
}

/** Written to a temporary file and renamed: a concurrent reader sees the old or the new state, never half. */
export function saveState(dir: string, sessionId: string, s: SessionState): void {
  const file = idFile(dir, sessionId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ ...s, pending: [] }));
  fs.renameSync(tmp, file);
}

/**
 * True the first time `key` is claimed within `windowMs` (an exclusive file create, atomic across processes).
 * VS Code also runs Claude Code's hook files: the same event can reach Mnemos twice, and must act once.
 */
export function claimOnce(dir: string, key: string, windowMs = 15_000, now = Date.now()): boolean {
  const d = path.join(dir, 'once');
  const file = path.join(d, createHash('sha256').update(key).digest('hex').slice(0, 32));
  try {
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(file, String(now), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return true; // cannot tell: act
    try {
      if (now - fs.statSync(file).mtimeMs > windowMs) {
        fs.writeFileSync(file, String(now));
        return true;
      }
    } catch {
      return true;
    }
    return false;
  }
}

/** Drops guard files older than a day (called now and then, never on the prompt path's critical part). */
export function sweepOnce(dir: string, now = Date.now()): void {
  try {
    const d = path.join(dir, 'once');
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (now - fs.statSync(p).mtimeMs > 86_400_000) fs.rmSync(p, { force: true });
    }
  } catch {
    /* nothing to sweep */
  }
}

// ------------------------------------------------------------------------------------ transcript

const INJECTED =
  /Mnemos memories that may be relevant|^# Mnemos Wake-up|<system-reminder>|<command-(?:name|message|args)>/;

function partsText(content: unknown, out: TranscriptMessage[], role: 'user' | 'assistant'): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const p of content.slice(0, 200)) {
    if (typeof p === 'string') texts.push(p);
    else if (p && typeof p === 'object') {
      const o = p as Record<string, unknown>;
      if (o.type === 'tool_result') {
        const t = typeof o.content === 'string' ? o.content : partsText(o.content, [], role);
        if (t) out.push({ role: 'tool', text: t.slice(0, 20_000), isError: o.is_error === true });
      } else if (o.type !== 'tool_use' && typeof o.text === 'string') texts.push(o.text);
    }
  }
  return texts.join('\n');
}

function collect(v: unknown, out: TranscriptMessage[], depth: number): void {
  if (depth > 6 || out.length > 5000 || !v || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v.slice(0, 5000)) collect(x, out, depth + 1);
    return;
  }
  const o = v as Record<string, unknown>;
  const role = o.role;
  if ((role === 'user' || role === 'assistant') && 'content' in o) {
    const text = partsText(o.content, out, role);
    if (text.trim() && !INJECTED.test(text)) out.push({ role, text: text.slice(0, 50_000) });
    return;
  }
  for (const k of ['message', 'payload', 'item', 'data', 'messages', 'turns', 'requests', 'response'])
    if (k in o) collect(o[k], out, depth + 1);
}

/** A transcript read takes at most this long (a network file system that stalls, a huge file): then it is []. */
export const TRANSCRIPT_READ_MS = 3000;

const sha = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 32);

/**
 * Gives each message a key that stays the same however often the transcript is read again, and whatever
 * window of it is read: JSONL messages by their line's hash and their place in that line (a line is one
 * record: its own timestamp or uuid makes it unique), one JSON document's by their text and occurrence.
 */
function keyed(out: TranscriptMessage[], from: number, lineHash: string | undefined, seen: Map<string, number>): void {
  for (let i = from; i < out.length; i++) {
    const m = out[i];
    if (lineHash) m.key = `${lineHash}:${i - from}`;
    else {
      const h = sha(`${m.role}\0${m.text}`);
      const n = (seen.get(h) ?? 0) + 1;
      seen.set(h, n);
      m.key = `${h}:${n}`;
    }
  }
}

/** Parses transcript text (JSONL, or one JSON document when `whole`), within a deadline. */
export function parseTranscript(text: string, whole: boolean, deadline = Infinity): TranscriptMessage[] {
  const out: TranscriptMessage[] = [];
  const seen = new Map<string, number>();
  const t = text.trimStart();
  if (whole && (t.startsWith('[') || t.startsWith('{')) && !/\}\s*\n\s*\{/.test(t.slice(0, 4096))) {
    try {
      collect(JSON.parse(t), out, 0);
      keyed(out, 0, undefined, seen);
      return out;
    } catch {
      out.length = 0; // JSONL after all
    }
  }
  for (const line of text.split('\n')) {
    if (out.length > 5000 || Date.now() > deadline) break;
    const l = line.trim();
    if (!l.startsWith('{')) continue;
    try {
      const from = out.length;
      collect(JSON.parse(l), out, 0);
      keyed(out, from, sha(l), seen);
    } catch {
      /* a torn or foreign line */
    }
  }
  return out;
}

/**
 * The last `maxBytes` of a transcript (JSONL, or one JSON document), as messages; [] when unreadable.
 * Only a regular file is read, opened non-blocking (a FIFO, a device or a socket in `transcript_path`
 * would otherwise block the hook forever), only the bytes it had when opened, off the main thread, and
 * within `timeoutMs`.
 */
export async function readTranscript(
  file: string,
  maxBytes: number,
  timeoutMs = TRANSCRIPT_READ_MS,
): Promise<TranscriptMessage[]> {
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<TranscriptMessage[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs);
  });
  const read = (async (): Promise<TranscriptMessage[]> => {
    let fh: fs.promises.FileHandle | undefined;
    try {
      if (!(await fs.promises.stat(file)).isFile()) return [];
      fh = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
      const st = await fh.stat();
      if (!st.isFile()) return [];
      const size = st.size;
      const start = Math.max(0, size - maxBytes);
      const buf = Buffer.alloc(size - start);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
        if (!bytesRead || Date.now() > deadline) break;
        got += bytesRead;
      }
      let text = buf.subarray(0, got).toString('utf8');
      if (start > 0) {
        const nl = text.indexOf('\n');
        text = nl < 0 ? '' : text.slice(nl + 1); // a partial first line
      }
      return parseTranscript(text, start === 0, deadline);
    } catch {
      return [];
    } finally {
      await fh?.close().catch(() => undefined);
    }
  })();
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// --------------------------------------------------------------------------------------- project

function originName(configText: string): string | undefined {
  const m = /\[remote "origin"\][^[]*?\burl\s*=\s*(\S+)/.exec(configText);
  if (!m) return undefined;
  const name = m[1]
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split(/[/:]/)
    .pop();
  return name || undefined;
}

/**
 * ICM's project name without spawning git: the origin remote's repository name, else the repository
 * folder's name (the main checkout's for a worktree), else the folder's name.
 */
export function detectProject(cwd: string | undefined): string | undefined {
  if (!cwd) return undefined;
  let dir = path.resolve(cwd);
  for (let i = 0; i < 40; i++) {
    const git = path.join(dir, '.git');
    try {
      const st = fs.statSync(git);
      let common = git;
      let root = dir;
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(git, 'utf8'));
        if (m) {
          const gd = path.resolve(dir, m[1].trim());
          const wt = gd.lastIndexOf(`${path.sep}worktrees${path.sep}`);
          common = wt > 0 ? gd.slice(0, wt) : gd;
          root = path.dirname(common);
        }
      }
      try {
        const origin = originName(fs.readFileSync(path.join(common, 'config'), 'utf8'));
        if (origin) return origin;
      } catch {
        /* no config */
      }
      return path.basename(root) || undefined;
    } catch {
      /* not here */
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.basename(path.resolve(cwd)) || undefined;
}
