/**
 * Every command takes its inputs as arguments (tests, the sidebar, keybindings with args) and asks
 * only for what is missing. A menu may pass a Uri or a view item first: those are not options.
 */
import * as vscode from 'vscode';
import { IMPORTANCES, type Importance, InvalidInputError, parseImportance } from '../../store';

export type Options = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Options {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof vscode.Uri);
}

/** The options object among the arguments (first plain object), or {}. */
export function options(args: unknown[]): Options {
  return args.find(isPlainObject) ?? {};
}

/** A memory id: a string argument, or `id` / `memoryId` in an options object. */
export function idArg(args: unknown[]): string | undefined {
  if (typeof args[0] === 'string' && args[0].trim()) return args[0].trim();
  const o = options(args);
  for (const k of ['id', 'memoryId']) if (typeof o[k] === 'string' && o[k].trim()) return o[k].trim();
  return undefined;
}

export function stringOpt(o: Options, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidInputError(`${key} must be a string`);
  return v;
}

export function importanceOpt(o: Options, dflt?: Importance): Importance | undefined {
  const v = o.importance;
  if (v === undefined || v === null || v === '') return dflt;
  return parseImportance(v);
}

export function keywordsOpt(o: Options): string[] | undefined {
  const v = o.keywords;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return splitKeywords(v);
  if (Array.isArray(v) && v.every((k) => typeof k === 'string')) return v;
  throw new InvalidInputError('keywords must be a list of strings or a comma-separated string');
}

export function splitKeywords(s: string): string[] {
  return s
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
}

export function boolOpt(o: Options, key: string): boolean {
  return o[key] === true;
}

/** A file: Uri argument, a path string, or {path}/{uri} in options. */
export function uriArg(args: unknown[]): vscode.Uri | undefined {
  const a = args[0];
  if (a instanceof vscode.Uri) return a;
  if (typeof a === 'string' && a.trim()) return vscode.Uri.file(a.trim());
  const o = options(args);
  if (o.uri instanceof vscode.Uri) return o.uri;
  if (typeof o.uri === 'string') return vscode.Uri.parse(o.uri);
  if (typeof o.path === 'string' && o.path.trim()) return vscode.Uri.file(o.path.trim());
  return undefined;
}

export const IMPORTANCE_ITEMS: { label: Importance; description: string }[] = IMPORTANCES.map((i) => ({
  label: i,
  description: { critical: 'never decays', high: 'decays slowly', medium: 'default', low: 'decays fast' }[i],
}));

/** Thrown when the user dismisses a prompt: the command ends quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export function required<T>(v: T | undefined): T {
  if (v === undefined) throw new Cancelled();
  return v;
}
