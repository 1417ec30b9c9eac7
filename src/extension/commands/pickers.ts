/** Quick picks shared by the commands: a topic (existing or new) and a memory (search as you type). */
import * as vscode from 'vscode';
import { type Memory, NotFoundError, type TopicCount, validateTopic } from '../../store';
import type { Services } from '../services';
import { messageOf } from '../notify';

const NEW_TOPIC = '$(add) New topic…';

interface TopicItem extends vscode.QuickPickItem {
  topic?: string;
  create?: boolean;
}

/** Topics to offer when saving; offline, none (a new name can be typed), so the save can still wait in the outbox. */
export async function knownTopics(s: Services): Promise<TopicCount[]> {
  try {
    return await (await s.store()).topics();
  } catch (e) {
    if (!s.offline.isOffline(e)) throw e;
    s.log.warn(`topics unavailable offline: ${messageOf(e)}`);
    return [];
  }
}

/** Existing topics (with counts) plus "New topic…"; typing a name that does not exist offers to create it. */
export async function pickTopic(topics: TopicCount[], title: string): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<TopicItem>();
  qp.title = title;
  qp.placeholder = topics.length ? 'Pick a topic, or type a new one' : 'Type a topic name (e.g. decisions, project-x)';
  qp.ignoreFocusOut = true;
  const base: TopicItem[] = [
    { label: NEW_TOPIC, create: true, alwaysShow: true },
    ...topics.map((t) => ({
      label: t.topic,
      topic: t.topic,
      description: `${t.count} ${t.count === 1 ? 'memory' : 'memories'}`,
    })),
  ];
  qp.items = base;
  qp.onDidChangeValue((v) => {
    const typed = v.trim();
    const exists = topics.some((t) => t.topic.toLowerCase() === typed.toLowerCase());
    qp.items =
      typed && !exists ? [{ label: typed, topic: typed, description: 'new topic', alwaysShow: true }, ...base] : base;
  });
  const picked = await new Promise<TopicItem | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) return undefined;
  if (picked.topic !== undefined) return validateTopic(picked.topic);
  return vscode.window.showInputBox({
    title,
    prompt: 'New topic name',
    ignoreFocusOut: true,
    validateInput: topicProblem,
  });
}

export function topicProblem(v: string): string | undefined {
  try {
    validateTopic(v);
    return undefined;
  } catch (e) {
    return messageOf(e);
  }
}

export interface MemoryItem extends vscode.QuickPickItem {
  memory: Memory;
}

export function memoryItem(m: Memory, buttons?: vscode.QuickInputButton[]): MemoryItem {
  const oneLine = m.summary.replace(/\s+/g, ' ').trim();
  const src =
    m.sourceData && m.sourceData.type === 'vscode' ? ` · ${String((m.sourceData as { file?: unknown }).file)}` : '';
  return {
    label: oneLine.length > 120 ? oneLine.slice(0, 119) + '…' : oneLine,
    description: `${m.topic} · ${m.importance}`,
    detail: `${m.createdAt.slice(0, 10)}${src}`,
    memory: m,
    alwaysShow: true, // the store already filtered; the quick pick must not filter again
    buttons,
  };
}

export interface SearchPickOptions {
  title: string;
  placeholder: string;
  value?: string;
  buttons?: vscode.QuickInputButton[];
  /** A button on an item was clicked: return true to close the picker. */
  onButton?(item: MemoryItem, button: vscode.QuickInputButton): Promise<boolean> | boolean;
}

/**
 * A quick pick that searches as you type (store.recall with prefix matching; recent memories when
 * empty). Stale answers are dropped, so fast typing never shows an older query's results.
 */
export async function searchMemories(s: Services, opts: SearchPickOptions): Promise<Memory | undefined> {
  const store = await s.store();
  const limit = s.host.settings().recallLimit;
  const qp = vscode.window.createQuickPick<MemoryItem>();
  qp.title = opts.title;
  qp.placeholder = opts.placeholder;
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const run = async (q: string) => {
    const mine = ++seq;
    qp.busy = true;
    try {
      let memories: Memory[];
      if (!q.trim()) {
        memories = (await store.list({ order: 'recent', limit })).items;
      } else {
        const r = await store.recall(q, { prefix: true, limit, bumpAccess: false });
        s.host.noteRecall(r);
        memories = r.items.map((i) => i.memory);
      }
      if (mine !== seq) return;
      qp.items = memories.map((m) => memoryItem(m, opts.buttons));
      qp.placeholder = memories.length || !q.trim() ? opts.placeholder : 'No memory matches';
    } catch (e) {
      if (mine === seq) {
        qp.items = [];
        qp.placeholder = `Search failed: ${s.log.redact(messageOf(e))}`;
        s.log.error('recall in the quick pick failed', e);
      }
    } finally {
      if (mine === seq) qp.busy = false;
    }
  };
  qp.onDidChangeValue((v) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(v), 120);
  });
  if (opts.value) qp.value = opts.value;
  void run(opts.value ?? '');
  const picked = await new Promise<Memory | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.memory));
    qp.onDidHide(() => resolve(undefined));
    qp.onDidTriggerItemButton(async (e) => {
      if (opts.onButton && (await opts.onButton(e.item, e.button))) {
        resolve(undefined);
        qp.hide();
      }
    });
    qp.show();
  });
  if (timer) clearTimeout(timer);
  qp.dispose();
  return picked;
}

/** The memory for an id argument, or one the user picks. */
export async function memoryFromArgOrPick(
  s: Services,
  id: string | undefined,
  title: string,
): Promise<Memory | undefined> {
  const store = await s.store();
  if (id) {
    const m = await store.get(id);
    if (!m) throw new NotFoundError(`no memory with id ${id} (it may have been deleted)`);
    return m;
  }
  return searchMemories(s, { title, placeholder: 'Search memories (recent first)' });
}
