/**
 * The real dependencies of the hook core: the Mnemos store (opened on first use only: a post-tool
 * hook that has nothing to store never opens it), ICM's wake-up pack, code areas, the transcript archive,
 * the local state files.
 */
import { createHash } from 'node:crypto';
import { passesProject } from '../mcp/match';
import { buildWakeUp } from '../mcp/wakeup';
import {
  configFromEnv,
  type MnemosStore,
  type NewMessage,
  openStore,
  type SourceData,
  type StoreConfig,
} from '../store';
import type { Dialect } from './adapters';
import { loadState, readTranscript, saveState } from './local';
import type { CodeAreaRecorder, CodeAreaTouch, HookDeps, HookLogger, TranscriptMessage } from './types';

/** `f()` as a promise, a throw as a rejection (the synchronous file helpers behind an async interface). */
const promised = <T>(f: () => T): Promise<T> => new Promise((resolve) => resolve(f()));

export interface StoreDepsOptions {
  env: NodeJS.ProcessEnv;
  /** `--db` / `--url` from the hook's command line; otherwise the store comes from the environment, as the CLI's. */
  store?: { db?: string; url?: string };
  stateDir: string;
  logger: HookLogger;
  dialect: Dialect;
  sessionId?: string;
  /** A store the caller keeps open (the warm helper): used instead of opening one, and not closed. */
  sharedStore?: (config: StoreConfig) => Promise<MnemosStore>;
}

/** ICM's per-project topic families (`decisions-<project>`, `context-<project>`…); `errors-resolved` is global. */
const SCOPED = /^(decisions?|context|contexte|errors?|runbook|progress|architecture|notes?)[-_.:/](.+)$/i;

/**
 * The prompt hook's project filter: memories of this project, preferences, and memories of no project
 * in particular (`errors-resolved`, `gotchas`, `conventions`…); never another project's.
 */
export function relevantToProject(topic: string, project: string | undefined): boolean {
  if (!project || passesProject(topic, project)) return true;
  const m = SCOPED.exec(topic.trim());
  return !m || /^resolved$/i.test(m[2]);
}

/**
 * Code areas in the store (ICM's `code_areas`, `upsert_code_area`): one row per (project, file), its
 * touch count bumped on every edit, all of one tool call's files in one atomic batch.
 */
export function storeCodeAreas(store: () => Promise<MnemosStore>): CodeAreaRecorder {
  return {
    async touch(areas: CodeAreaTouch[]) {
      if (!areas.length) return;
      const s = await store();
      await s.codeAreas.touchMany(
        areas.map((a) => ({
          project: a.project,
          filePath: a.filePath,
          sessionId: a.sessionId && Buffer.byteLength(a.sessionId) <= 256 ? a.sessionId : null,
          toolName: a.toolName,
        })),
      );
    },
  };
}

/** ICM's per-event archive cap (`[archive] max_bytes_per_event`, 32 KiB): a longer message is cut. */
export const ARCHIVE_MAX_MESSAGE_BYTES = 32 * 1024;
const CUT = ' […]';
/** Messages written per batch (one atomic round trip each; a timed-out run keeps the batches it wrote). */
const ARCHIVE_BATCH = 200;
const AGENT_NAME: Record<Dialect, string> = {
  claude: 'claude-code',
  codex: 'codex',
  vscode: 'vscode',
  'copilot-cli': 'copilot-cli',
};
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const sha = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 32);

/** Message text as the store accepts it: no NUL, no lone surrogate, at most 32 KiB of UTF-8. */
export function archiveText(text: string): string {
  let t = text.replace(/\0/g, '\ufffd').replace(LONE_SURROGATE, '\ufffd');
  if (Buffer.byteLength(t, 'utf8') > ARCHIVE_MAX_MESSAGE_BYTES) {
    t =
      Buffer.from(t, 'utf8')
        .subarray(0, ARCHIVE_MAX_MESSAGE_BYTES - Buffer.byteLength(CUT))
        .toString('utf8')
        .replace(/\ufffd+$/, '') + CUT;
  }
  return t;
}

/** The store's session id for an agent's session id (ICM's ensure_session key; ids over 128 characters are hashed). */
export function archiveSessionId(agentSessionId: string): string {
  return agentSessionId.length <= 128 ? agentSessionId : `sha-${sha(agentSessionId)}`;
}

/**
 * The transcript archive over the store's transcript API (ICM's ensure_session + record_message): the
 * session keyed by the agent's own session id, each message by a hash of its stable key, and only the
 * messages the session does not hold yet are written, so a transcript archived again adds nothing.
 */
export function storeArchive(store: () => Promise<MnemosStore>, dialect: Dialect) {
  return async (agentSessionId: string, messages: TranscriptMessage[], meta: { project?: string }): Promise<number> => {
    const sessionId = archiveSessionId(agentSessionId);
    const rows = new Map<string, NewMessage>();
    for (const m of messages) {
      if (!m.key) continue;
      const id = `mh-${sha(`${sessionId}\0${m.key}`)}`;
      if (!rows.has(id)) rows.set(id, { id, sessionId, role: m.role, content: archiveText(m.text) });
    }
    if (!rows.size) return 0;
    const s = await store();
    await s.transcripts.ensureSession(sessionId, {
      agent: AGENT_NAME[dialect],
      project: meta.project ?? null,
      metadata: JSON.stringify({ source: 'mnemos hook' }),
    });
    const known = await s.transcripts.knownMessageIds(sessionId, [...rows.keys()]);
    const fresh = [...rows.values()].filter((r) => !known.has(r.id!));
    for (let i = 0; i < fresh.length; i += ARCHIVE_BATCH)
      await s.transcripts.recordMany(fresh.slice(i, i + ARCHIVE_BATCH));
    return fresh.length;
  };
}

export function storeDeps(o: StoreDepsOptions): HookDeps & { close: () => Promise<void> } {
  let opened: Promise<MnemosStore> | undefined;
  const store = () =>
    (opened ??= (async () => {
      const config = configFromEnv(o.store ?? {}, o.env);
      if (o.sharedStore) return o.sharedStore(config);
      const s = await openStore(config);
      s.onBackgroundError = (e) =>
        o.logger.log('warn', 'store background error', { error: String((e as Error)?.message ?? e) });
      if (o.env.MNEMOS_HOOK_HYBRID === '1') {
        // Hybrid only with a locally cached model: a download would blow every prompt's latency budget.
        const { embedderFromEnv } = await import('../embed/config');
        const e = embedderFromEnv({ ...o.env, MNEMOS_EMBED_OFFLINE: '1' });
        if (e) s.setEmbedder(e, { waitForModel: true, nearDuplicate: false });
      }
      return s;
    })());
  const source: SourceData =
    o.dialect === 'claude'
      ? { type: 'claude_code', session_id: o.sessionId ?? null, file_path: null }
      : { type: 'conversation', thread_id: `${o.dialect}:${o.sessionId ?? 'unknown'}` };
  return {
    async recall(query, { project, limit }) {
      const s = await store();
      const r = await s.recall(query, { limit: Math.max(limit, 20), bumpAccess: false });
      return r.items
        .filter((h) => relevantToProject(h.memory.topic, project))
        .slice(0, limit)
        .map((h) => ({
          id: h.memory.id,
          topic: h.memory.topic,
          summary: h.memory.summary,
          score: h.score,
          fullMatch: h.fullMatch,
        }));
    },
    async wakeUp({ project, maxTokens }) {
      return buildWakeUp(await store(), { project, maxTokens, format: 'markdown' });
    },
    async store(c) {
      const s = await store();
      const r = await s.store({ ...c, rawExcerpt: c.rawExcerpt ?? null, source });
      return r.action;
    },
    async similar(topic, text) {
      const s = await store();
      const hits = await s.recallKeyword(text, { topic, exactTopic: true, limit: 5, bumpAccess: false });
      return hits.map((h) => h.memory.summary);
    },
    codeAreas: storeCodeAreas(store),
    loadState: (sid) => promised(() => loadState(o.stateDir, sid)),
    saveState: (sid, st) => promised(() => saveState(o.stateDir, sid, st)),
    readTranscript: (p, max) => readTranscript(p, max),
    archive: storeArchive(store, o.dialect),
    logger: o.logger,
    now: () => new Date(),
    async close() {
      if (!opened || o.sharedStore) return;
      const s = await opened.catch(() => undefined);
      await s?.close();
    },
  };
}
