/**
 * Read-merge-write of JSON config files that other tools own too: only the keys Mnemos changes are
 * edited (jsonc-parser's minimal edits), so comments, formatting and every other key stay byte for byte.
 * A file that does not parse is never rewritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyEdits,
  findNodeAtLocation,
  modify,
  parse,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';

export class ConfigFileError extends Error {}

export interface JsonDoc {
  file: string;
  text: string;
  value: Record<string, unknown>;
  existed: boolean;
}

/** Reads `file`, or parses `pending` (its text as an earlier step of the same plan left it; `null` = deleted). */
export function readJson(file: string, pending?: string | null): JsonDoc {
  let text = '';
  let existed = false;
  if (pending !== undefined) {
    text = pending ?? '';
    existed = pending !== null;
  } else {
    try {
      text = fs.readFileSync(file, 'utf8');
      existed = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new ConfigFileError(`cannot read ${file}: ${(e as Error).message}`);
    }
  }
  if (!text.trim()) return { file, text: '', value: {}, existed };
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  if (errors.length) {
    const e = errors[0];
    throw new ConfigFileError(
      `${file} is not valid JSON (${printParseErrorCode(e.error)} at offset ${e.offset}); fix it first, nothing was changed`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ConfigFileError(`${file} does not hold a JSON object; nothing was changed`);
  return { file, text, value: value as Record<string, unknown>, existed };
}

/** The file's own indentation and line ends, so an inserted entry looks like its neighbours. */
export function detectFormatting(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indents = [...text.matchAll(/^([ \t]+)\S/gm)].map((m) => m[1]);
  if (!indents.length) return { insertSpaces: true, tabSize: 2, eol };
  if (indents.some((i) => i.startsWith('\t'))) return { insertSpaces: false, tabSize: 1, eol };
  const tabSize = Math.min(...indents.map((i) => i.length));
  return { insertSpaces: true, tabSize: tabSize >= 1 && tabSize <= 8 ? tabSize : 2, eol };
}

type Formatting = ReturnType<typeof detectFormatting>;

/**
 * Appends a new member after the last one of the deepest container of `jsonPath` that exists, written
 * in the file's own layout: jsonc-parser's insertion re-lays out the preceding sibling too (an inline
 * `{ "command": "gh" }` came back as three lines). Returns the new text, or undefined when the layout
 * is not one it can follow (an empty container, a member sharing a line, a trailing comma or comment).
 */
function appendMember(
  text: string,
  jsonPath: (string | number)[],
  value: unknown,
  fmt: Formatting,
): string | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  let k = jsonPath.length - 1;
  while (k > 0 && !findNodeAtLocation(tree, jsonPath.slice(0, k))) k--;
  const parent = k === 0 ? tree : findNodeAtLocation(tree, jsonPath.slice(0, k));
  const key = jsonPath[k];
  if (!parent?.children?.length) return undefined;
  if (parent.type === 'object' ? typeof key !== 'string' : key !== parent.children.length) return undefined;
  let inner = value;
  for (let i = jsonPath.length - 1; i > k; i--) {
    const c = jsonPath[i];
    inner = typeof c === 'number' ? [inner] : { [c]: inner };
  }
  const last = parent.children[parent.children.length - 1];
  const lineStart = text.lastIndexOf('\n', last.offset - 1) + 1;
  const indent = text.slice(lineStart, last.offset);
  const end = last.offset + last.length;
  const eolAt = text.indexOf('\n', end);
  const rest = text.slice(end, eolAt < 0 ? text.length : eolAt);
  if (!/^[ \t]*$/.test(indent) || !/^\s*$/.test(rest)) return undefined;
  const unit = fmt.insertSpaces ? ' '.repeat(fmt.tabSize) : '\t';
  const body = JSON.stringify(inner, null, unit)
    .split('\n')
    .join(fmt.eol + indent);
  const member = `${fmt.eol}${indent}${parent.type === 'object' ? `${JSON.stringify(key)}: ` : ''}${body}`;
  return `${text.slice(0, end)},${member}${text.slice(end)}`;
}

/**
 * Removes the member at `jsonPath` with the comma and line break that joined it to its neighbour, the
 * reverse of appendMember, leaving every other byte alone; undefined when it is its container's only member.
 */
function removeMember(text: string, jsonPath: (string | number)[]): string | undefined {
  const tree = parseTree(text);
  const node = tree && findNodeAtLocation(tree, jsonPath);
  const member = node?.parent?.type === 'property' ? node.parent : node;
  const siblings = member?.parent?.children;
  if (!member || !siblings || siblings.length < 2) return undefined;
  const i = siblings.indexOf(member);
  if (i > 0) {
    const prev = siblings[i - 1];
    return text.slice(0, prev.offset + prev.length) + text.slice(member.offset + member.length);
  }
  return text.slice(0, member.offset) + text.slice(siblings[1].offset);
}

/**
 * Sets (or with `undefined`, removes) `value` at `jsonPath`, editing only that part of the text in
 * the file's own indentation and line ends; `insert` inserts into an array at the index that ends the path.
 */
export function setAt(doc: JsonDoc, jsonPath: (string | number)[], value: unknown, insert = false): void {
  const base = doc.text.trim() ? doc.text : '{}\n';
  const fmt = detectFormatting(base);
  const tree = parseTree(base);
  const exists = tree !== undefined && findNodeAtLocation(tree, jsonPath) !== undefined;
  let own: string | undefined;
  if (jsonPath.length && value === undefined && exists) own = removeMember(base, jsonPath);
  else if (jsonPath.length && value !== undefined && (!exists || insert))
    own = appendMember(base, jsonPath, value, fmt);
  doc.text =
    own ?? applyEdits(base, modify(base, jsonPath, value, { formattingOptions: fmt, isArrayInsertion: insert }));
  doc.value = parse(doc.text, [], { allowTrailingComma: true }) as Record<string, unknown>;
}

export type WriteAction = 'created' | 'updated' | 'unchanged' | 'deleted';

/**
 * What writing the document would do, without writing: the action and the file's text afterwards
 * (`null`: the file is deleted); `deleteIfEmpty` removes a file left as `{}`.
 */
export function planJson(
  doc: JsonDoc,
  original: string,
  deleteIfEmpty = false,
): { action: WriteAction; after: string | null } {
  const before = doc.existed ? original : null;
  if (deleteIfEmpty && doc.existed && Object.keys(doc.value).length === 0) return { action: 'deleted', after: null };
  if (doc.text === original) return { action: 'unchanged', after: before };
  if (!doc.existed && Object.keys(doc.value).length === 0) return { action: 'unchanged', after: before };
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  return { action: doc.existed ? 'updated' : 'created', after: doc.text.endsWith('\n') ? doc.text : doc.text + eol };
}

/** Writes `text` to `file` through a temporary file and a rename (a reader never sees half a file); `null` deletes it. */
export function writeFileAtomic(file: string, text: string | null): void {
  if (text === null) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.mnemos-${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
