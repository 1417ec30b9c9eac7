/**
 * The real dependencies of the hook core: the Mnemos store (opened on first use only: a post-tool
 * hook that has nothing to store never opens it), ICM's wake-up pack, the local state files.
 */
import { passesProject } from '../mcp/match';
import { buildWakeUp } from '../mcp/wakeup';
import { configFromEnv, type MnemosStore, openStore, type SourceData, type StoreConfig } from '../store';
import type { Dialect } from './adapters';
import { loadState, readTranscript, saveState } from './local';
import type { CodeAreaRecorder, CodeAreaTouch, HookDeps, HookLogger } from './types';

/** `f()` as a promise, a throw as a rejection (the synchronous file helpers behind an async interface). */
const promised = <T>(f: () => T): Promise<T> => new Promise((resolve) => resolve(f()));

export interface StoreDepsOptions {
  env: NodeJS.ProcessEnv;
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
 * Code areas until the store has ICM's `code_areas` table: the touches go to the hook log.
 * TODO(lead): replace with the recorder over src/store/codeAreas.ts (upsert_code_area per touch).
 */
export function logCodeAreas(logger: HookLogger): CodeAreaRecorder {
  return {
    touch(areas: CodeAreaTouch[]) {
      return promised(() => {
        const list = areas.map((a) => ({ project: a.project, file: a.filePath, tool: a.toolName }));
        logger.log('info', 'code areas touched', { areas: list });
      });
    },
  };
}

export function storeDeps(o: StoreDepsOptions): HookDeps & { close: () => Promise<void> } {
  let opened: Promise<MnemosStore> | undefined;
  const store = () =>
    (opened ??= (async () => {
      if (o.sharedStore) return o.sharedStore(configFromEnv({}, o.env));
      const s = await openStore(configFromEnv({}, o.env));
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
    codeAreas: logCodeAreas(o.logger),
    loadState: (sid) => promised(() => loadState(o.stateDir, sid)),
    saveState: (sid, st) => promised(() => saveState(o.stateDir, sid, st)),
    readTranscript: (p, max) => promised(() => readTranscript(p, max)),
    logger: o.logger,
    now: () => new Date(),
    async close() {
      if (!opened || o.sharedStore) return;
      const s = await opened.catch(() => undefined);
      await s?.close();
    },
  };
}
