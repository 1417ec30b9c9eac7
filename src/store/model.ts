/** ICM's memory model: types, validation, the dedup hash and timestamps (docs/ICM-COMPAT.md, Schema and Dedup). */
import { createHash, randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { InvalidInputError } from './errors';

export const IMPORTANCES = ['critical', 'high', 'medium', 'low'] as const;
export type Importance = (typeof IMPORTANCES)[number];
export const IMPORTANCE_RANK: Record<Importance, number> = { critical: 4, high: 3, medium: 2, low: 1 };

export const MAX_TOPIC_BYTES = 256;
export const MAX_SUMMARY_BYTES = 65_536;
export const MAX_KEYWORDS = 64;
export const MAX_KEYWORD_BYTES = 256;
export const MAX_RAW_EXCERPT_BYTES = 1_048_576;

/** Where a memory came from. ICM knows manual/conversation/claude_code; Mnemos adds an editor selection. */
export interface EditorSource {
  type: 'vscode';
  file: string; // workspace-relative path (or absolute outside a workspace)
  startLine: number; // 1-based, inclusive
  endLine: number;
  language?: string;
  commit?: string;
  workspace?: string;
}
export type SourceData = EditorSource | { type: string; [k: string]: unknown };

export interface Memory {
  id: string;
  createdAt: string;
  updatedAt: string;
  lastAccessed: string;
  accessCount: number;
  weight: number;
  topic: string;
  summary: string;
  rawExcerpt: string | null;
  keywords: string[];
  importance: Importance;
  sourceType: string;
  sourceData: SourceData | null;
  relatedIds: string[];
}

export interface NewMemory {
  topic: string;
  summary: string;
  importance?: Importance;
  keywords?: string[];
  rawExcerpt?: string | null;
  source?: SourceData | null;
  /** Caller-chosen ULID, so a retried write after a dropped connection lands once. */
  id?: string;
}

export interface MemoryPatch {
  topic?: string;
  summary?: string;
  importance?: Importance;
  keywords?: string[];
  rawExcerpt?: string | null;
}

/**
 * ulid's own PRNG asks the OS for one byte per character: 16 `getRandomValues` calls, ≈ 100 µs of a
 * ≈ 700 µs MCP store call (profile in docs/BENCHMARKS.md). The same CSPRNG, drawn 4 KiB at a time.
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;
export function pooledRandom(): number {
  if (poolAt >= pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++] / 256;
}
const ulid = monotonicFactory(pooledRandom);
export function newId(): string {
  return ulid();
}
const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
export function isUlid(s: string): boolean {
  return ULID_RE.test(s);
}

/** chrono's `to_rfc3339()` shape: `2026-06-13T21:53:00.123+00:00`. */
export function nowRfc3339(d: Date = new Date()): string {
  return d.toISOString().replace(/Z$/, '+00:00');
}

/** SHA-256 of lower(trim(topic)) NUL lower(collapsed summary), as ICM computes `summary_hash`. */
export function summaryHash(topic: string, summary: string): string {
  const t = topic.trim().toLowerCase();
  const s = summary.replace(/\s+/gu, ' ').trim().toLowerCase();
  return createHash('sha256').update(t).update('\0').update(s).digest('hex');
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function parseImportance(v: unknown, field = 'importance'): Importance {
  if (typeof v === 'string' && (IMPORTANCES as readonly string[]).includes(v.toLowerCase()))
    return v.toLowerCase() as Importance;
  throw new InvalidInputError(`${field} must be one of ${IMPORTANCES.join(', ')} (got ${JSON.stringify(v)})`);
}

/** Lone UTF-16 surrogates cannot be stored as UTF-8; reject them instead of letting the driver mangle them. */
function checkWellFormed(s: string, field: string): void {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) {
    throw new InvalidInputError(`${field} contains an unpaired UTF-16 surrogate; it is not valid text`);
  }
}

export function validateTopic(topic: unknown): string {
  if (typeof topic !== 'string') throw new InvalidInputError('topic must be a string');
  const t = topic.trim();
  if (!t) throw new InvalidInputError('topic must not be empty');
  if (t.includes('\0')) throw new InvalidInputError('topic must not contain NUL bytes');
  if (/[\n\r\t]/.test(t)) throw new InvalidInputError('topic must not contain newlines or tabs');
  if (bytes(t) > MAX_TOPIC_BYTES) throw new InvalidInputError(`topic exceeds ${MAX_TOPIC_BYTES} bytes (${bytes(t)})`);
  checkWellFormed(t, 'topic');
  return t;
}

export function validateSummary(summary: unknown): string {
  if (typeof summary !== 'string') throw new InvalidInputError('content (summary) must be a string');
  if (!summary.trim()) throw new InvalidInputError('content (summary) must not be blank');
  if (summary.includes('\0')) throw new InvalidInputError('content (summary) must not contain NUL bytes');
  if (bytes(summary) > MAX_SUMMARY_BYTES) {
    throw new InvalidInputError(
      `summary exceeds ${MAX_SUMMARY_BYTES} bytes (${bytes(summary)}); put long text in the raw excerpt`,
    );
  }
  checkWellFormed(summary, 'content');
  return summary;
}

export function validateKeywords(keywords: unknown): string[] {
  if (keywords === undefined || keywords === null) return [];
  if (!Array.isArray(keywords)) throw new InvalidInputError('keywords must be a list of strings');
  const out: string[] = [];
  for (const k of keywords) {
    if (typeof k !== 'string') throw new InvalidInputError('keywords must be a list of strings');
    const t = k.trim();
    if (!t) continue;
    if (t.includes('\0')) throw new InvalidInputError('keywords must not contain NUL bytes');
    if (bytes(t) > MAX_KEYWORD_BYTES) throw new InvalidInputError(`a keyword exceeds ${MAX_KEYWORD_BYTES} bytes`);
    checkWellFormed(t, 'keyword');
    if (!out.includes(t)) out.push(t);
  }
  if (out.length > MAX_KEYWORDS) throw new InvalidInputError(`at most ${MAX_KEYWORDS} keywords (got ${out.length})`);
  return out;
}

export function validateRawExcerpt(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw new InvalidInputError('raw excerpt must be a string');
  if (raw.includes('\0')) throw new InvalidInputError('raw excerpt must not contain NUL bytes');
  if (bytes(raw) > MAX_RAW_EXCERPT_BYTES)
    throw new InvalidInputError(`raw excerpt exceeds ${MAX_RAW_EXCERPT_BYTES} bytes`);
  checkWellFormed(raw, 'raw excerpt');
  return raw === '' ? null : raw;
}

export function validateSource(source: unknown): SourceData | null {
  if (source === undefined || source === null) return null;
  if (typeof source !== 'object' || Array.isArray(source) || typeof (source as { type?: unknown }).type !== 'string') {
    throw new InvalidInputError('source must be an object with a string "type"');
  }
  return source as SourceData;
}

export function validateId(id: unknown): string {
  if (typeof id !== 'string' || !id.trim()) throw new InvalidInputError('id must be a non-empty string');
  if (id.length > 128 || id.includes('\0')) throw new InvalidInputError('id is not a memory id');
  return id.trim();
}

/** Keywords stored by ICM are a JSON array; tolerate legacy comma lists and garbage without failing a read. */
export function parseJsonList(text: unknown): string[] {
  if (typeof text !== 'string' || !text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
}

/** Merged keyword list: existing order first, then new ones not present (ICM's dedup merge). */
export function unionKeywords(existing: readonly string[], added: readonly string[]): string[] {
  const out = [...existing];
  for (const k of added) if (!out.includes(k)) out.push(k);
  return out;
}

/** A NewMemory checked with ICM's rules and given its defaults (id, importance): the one place input is validated. */
export function validateNewMemory(
  input: NewMemory,
): Required<Omit<NewMemory, 'rawExcerpt' | 'source'>> & { rawExcerpt: string | null; source: SourceData | null } {
  if (!input || typeof input !== 'object')
    throw new InvalidInputError('memory must be an object with topic and content');
  return {
    id: input.id === undefined ? newId() : validateId(input.id),
    topic: validateTopic(input.topic),
    summary: validateSummary(input.summary),
    importance: input.importance === undefined ? 'medium' : parseImportance(input.importance),
    keywords: validateKeywords(input.keywords),
    rawExcerpt: validateRawExcerpt(input.rawExcerpt),
    source: validateSource(input.source),
  };
}
