/**
 * Read-merge-write of JSON config files that other tools own too: only the keys Mnemos changes are
 * edited (jsonc-parser's minimal edits), so comments, formatting and every other key stay byte for byte.
 * A file that does not parse is never rewritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify, parse, type ParseError, printParseErrorCode } from 'jsonc-parser';

export class ConfigFileError extends Error {}

export interface JsonDoc {
  file: string;
  text: string;
  value: Record<string, unknown>;
  existed: boolean;
}

export function readJson(file: string): JsonDoc {
  let text = '';
  let existed = false;
  try {
    text = fs.readFileSync(file, 'utf8');
    existed = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigFileError(`cannot read ${file}: ${(e as Error).message}`);
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

/**
 * Sets (or with `undefined`, removes) `value` at `jsonPath`, editing only that part of the text;
 * `insert` inserts into an array at the index that ends the path.
 */
export function setAt(doc: JsonDoc, jsonPath: (string | number)[], value: unknown, insert = false): void {
  const base = doc.text.trim() ? doc.text : '{}\n';
  const edits = modify(base, jsonPath, value, {
    formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
    isArrayInsertion: insert,
  });
  doc.text = applyEdits(base, edits);
  doc.value = parse(doc.text, [], { allowTrailingComma: true }) as Record<string, unknown>;
}

export type WriteAction = 'created' | 'updated' | 'unchanged' | 'deleted';

/** Writes the document if its text changed; `deleteIfEmpty` removes a file left as `{}`. */
export function writeJson(doc: JsonDoc, original: string, deleteIfEmpty = false): WriteAction {
  if (deleteIfEmpty && doc.existed && Object.keys(doc.value).length === 0) {
    fs.rmSync(doc.file, { force: true });
    return 'deleted';
  }
  if (doc.text === original) return 'unchanged';
  if (!doc.existed && Object.keys(doc.value).length === 0) return 'unchanged';
  fs.mkdirSync(path.dirname(doc.file), { recursive: true });
  const tmp = `${doc.file}.mnemos-${process.pid}.tmp`;
  fs.writeFileSync(tmp, doc.text.endsWith('\n') ? doc.text : doc.text + '\n');
  fs.renameSync(tmp, doc.file);
  return doc.existed ? 'updated' : 'created';
}
