/**
 * Memoir commands: open a graph, learn the workspace, distill a topic, add the selection as a concept.
 * Each takes its inputs as arguments (tests, menus) and asks only for what is missing.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { InvalidInputError, learnPlan, type MemoirStore, NotFoundError } from '../../store';
import { validateDefinition, validateName } from '../../store/memoirs/model';
import { oneLine, plural } from '../../shared/text';
import { Cancelled, options, required, stringOpt } from '../commands/args';
import { knownTopics, pickTopic } from '../commands/pickers';
import { messageOf } from '../notify';
import type { Services } from '../services';
import { memoirRows, memoirsOf } from './access';
import { memoirDescription } from './tree';

export interface MemoirUi {
  /** Opens (or reveals) a memoir's graph panel. */
  showGraph(memoir: { id: string; name: string }): void;
  /** This window wrote memoirs: refresh the tree and open graphs. */
  changed(): void;
}

async function memoirs(s: Services): Promise<MemoirStore> {
  return memoirsOf(await s.store());
}

function problem(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return messageOf(e);
  }
}

const NEW_MEMOIR = '$(add) New memoir…';

/** A memoir by quick pick; with `allowNew`, "New memoir…" creates one (the name is asked). */
export async function pickMemoir(
  s: Services,
  title: string,
  allowNew: boolean,
): Promise<{ id: string; name: string } | undefined> {
  const m = await memoirs(s);
  const rows = await memoirRows(m);
  if (!rows.length && !allowNew) {
    s.notify.info(
      'There are no memoirs yet: run "Mnemos: Learn This Workspace" or "Mnemos: Distill Topic into Memoir" to make one.',
    );
    return undefined;
  }
  const items: (vscode.QuickPickItem & { id?: string })[] = [
    ...(allowNew ? [{ label: NEW_MEMOIR, alwaysShow: true }] : []),
    ...rows.map((r) => ({ label: r.name, description: memoirDescription(r), id: r.id })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Pick a memoir',
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.id) return { id: picked.id, name: picked.label };
  const name = await vscode.window.showInputBox({
    title,
    prompt: 'New memoir name',
    ignoreFocusOut: true,
    validateInput: (v) => problem(() => validateName(v, 'memoir name')),
  });
  if (name === undefined) return undefined;
  const created = await m.createMemoir(name.trim());
  return { id: created.id, name: created.name };
}

/** A memoir argument: `'name-or-id'`, `{memoir}` (tree rows pass `{memoir: id}`), or a picked one. */
async function memoirArg(
  s: Services,
  args: unknown[],
  title: string,
  allowNew: boolean,
): Promise<{ id: string; name: string }> {
  const ref =
    typeof args[0] === 'string'
      ? args[0]
      : (stringOpt(options(args), 'memoir') ?? (args[0] as { id?: string } | undefined)?.id);
  if (ref) {
    const m = await (await memoirs(s)).getMemoir(ref);
    if (!m) throw new NotFoundError(`memoir not found: ${ref}`);
    return { id: m.id, name: m.name };
  }
  return required(await pickMemoir(s, title, allowNew));
}

/** mnemos.openMemoirGraph(memoir? | {memoir}) */
export async function openMemoirGraph(s: Services, ui: MemoirUi, ...args: unknown[]) {
  const m = await memoirArg(s, args, 'Mnemos: Open Memoir Graph', false);
  ui.showGraph(m);
  return m;
}

/**
 * mnemos.learnWorkspace({folder?, name?, replace?}) — ICM's project scan into a memoir named after the
 * folder. Reads the workspace's files, so an untrusted workspace is refused. Cancellable until the write.
 */
export async function learnWorkspace(s: Services, ui: MemoirUi, ...args: unknown[]) {
  const o = options(args);
  if (!vscode.workspace.isTrusted) {
    s.notify.warn(
      "Learn This Workspace reads the workspace's files, and this workspace is not trusted. Trust it first, then run the command again.",
      {
        title: 'Manage Workspace Trust',
        run: () => vscode.commands.executeCommand('workbench.trust.manage'),
      },
    );
    return { refused: 'untrusted' as const };
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  let dir = stringOpt(o, 'folder');
  if (!dir) {
    if (!folders.length)
      throw new InvalidInputError('Open a folder first: Learn This Workspace scans the workspace folder.');
    const folder =
      folders.length === 1
        ? folders[0]
        : required(await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder should Mnemos learn?' }));
    dir = folder.uri.fsPath;
  }
  const name = stringOpt(o, 'name') ?? path.basename(dir);
  validateName(name, 'memoir name');
  const m = await memoirs(s);
  const existing = await m.getMemoir(name);
  if (existing && o.replace !== true) {
    const n = (await m.stats(existing.id)).totalConcepts;
    const ok = await vscode.window.showWarningMessage(
      `Replace the memoir "${oneLine(name, 80)}" (${plural(n, 'concept')}) with a fresh scan of this folder?`,
      { modal: true },
      'Replace',
    );
    if (ok !== 'Replace') throw new Cancelled();
  }
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Mnemos: learning ${oneLine(name, 60)}`,
      cancellable: true,
    },
    async (progress, token) => {
      progress.report({ message: 'scanning manifests, modules, entry points and configs…' });
      const plan = await learnPlan(dir, name);
      if (token.isCancellationRequested) return undefined;
      progress.report({
        message: `writing ${plural(plan.concepts.length, 'concept')} and ${plural(plan.links.length, 'link')}…`,
        increment: 50,
      });
      // One atomic batch: after this point cancelling would leave nothing half-written, so it just finishes.
      return m.learn(dir, name);
    },
  );
  if (!result) {
    s.notify.info('Learning cancelled; nothing was written.');
    return { cancelled: true as const };
  }
  ui.changed();
  s.notify.info(
    `Learned "${oneLine(result.projectName, 80)}": ${plural(result.totalConcepts, 'concept')}, ${plural(result.linkCount, 'link')}.`,
    {
      title: 'Open Graph',
      run: () => ui.showGraph({ id: result.memoirId, name: result.projectName }),
    },
  );
  return result;
}

/** mnemos.distillTopic({topic?, memoir?}) — one concept per memory of the topic, into a memoir (made if new). */
export async function distillTopic(s: Services, ui: MemoirUi, ...args: unknown[]) {
  const o = options(args);
  const topic =
    (typeof args[0] === 'string' ? args[0] : stringOpt(o, 'topic')) ??
    required(await pickTopic(await knownTopics(s), 'Distill Topic into Memoir (1/2): topic'));
  const name =
    stringOpt(o, 'memoir') ??
    required(
      await vscode.window.showInputBox({
        title: 'Distill Topic into Memoir (2/2): memoir',
        prompt: 'The memoir to distill into (created if it does not exist)',
        value: topic,
        ignoreFocusOut: true,
        validateInput: (v) => problem(() => validateName(v, 'memoir name')),
      }),
    );
  const m = await memoirs(s);
  const memoir =
    (await m.getMemoir(name.trim())) ?? (await m.createMemoir(name.trim(), `Distilled from topic ${topic}`));
  const r = await m.distill(topic, memoir.id);
  ui.changed();
  const parts = [`${plural(r.created.length, 'concept')} created`, `${r.refined.length} refined`];
  if (r.unchanged) parts.push(`${r.unchanged} already there`);
  s.notify.info(
    `Distilled ${plural(r.memories, 'memory', 'memories')} of "${oneLine(topic, 60)}" into "${oneLine(memoir.name, 60)}": ${parts.join(', ')}.`,
    {
      title: 'Open Graph',
      run: () => ui.showGraph(memoir),
    },
  );
  return { memoir, ...r };
}

/**
 * mnemos.addSelectionAsConcept({memoir?, name?}) — the selection becomes a concept's definition; an
 * existing concept of that name is refined with it (after asking).
 */
export async function addSelectionAsConcept(s: Services, ui: MemoirUi, ...args: unknown[]) {
  const o = options(args);
  const editor = vscode.window.activeTextEditor;
  const text = editor?.document.getText(editor.selection) ?? '';
  if (!editor || !text.trim()) {
    s.notify.warn('Select the text that defines the concept first.');
    return undefined;
  }
  const definition = text.replace(/\s+$/, '');
  validateDefinition(definition); // too long or NUL: say so before asking anything
  const memoir = await memoirArg(s, stringOpt(o, 'memoir') ? [o] : [], 'Add Selection as Concept (1/2): memoir', true);
  const first = oneLine(definition.split(/\r?\n/).find((l) => l.trim()) ?? '', 60, '');
  const name =
    stringOpt(o, 'name') ??
    required(
      await vscode.window.showInputBox({
        title: 'Add Selection as Concept (2/2): concept name',
        prompt: `A concept in "${oneLine(memoir.name, 60)}"; the selection is its definition`,
        value: first,
        ignoreFocusOut: true,
        validateInput: (v) => problem(() => validateName(v, 'concept name')),
      }),
    );
  const m = await memoirs(s);
  const existing = await m.getConcept(memoir.id, name.trim());
  let action: 'added' | 'refined';
  if (existing) {
    const ok =
      o.refine === true ||
      (await vscode.window.showWarningMessage(
        `"${oneLine(existing.name, 80)}" is already a concept of "${oneLine(memoir.name, 60)}". Replace its definition with the selection (revision ${existing.revision + 1})?`,
        { modal: true },
        'Refine',
      )) === 'Refine';
    if (!ok) throw new Cancelled();
    await m.refineConcept(memoir.id, existing.id, definition);
    action = 'refined';
  } else {
    await m.addConcept(memoir.id, { name: name.trim(), definition, labels: `lang:${editor.document.languageId}` });
    action = 'added';
  }
  ui.changed();
  s.notify.info(
    `${action === 'added' ? 'Added' : 'Refined'} "${oneLine(name, 80)}" in "${oneLine(memoir.name, 60)}".`,
    {
      title: 'Open Graph',
      run: () => ui.showGraph(memoir),
    },
  );
  return { memoir, name: name.trim(), action };
}
