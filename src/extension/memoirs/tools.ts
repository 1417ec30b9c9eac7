/**
 * Copilot's memoir tools (`vscode.lm.registerTool`): search and inspect are read-only and do not ask;
 * adding a concept writes, so it asks the user to confirm and shows the concept (the memory tools' rules).
 */
import * as vscode from 'vscode';
import { InvalidInputError, NotFoundError, parseRelation } from '../../store';
import { validateConfidence, validateDefinition, validateLabels, validateName } from '../../store/memoirs/model';
import { messageOf } from '../notify';
import type { Services } from '../services';
import { mdText } from '../toolDefs';
import { memoirRows, memoirsOf } from './access';
import {
  type AddConceptInput,
  addConceptConfirmation,
  MEMOIR_SEARCH_DEFAULT,
  MEMOIR_SEARCH_MAX,
  MEMOIR_TOOL,
  type MemoirInspectInput,
  memoirListText,
  type MemoirSearchInput,
  neighbourhoodText,
  conceptBlock,
  searchText,
  statsText,
} from './toolDefs';

type Tool<T> = vscode.LanguageModelTool<T>;

export interface MemoirTools {
  search: Tool<MemoirSearchInput>;
  inspect: Tool<MemoirInspectInput>;
  addConcept: Tool<AddConceptInput>;
}

function result(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

function plain(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(mdText(text, 300));
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

function str(v: unknown, name: string, required = false): string | undefined {
  if (v === undefined || v === null || (typeof v === 'string' && !v.trim() && !required)) return undefined;
  if (typeof v !== 'string') throw new InvalidInputError(`${name} must be a string`);
  if (required && !v.trim()) throw new InvalidInputError(`${name} is required`);
  return v.trim();
}

/** Checks the whole input before anything is written (a partly added concept would be worse than none). */
function checkAdd(input: AddConceptInput) {
  const memoir = validateName(str(input?.memoir, 'memoir', true), 'memoir name');
  const name = validateName(str(input?.name, 'name', true), 'concept name');
  const definition = validateDefinition(input?.definition);
  const labels = validateLabels(input?.labels ?? []);
  const confidence = input?.confidence === undefined ? undefined : validateConfidence(input.confidence);
  if (input?.links !== undefined && !Array.isArray(input.links))
    throw new InvalidInputError('links must be a list of {to, relation}');
  const links = (input?.links ?? []).map((l, i) => {
    if (!l || typeof l !== 'object') throw new InvalidInputError(`links[${i}] must be {to, relation}`);
    return { to: str(l.to, `links[${i}].to`, true)!, relation: parseRelation(l.relation) };
  });
  return { memoir, name, definition, labels, confidence, links };
}

export function createMemoirTools(s: Services, changed: () => void): MemoirTools {
  const guard = async (name: string, fn: () => Promise<vscode.LanguageModelToolResult>) => {
    try {
      return await fn();
    } catch (e) {
      s.log.error(`tool ${name} failed`, e);
      throw new Error(s.log.redact(messageOf(e)), { cause: e });
    }
  };
  const memoirs = async () => memoirsOf(await s.store());

  const search: Tool<MemoirSearchInput> = {
    prepareInvocation: ({ input }) => ({
      invocationMessage: plain(`Searching memoir concepts for “${String(input?.query ?? '')}”`),
    }),
    invoke: ({ input }) =>
      guard(MEMOIR_TOOL.search, async () => {
        const query = str(input.query, 'query', true)!;
        const memoir = str(input.memoir, 'memoir');
        const n =
          typeof input.limit === 'number' && Number.isFinite(input.limit)
            ? Math.floor(input.limit)
            : MEMOIR_SEARCH_DEFAULT;
        const limit = Math.max(1, Math.min(MEMOIR_SEARCH_MAX, n));
        const m = await memoirs();
        if (memoir) {
          const found = await m.getMemoir(memoir);
          if (!found)
            throw new NotFoundError(
              `no memoir named "${memoir}"; call mnemos_memoir_inspect without arguments to list them`,
            );
          return result(searchText(query, await m.searchConcepts(found.id, query, { limit }), found.name));
        }
        return result(searchText(query, await m.searchAllConcepts(query, { limit })));
      }),
  };

  const inspect: Tool<MemoirInspectInput> = {
    prepareInvocation: ({ input }) => ({
      invocationMessage: plain(
        input?.memoir
          ? `Inspecting memoir “${String(input.memoir)}”${input.concept ? ` at “${String(input.concept)}”` : ''}`
          : 'Listing memoirs',
      ),
    }),
    invoke: ({ input }) =>
      guard(MEMOIR_TOOL.inspect, async () => {
        const m = await memoirs();
        const memoir = str(input?.memoir, 'memoir');
        const concept = str(input?.concept, 'concept');
        if (!memoir) {
          if (concept) throw new InvalidInputError('give the memoir the concept belongs to');
          return result(memoirListText(await memoirRows(m)));
        }
        const found = await m.getMemoir(memoir);
        if (!found)
          throw new NotFoundError(
            `no memoir named "${memoir}"; call mnemos_memoir_inspect without arguments to list them`,
          );
        if (!concept) return result(statsText(found.name, found.description, await m.stats(found.id)));
        const depth = input.depth === undefined ? 1 : Math.max(1, Math.min(3, Math.floor(Number(input.depth)) || 1));
        const root = await m.getConcept(found.id, concept);
        if (!root)
          throw new NotFoundError(
            `memoir "${found.name}" has no concept "${concept}"; mnemos_memoir_search finds concepts`,
          );
        const n = await m.neighborhood(found.id, root.id, depth);
        return result(neighbourhoodText(root, n.concepts, n.links));
      }),
  };

  const addConcept: Tool<AddConceptInput> = {
    async prepareInvocation({ input }) {
      const c = checkAdd(input);
      const m = await memoirs();
      const existing = await m.getMemoir(c.memoir);
      const md = new vscode.MarkdownString(
        addConceptConfirmation(
          { ...input, memoir: c.memoir, name: c.name },
          !!existing,
          c.labels.map((l) => `${l.namespace}:${l.value}`),
        ).markdown,
      );
      md.isTrusted = false;
      md.supportHtml = false;
      return {
        invocationMessage: plain(`Adding concept “${c.name}” to “${c.memoir}”`),
        confirmationMessages: { title: 'Add a concept?', message: md },
      };
    },
    invoke: ({ input }) =>
      guard(MEMOIR_TOOL.addConcept, async () => {
        s.offline.requireServer('adding a concept');
        const c = checkAdd(input);
        const m = await memoirs();
        const memoir = (await m.getMemoir(c.memoir)) ?? (await m.createMemoir(c.memoir));
        if (await m.getConcept(memoir.id, c.name)) {
          throw new InvalidInputError(
            `memoir "${memoir.name}" already has a concept "${c.name}"; inspect it with mnemos_memoir_inspect instead of adding it again`,
          );
        }
        for (const l of c.links) {
          if (!(await m.getConcept(memoir.id, l.to)))
            throw new NotFoundError(`memoir "${memoir.name}" has no concept "${l.to}" to link to`);
        }
        const added = await m.addConcept(memoir.id, {
          name: c.name,
          definition: c.definition,
          labels: c.labels,
          confidence: c.confidence,
        });
        // A new concept has no incoming link, so its outgoing links can close no cycle.
        const made: string[] = [];
        for (const l of c.links) {
          await m.link(memoir.id, added.id, l.to, l.relation);
          made.push(`${l.relation} -> ${l.to}`);
        }
        changed();
        const links = made.length ? `\nlinks: ${made.join(', ')}` : '';
        return result(`Added to memoir "${memoir.name}":\n${conceptBlock(added)}${links}`);
      }),
  };

  return { search, inspect, addConcept };
}

export function registerMemoirTools(s: Services, tools: MemoirTools): vscode.Disposable[] {
  if (typeof vscode.lm?.registerTool !== 'function') return [];
  return [
    vscode.lm.registerTool(MEMOIR_TOOL.search, tools.search),
    vscode.lm.registerTool(MEMOIR_TOOL.inspect, tools.inspect),
    vscode.lm.registerTool(MEMOIR_TOOL.addConcept, tools.addConcept),
  ];
}
