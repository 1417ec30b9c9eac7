/**
 * Copilot's memory tools (`vscode.lm.registerTool`): recall, remember, update, forget, list topics, over
 * the same store as the sidebar. Destructive tools (update, forget) ask the user to confirm and show
 * exactly what changes; read-only ones and storing don't ask (storing only adds or merges).
 */
import * as vscode from 'vscode';
import { InvalidInputError, type Memory, NotFoundError, parseImportance } from '../store';
import { messageOf } from './notify';
import type { Services } from './services';
import {
  clampLimit,
  type ForgetInput,
  forgetOneConfirmation,
  forgetTopicConfirmation,
  keywordList,
  mdText,
  oneLine,
  type RecallInput,
  recallText,
  type StoreInput,
  storedText,
  TOOL,
  topicsText,
  type UpdateInput,
  updateConfirmation,
} from './toolDefs';

type Tool<T> = vscode.LanguageModelTool<T>;

function result(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

/** Plain text shown while a tool runs (Markdown-escaped: topics and queries are untrusted). */
function plain(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(mdText(text, 300));
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

function confirmation(c: { title: string; markdown: string }): vscode.LanguageModelToolConfirmationMessages {
  const md = new vscode.MarkdownString(c.markdown);
  md.isTrusted = false;
  md.supportHtml = false;
  return { title: c.title, message: md };
}

function str(v: unknown, name: string, required = false): string | undefined {
  if (v === undefined || v === null || (typeof v === 'string' && !v.trim() && !required)) return undefined;
  if (typeof v !== 'string') throw new InvalidInputError(`${name} must be a string`);
  if (required && !v.trim()) throw new InvalidInputError(`${name} is required`);
  return v;
}

export interface MnemosTools {
  store: Tool<StoreInput>;
  recall: Tool<RecallInput>;
  update: Tool<UpdateInput>;
  forget: Tool<ForgetInput>;
  topics: Tool<Record<string, never>>;
}

export function createTools(s: Services): MnemosTools {
  /** Errors reach the model as text it can act on; never a token, never a stack. */
  const guard = async (name: string, fn: () => Promise<vscode.LanguageModelToolResult>) => {
    try {
      return await fn();
    } catch (e) {
      s.log.error(`tool ${name} failed`, e);
      throw new Error(s.log.redact(messageOf(e)), { cause: e });
    }
  };

  const store: Tool<StoreInput> = {
    prepareInvocation: ({ input }) => ({
      invocationMessage: plain(
        `Remembering in “${oneLine(String(input?.topic ?? ''), 60)}”: ${oneLine(String(input?.content ?? ''), 100)}`,
      ),
    }),
    invoke: ({ input }) =>
      guard(TOOL.store, async () => {
        const topic = str(input.topic, 'topic', true)!;
        const r = await s.offline.save(
          {
            topic,
            summary: str(input.content, 'content', true)!,
            importance: input.importance === undefined ? 'medium' : parseImportance(input.importance),
            keywords: keywordList(input.keywords),
            rawExcerpt: str(input.raw_excerpt, 'raw_excerpt'),
            source: { type: 'vscode-lm-tool' },
          },
          () => s.store(),
        );
        if (r.action === 'queued') {
          return result(
            `Saved offline as memory ${r.id}: ${r.target ?? 'the server'} is unreachable; it will be written there when it is reachable. Do not store it again.`,
          );
        }
        s.changed();
        return result(storedText(r, topic.trim()));
      }),
  };

  const recall: Tool<RecallInput> = {
    prepareInvocation: ({ input }) => ({
      invocationMessage: plain(`Recalling memories about “${oneLine(String(input?.query ?? ''), 80)}”`),
    }),
    invoke: ({ input }) =>
      guard(TOOL.recall, async () => {
        const query = str(input.query, 'query', true)!;
        const st = await s.store();
        const r = await st.recall(query, {
          limit: clampLimit(input.limit),
          topic: str(input.topic, 'topic'),
          importance: input.importance === undefined ? undefined : parseImportance(input.importance),
        });
        s.host.noteRecall(r);
        return result(recallText(query, r));
      }),
  };

  const memoryOf = async (id: unknown): Promise<Memory> => {
    const mid = str(id, 'id', true)!.trim();
    const m = await (await s.store()).get(mid);
    if (!m)
      throw new NotFoundError(
        `no memory with id ${mid} (it may have been deleted); call mnemos_recall for current ids`,
      );
    return m;
  };

  const update: Tool<UpdateInput> = {
    async prepareInvocation({ input }) {
      const before = await memoryOf(input?.id);
      return {
        invocationMessage: plain(`Updating memory ${before.id}`),
        confirmationMessages: confirmation(updateConfirmation(before, input)),
      };
    },
    invoke: ({ input }) =>
      guard(TOOL.update, async () => {
        s.offline.requireServer('updating a memory');
        const m = await memoryOf(input.id);
        const keywords = keywordList(input.keywords);
        const patch = {
          summary: str(input.content, 'content'),
          topic: str(input.topic, 'topic'),
          importance: input.importance === undefined ? undefined : parseImportance(input.importance),
          keywords,
        };
        if (Object.values(patch).every((v) => v === undefined))
          throw new InvalidInputError('nothing to update: give content, topic, importance or keywords');
        const next = await (await s.store()).update(m.id, patch);
        s.changed();
        s.docs.refreshOpen();
        return result(
          `Updated memory ${next.id} in topic "${oneLine(next.topic, 200)}" (importance ${next.importance}).`,
        );
      }),
  };

  const forgetTarget = (input: ForgetInput) => {
    const id = str(input?.id, 'id');
    const topic = str(input?.topic, 'topic');
    if (id && topic) throw new InvalidInputError('give either id or topic, not both');
    if (!id && !topic) throw new InvalidInputError('give the id of a memory (from mnemos_recall) or a topic to forget');
    return { id: id?.trim(), topic: topic?.trim() };
  };

  const forget: Tool<ForgetInput> = {
    async prepareInvocation({ input }) {
      const t = forgetTarget(input);
      if (t.id) {
        const m = await memoryOf(t.id);
        return {
          invocationMessage: plain(`Deleting memory ${m.id}`),
          confirmationMessages: confirmation(forgetOneConfirmation(m)),
        };
      }
      const st = await s.store();
      const count = await st.count(t.topic);
      if (!count) throw new NotFoundError(`topic "${t.topic}" has no memories; mnemos_topics lists the topics`);
      const sample = (await st.list({ topic: t.topic, limit: 5, order: 'recent' })).items;
      return {
        invocationMessage: plain(`Forgetting topic “${oneLine(t.topic!, 60)}”`),
        confirmationMessages: confirmation(forgetTopicConfirmation(t.topic!, count, sample)),
      };
    },
    invoke: ({ input }) =>
      guard(TOOL.forget, async () => {
        s.offline.requireServer('forgetting');
        const t = forgetTarget(input);
        const st = await s.store();
        if (t.id) {
          const m = await memoryOf(t.id);
          await st.forget(m.id);
          s.changed();
          s.docs.refreshOpen();
          return result(`Deleted memory ${m.id} from topic "${oneLine(m.topic, 200)}".`);
        }
        if (t.topic!.endsWith('*')) throw new InvalidInputError('forgetting takes one exact topic, not a prefix');
        const n = await st.forgetTopic(t.topic!);
        if (!n) throw new NotFoundError(`topic "${t.topic}" has no memories; mnemos_topics lists the topics`);
        s.changed();
        s.docs.refreshOpen();
        return result(`Forgot ${n} ${n === 1 ? 'memory' : 'memories'} in topic "${oneLine(t.topic!, 200)}".`);
      }),
  };

  const topics: Tool<Record<string, never>> = {
    prepareInvocation: () => ({ invocationMessage: 'Listing memory topics' }),
    invoke: () => guard(TOOL.topics, async () => result(topicsText(await (await s.store()).topics()))),
  };

  return { store, recall, update, forget, topics };
}

/** Registers every tool; `vscode.lm` is missing in hosts without chat, where nothing is registered. */
export function registerTools(s: Services, tools: MnemosTools): vscode.Disposable[] {
  if (typeof vscode.lm?.registerTool !== 'function') {
    s.log.warn('this editor has no language-model tool API; the Copilot memory tools are not registered');
    return [];
  }
  return [
    vscode.lm.registerTool(TOOL.store, tools.store),
    vscode.lm.registerTool(TOOL.recall, tools.recall),
    vscode.lm.registerTool(TOOL.update, tools.update),
    vscode.lm.registerTool(TOOL.forget, tools.forget),
    vscode.lm.registerTool(TOOL.topics, tools.topics),
  ];
}
