/** Commands on memories: save (selection / text), recall, open, edit, delete, forget a topic. */
import * as vscode from 'vscode';
import {
  type Memory,
  type MemoryPatch,
  type NewMemory,
  NotFoundError,
  type StoreResult,
  InvalidInputError,
  validateSummary,
} from '../../store';
import { memoryUri } from '../memoryDocument';
import { messageOf } from '../notify';
import type { SaveOutcome } from '../offline';
import type { Services } from '../services';
import { editorSource, selectionLines } from '../source';
import {
  boolOpt,
  Cancelled,
  IMPORTANCE_ITEMS,
  idArg,
  importanceOpt,
  keywordsOpt,
  options,
  required,
  splitKeywords,
  stringOpt,
} from './args';
import { knownTopics, memoryFromArgOrPick, pickTopic, searchMemories, topicProblem } from './pickers';

/** Summaries stay readable in lists and under ICM's 64 KiB cap; the full selection goes to raw_excerpt. */
const SUMMARY_MAX_CHARS = 4000;

export function summaryFor(text: string): { summary: string; rawExcerpt?: string } {
  const t = text.replace(/\s+$/, '');
  if (t.length <= SUMMARY_MAX_CHARS) return { summary: t };
  const cut = t.lastIndexOf('\n', SUMMARY_MAX_CHARS);
  return { summary: t.slice(0, cut > SUMMARY_MAX_CHARS / 2 ? cut : SUMMARY_MAX_CHARS) + '\n…', rawExcerpt: text };
}

function savedMessage(r: StoreResult, topic: string): string {
  if (r.action === 'created') return `Saved to “${topic}”.`;
  if (r.action === 'merged') return `“${topic}” already had this memory; merged the new details into it.`;
  return `“${topic}” already has this memory.`;
}

/** Saves through the offline queue (the store, or the outbox while the server is unreachable) and says which. */
async function save(s: Services, memory: NewMemory): Promise<SaveOutcome & { topic: string }> {
  const topic = memory.topic.trim();
  const r = await s.offline.save(memory, () => s.store());
  if (r.action === 'queued') {
    s.notify.info(s.offline.queuedMessage(r.target ?? 'the server'), s.offline.retryNowAction());
  } else {
    s.changed();
    s.notify.info(savedMessage(r, topic));
  }
  return { ...r, topic };
}

/** mnemos.saveSelection({topic?, importance?, keywords?, summary?}) — the active editor's selection, with its source. */
export async function saveSelection(
  s: Services,
  ...args: unknown[]
): Promise<(SaveOutcome & { topic: string }) | undefined> {
  const o = options(args);
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    s.notify.warn('Open a file and select the text to remember first.');
    return undefined;
  }
  const sel = editor.selection;
  const text = editor.document.getText(sel);
  if (!text.trim()) {
    s.notify.warn('Select the text to remember first.');
    return undefined;
  }
  const source = await editorSource(editor.document, selectionLines(sel));
  const topic =
    stringOpt(o, 'topic') ?? required(await pickTopic(await knownTopics(s), 'Save Selection as Memory: topic'));
  const given = stringOpt(o, 'summary');
  const { summary, rawExcerpt } = given !== undefined ? { summary: given, rawExcerpt: text } : summaryFor(text);
  return save(s, {
    topic,
    summary,
    rawExcerpt,
    importance: importanceOpt(o, 'medium'),
    keywords: keywordsOpt(o),
    source,
  });
}

/** mnemos.saveMemory({summary?, topic?, importance?, keywords?}) — while the server is unreachable it waits in the outbox (action 'queued'). */
export async function saveMemory(
  s: Services,
  ...args: unknown[]
): Promise<(SaveOutcome & { topic: string }) | undefined> {
  const o = options(args);
  const summary =
    stringOpt(o, 'summary') ??
    stringOpt(o, 'content') ??
    required(
      await vscode.window.showInputBox({
        title: 'Save a Memory (1/2)',
        prompt: 'What should be remembered?',
        placeHolder: 'e.g. We rotate the API token every 90 days; the runbook is in ops/tokens.md',
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            validateSummary(v);
            return undefined;
          } catch (e) {
            return messageOf(e);
          }
        },
      }),
    );
  const topic = stringOpt(o, 'topic') ?? required(await pickTopic(await knownTopics(s), 'Save a Memory (2/2): topic'));
  return save(s, {
    topic,
    summary,
    importance: importanceOpt(o, 'medium'),
    keywords: keywordsOpt(o),
    rawExcerpt: stringOpt(o, 'rawExcerpt'),
  });
}

export type RecallAction = 'insert' | 'copy' | 'open';
const BUTTONS: Record<RecallAction, vscode.QuickInputButton> = {
  insert: { iconPath: new vscode.ThemeIcon('insert'), tooltip: 'Insert at cursor' },
  copy: { iconPath: new vscode.ThemeIcon('copy'), tooltip: 'Copy' },
  open: { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Open' },
};

/** The text a recalled memory contributes: the verbatim excerpt when there is one, else the summary. */
export function memoryText(m: Memory): string {
  return m.rawExcerpt ?? m.summary;
}

async function applyAction(
  s: Services,
  m: Memory,
  action: RecallAction,
  editor: vscode.TextEditor | undefined,
): Promise<void> {
  (await s.store()).bumpAccess([m.id]);
  if (action === 'copy') {
    await vscode.env.clipboard.writeText(memoryText(m));
    s.notify.info('Memory copied to the clipboard.');
  } else if (action === 'insert') {
    if (!editor || editor.document.isClosed)
      throw new InvalidInputError('no editor to insert into; open a file and place the cursor first');
    const text = memoryText(m);
    const ok = await editor.edit((b) => {
      for (const sel of editor.selections) b.replace(sel, text);
    });
    if (!ok) throw new InvalidInputError('the editor did not accept the insertion (is it read-only?)');
  } else {
    await openMemoryIn(s, m);
  }
}

/**
 * mnemos.recall({query?, action?: 'insert'|'copy'|'open', id?, limit?, topic?})
 * With a query, runs without UI and returns the results (applying `action` to `id` or the best hit).
 * Without, a quick pick searches as you type: Enter inserts at the cursor (opens when no editor);
 * item buttons copy or open.
 */
export async function recall(s: Services, ...args: unknown[]) {
  const o = options(args);
  const query = typeof args[0] === 'string' ? args[0] : stringOpt(o, 'query');
  const action = stringOpt(o, 'action') as RecallAction | undefined;
  if (action !== undefined && !(action in BUTTONS))
    throw new InvalidInputError(`action must be insert, copy or open (got ${JSON.stringify(action)})`);
  const editor = vscode.window.activeTextEditor;
  if (query !== undefined) {
    const limit = o.limit === undefined ? s.host.settings().recallLimit : Number(o.limit);
    let r;
    try {
      r = await (
        await s.store()
      ).recall(query, { prefix: o.prefix !== false, limit, topic: stringOpt(o, 'topic'), bumpAccess: false });
    } catch (e) {
      if (!s.offline.isOffline(e)) throw e;
      // Offline: a plain state with Retry, not an error (with a replica, reads come from its copy and don't get here).
      s.offline.reportOffline(e, () => vscode.commands.executeCommand('mnemos.recall', ...args));
      return { mode: 'offline' as const, offline: true, note: s.offline.offlineMessage(), items: [] };
    }
    s.host.noteRecall(r);
    const items = r.items.map((i) => ({
      id: i.memory.id,
      topic: i.memory.topic,
      summary: i.memory.summary,
      score: i.score,
    }));
    if (action) {
      const target = typeof o.id === 'string' ? r.items.find((i) => i.memory.id === o.id)?.memory : r.items[0]?.memory;
      if (!target) throw new NotFoundError(`no memory matches "${query}"`);
      await applyAction(s, target, action, editor);
    }
    return { mode: r.mode, offline: s.host.status().offline, note: r.note, items };
  }
  const buttons = editor ? [BUTTONS.copy, BUTTONS.open] : [BUTTONS.copy];
  const picked = await searchMemories(s, {
    title: editor ? 'Mnemos: Recall — Enter inserts at the cursor' : 'Mnemos: Recall — Enter opens',
    placeholder: 'Search memories (recent first)',
    buttons,
    onButton: async (item, button) => {
      await applyAction(s, item.memory, button === BUTTONS.copy ? 'copy' : 'open', editor);
      return true;
    },
  });
  if (!picked) return undefined;
  const chosen: RecallAction = action ?? (editor ? 'insert' : 'open');
  await applyAction(s, picked, chosen, editor);
  return { id: picked.id, action: chosen };
}

/** Source file of a memory saved from an editor, if it exists in this workspace. */
async function sourceFile(m: Memory): Promise<{ uri: vscode.Uri; start: number; end: number } | undefined> {
  const src = m.sourceData as {
    type?: string;
    file?: unknown;
    startLine?: unknown;
    endLine?: unknown;
    workspace?: unknown;
  } | null;
  if (!src || src.type !== 'vscode' || typeof src.file !== 'string' || !src.file) return undefined;
  const start = Math.max(1, Math.floor(Number(src.startLine) || 1));
  const end = Math.max(start, Math.floor(Number(src.endLine) || start));
  const folders = [...(vscode.workspace.workspaceFolders ?? [])];
  const candidates: vscode.Uri[] = [];
  if (/^([a-z]:[\\/]|\/)/i.test(src.file)) candidates.push(vscode.Uri.file(src.file));
  else {
    const named = folders.filter((f) => f.name === src.workspace);
    for (const f of [...named, ...folders.filter((f) => !named.includes(f))])
      candidates.push(vscode.Uri.joinPath(f.uri, src.file));
  }
  for (const uri of candidates) {
    try {
      const st = await vscode.workspace.fs.stat(uri);
      if (st.type & vscode.FileType.File) return { uri, start, end };
    } catch {
      /* try the next folder */
    }
  }
  return undefined;
}

async function openMemoryIn(s: Services, m: Memory): Promise<{ opened: 'file' | 'memory'; uri: string }> {
  const f = await sourceFile(m);
  if (f) {
    const doc = await vscode.workspace.openTextDocument(f.uri);
    const last = Math.min(f.end, doc.lineCount) - 1;
    const first = Math.min(f.start - 1, last);
    const range = new vscode.Range(first, 0, last, doc.lineAt(last).text.length);
    await vscode.window.showTextDocument(doc, { selection: range, preview: true });
    return { opened: 'file', uri: f.uri.toString() };
  }
  const uri = memoryUri(m.id);
  s.docs.refreshOpen();
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  return { opened: 'memory', uri: uri.toString() };
}

/** mnemos.openMemory(id?) — its source lines when it has a vscode source that exists here, else a read-only view. */
export async function openMemory(s: Services, ...args: unknown[]) {
  const m = required(await memoryFromArgOrPick(s, idArg(args), 'Mnemos: Open Memory'));
  (await s.store()).bumpAccess([m.id]);
  return openMemoryIn(s, m);
}

type EditField = 'summary' | 'topic' | 'importance' | 'keywords';

/** mnemos.editMemory(id?, {summary?, topic?, importance?, keywords?}) — without a patch, asks which field to change. */
export async function editMemory(s: Services, ...args: unknown[]): Promise<Memory | undefined> {
  s.offline.requireServer('editing a memory');
  const m = required(await memoryFromArgOrPick(s, idArg(args), 'Mnemos: Edit Memory'));
  const o = options(args);
  const patch: MemoryPatch = {};
  if (o.summary !== undefined) patch.summary = stringOpt(o, 'summary');
  if (o.topic !== undefined) patch.topic = stringOpt(o, 'topic');
  if (o.importance !== undefined) patch.importance = importanceOpt(o);
  if (o.keywords !== undefined) patch.keywords = keywordsOpt(o);
  if (o.rawExcerpt !== undefined) patch.rawExcerpt = o.rawExcerpt === null ? null : stringOpt(o, 'rawExcerpt');
  if (!Object.keys(patch).length) {
    const field = required(
      await vscode.window.showQuickPick<vscode.QuickPickItem & { field: EditField }>(
        [
          { label: 'Content', description: m.summary.replace(/\s+/g, ' ').slice(0, 80), field: 'summary' },
          { label: 'Topic', description: m.topic, field: 'topic' },
          { label: 'Importance', description: m.importance, field: 'importance' },
          { label: 'Keywords', description: m.keywords.join(', ') || '(none)', field: 'keywords' },
        ],
        { title: 'Mnemos: Edit Memory', placeHolder: 'What to change?' },
      ),
    ).field;
    if (field === 'summary') {
      patch.summary = required(
        await vscode.window.showInputBox({
          title: 'Edit Memory: content',
          value: m.summary,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : 'content must not be blank'),
        }),
      );
    } else if (field === 'topic') {
      patch.topic = required(
        await vscode.window.showInputBox({
          title: 'Edit Memory: topic',
          value: m.topic,
          ignoreFocusOut: true,
          validateInput: topicProblem,
        }),
      );
    } else if (field === 'importance') {
      patch.importance = required(
        await vscode.window.showQuickPick(IMPORTANCE_ITEMS, {
          title: 'Edit Memory: importance',
          placeHolder: `now ${m.importance}`,
        }),
      ).label;
    } else {
      patch.keywords = splitKeywords(
        required(
          await vscode.window.showInputBox({
            title: 'Edit Memory: keywords (comma-separated)',
            value: m.keywords.join(', '),
            ignoreFocusOut: true,
          }),
        ),
      );
    }
  }
  const updated = await (await s.store()).update(m.id, patch);
  s.changed();
  s.docs.refreshOpen();
  return updated;
}

async function confirm(message: string, detail: string, button: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button;
}

/** mnemos.deleteMemory(id?, {confirmed?}) — asks for confirmation unless `confirmed: true`. */
export async function deleteMemory(s: Services, ...args: unknown[]) {
  s.offline.requireServer('deleting a memory');
  const m = required(await memoryFromArgOrPick(s, idArg(args), 'Mnemos: Delete Memory'));
  const o = options(args);
  if (!boolOpt(o, 'confirmed')) {
    const preview = m.summary.replace(/\s+/g, ' ').slice(0, 200);
    if (!(await confirm(`Delete this memory from “${m.topic}”?`, preview, 'Delete'))) throw new Cancelled();
  }
  await (await s.store()).forget(m.id);
  s.changed();
  s.docs.refreshOpen();
  return { deleted: m.id };
}

/** mnemos.forgetTopic(topic?, {confirmed?}) — deletes every memory in the topic after confirming with the count. */
export async function forgetTopic(s: Services, ...args: unknown[]) {
  s.offline.requireServer('forgetting a topic');
  const o = options(args);
  const store = await s.store();
  const topics = await store.topics();
  let topic = typeof args[0] === 'string' ? args[0] : stringOpt(o, 'topic');
  if (topic === undefined) {
    if (!topics.length) {
      s.notify.info('There are no topics to forget.');
      return undefined;
    }
    topic = required(
      await vscode.window.showQuickPick(
        topics.map((t) => ({ label: t.topic, description: `${t.count} ${t.count === 1 ? 'memory' : 'memories'}` })),
        { title: 'Mnemos: Forget Topic', placeHolder: 'Which topic should be forgotten entirely?' },
      ),
    ).label;
  }
  const count = topics.find((t) => t.topic === topic.trim())?.count ?? 0;
  if (!count) throw new NotFoundError(`topic “${topic}” has no memories`);
  if (!boolOpt(o, 'confirmed')) {
    const n = `${count} ${count === 1 ? 'memory' : 'memories'}`;
    if (
      !(await confirm(
        `Forget all ${n} in “${topic}”?`,
        'This deletes them from the database for everyone who uses it. It cannot be undone.',
        `Forget ${n}`,
      ))
    ) {
      throw new Cancelled();
    }
  }
  const deleted = await store.forgetTopic(topic);
  s.changed();
  s.notify.info(`Forgot ${deleted} ${deleted === 1 ? 'memory' : 'memories'} in “${topic.trim()}”.`);
  return { topic: topic.trim(), deleted };
}
