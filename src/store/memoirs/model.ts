/**
 * Memoir types, ICM's formats (labels, relations, f32 numbers) and input validation.
 * Limits are ICM's MCP limits (names ≤ 255 bytes, definitions and descriptions ≤ 10,000 bytes),
 * enforced here in the store so every front end gets them.
 */
import type { Row } from '../conn';
import { InvalidInputError } from '../errors';
import { str } from '../values';

export const RELATIONS = [
  'part_of',
  'depends_on',
  'related_to',
  'contradicts',
  'refines',
  'alternative_to',
  'caused_by',
  'instance_of',
  'superseded_by',
] as const;
export type Relation = (typeof RELATIONS)[number];

export const MAX_NAME_BYTES = 255;
export const MAX_TEXT_BYTES = 10_000;
export const MAX_LABELS = 100;
export const MAX_LABEL_BYTES = 256;
/** Confidence added by each refinement, capped at 1.0 (ICM's `refine_concept`). */
export const REFINE_STEP = 0.1;

export interface Label {
  namespace: string;
  value: string;
}

export interface Memoir {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  consolidationThreshold: number;
}

export interface MemoirSummary extends Memoir {
  conceptCount: number;
}

export interface Concept {
  id: string;
  memoirId: string;
  name: string;
  definition: string;
  labels: Label[];
  confidence: number;
  revision: number;
  createdAt: string;
  updatedAt: string;
  sourceMemoryIds: string[];
}

export interface ConceptLink {
  id: string;
  sourceId: string;
  targetId: string;
  relation: Relation;
  weight: number;
  createdAt: string;
}

export interface MemoirStats {
  totalConcepts: number;
  /** Links whose source concept is in the memoir (ICM's count). */
  totalLinks: number;
  avgConfidence: number;
  /** `ns:value` → number of concepts carrying it, most frequent first. */
  labelCounts: { label: string; count: number }[];
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string') throw new InvalidInputError(`${field} must be a string`);
  if (v.includes('\0')) throw new InvalidInputError(`${field} contains a NUL byte`);
  if (LONE_SURROGATE.test(v)) throw new InvalidInputError(`${field} contains an unpaired UTF-16 surrogate`);
  const n = bytes(v);
  if (n > max) throw new InvalidInputError(`${field} too long: ${n} bytes (max ${max})`);
  return v;
}

/** A memoir or concept name: 1–255 bytes, not blank, on one line (it is a key and a graph label). */
export function validateName(v: unknown, field = 'name'): string {
  const s = checkText(v, field, MAX_NAME_BYTES);
  if (!s.trim()) throw new InvalidInputError(`${field} must not be empty`);
  // eslint-disable-next-line no-control-regex -- control characters are what this check refuses
  if (/[\n\r\t\u0000-\u001f\u007f]/.test(s))
    throw new InvalidInputError(`${field} must be one line without control characters`);
  return s;
}

export function validateDefinition(v: unknown): string {
  const s = checkText(v, 'definition', MAX_TEXT_BYTES);
  if (!s.trim()) throw new InvalidInputError('definition must not be empty');
  return s;
}

export function validateDescription(v: unknown): string {
  return checkText(v ?? '', 'description', MAX_TEXT_BYTES);
}

export function validateConfidence(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    throw new InvalidInputError(`confidence must be a number from 0 to 1 (got ${JSON.stringify(v)})`);
  }
  return v;
}

export function validateWeight(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1_000) {
    throw new InvalidInputError(`weight must be a number from 0 to 1000 (got ${JSON.stringify(v)})`);
  }
  return v;
}

export function validateRef(v: unknown, what: string): string {
  if (typeof v !== 'string' || !v.trim()) throw new InvalidInputError(`${what} must be a non-empty string`);
  if (v.length > 128 || v.includes('\0')) throw new InvalidInputError(`${what} is not a valid id`);
  return v;
}

/** ICM's relation parser: case-insensitive, the un-underscored forms accepted. */
export function parseRelation(v: unknown): Relation {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    const hit = RELATIONS.find((r) => r === s || r.replace('_', '') === s);
    if (hit) return hit;
  }
  throw new InvalidInputError(`invalid relation: ${JSON.stringify(v)} (use one of ${RELATIONS.join(', ')})`);
}

/** ICM's `Label::from_str`: `ns:value` splits at the first colon; no colon means namespace `tag`. */
export function parseLabel(text: string): Label {
  const i = text.indexOf(':');
  return i >= 0 ? { namespace: text.slice(0, i), value: text.slice(i + 1) } : { namespace: 'tag', value: text };
}

export function formatLabel(l: Label): string {
  return `${l.namespace}:${l.value}`;
}

/** Labels as objects, as `ns:value` strings, or one comma-separated string (ICM's MCP form). */
export function validateLabels(v: unknown): Label[] {
  if (v == null) return [];
  const items: unknown[] = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : [v];
  const out: Label[] = [];
  for (const item of items) {
    let l: Label;
    if (typeof item === 'string') {
      if (!item.trim()) continue;
      l = parseLabel(item.trim());
    } else if (item && typeof item === 'object' && typeof (item as Label).namespace === 'string') {
      l = { namespace: (item as Label).namespace, value: String((item as Label).value ?? '') };
    } else {
      throw new InvalidInputError(
        `a label must be "namespace:value" or {namespace, value} (got ${JSON.stringify(item)})`,
      );
    }
    checkText(formatLabel(l), 'label', MAX_LABEL_BYTES);
    if (!out.some((o) => o.namespace === l.namespace && o.value === l.value)) out.push(l);
  }
  if (out.length > MAX_LABELS) throw new InvalidInputError(`too many labels: ${out.length} (max ${MAX_LABELS})`);
  return out;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || !text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** ICM reads unparseable label JSON as no labels (`unwrap_or_default`). */
export function readLabels(text: unknown): Label[] {
  const v = parseJson(text);
  if (!Array.isArray(v)) return [];
  return v.filter(isLabel).map((l) => ({ namespace: l.namespace, value: l.value }));
}

/** A parsed JSON value shaped like a label (extra fields allowed). */
export function isLabel(l: unknown): l is Label {
  return (
    !!l && typeof l === 'object' && typeof (l as Label).namespace === 'string' && typeof (l as Label).value === 'string'
  );
}

export function readIds(text: unknown): string[] {
  const v = parseJson(text);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** serde_json's shape for labels: `[{"namespace":"…","value":"…"}]`. */
export function labelsJson(labels: readonly Label[]): string {
  return JSON.stringify(labels.map((l) => ({ namespace: l.namespace, value: l.value })));
}

/**
 * ICM keeps confidence and weight as Rust f32 (stored widened to f64, e.g. 0.6000000238418579):
 * the shortest decimal that is the same f32, so 0.6 reads as 0.6 whoever wrote it.
 */
export function f32(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.fround(x);
  for (let d = 1; d <= 9; d++) {
    const c = Number(f.toPrecision(d));
    if (Math.fround(c) === f) return c;
  }
  return f;
}

export const MEMOIR_COLS = 'id, name, description, created_at, updated_at, consolidation_threshold';
export const CONCEPT_COLS =
  'id, memoir_id, name, definition, labels, confidence, revision, created_at, updated_at, source_memory_ids';
export const LINK_COLS = 'id, source_id, target_id, relation, weight, created_at';

export function rowToMemoir(r: Row): Memoir {
  return {
    id: String(r.id),
    name: String(r.name),
    description: str(r.description),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    consolidationThreshold: Number(r.consolidation_threshold ?? 50),
  };
}

export function rowToConcept(r: Row): Concept {
  return {
    id: String(r.id),
    memoirId: String(r.memoir_id),
    name: String(r.name),
    definition: String(r.definition),
    labels: readLabels(r.labels),
    confidence: f32(Number(r.confidence ?? 0.5)),
    revision: Number(r.revision ?? 1),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    sourceMemoryIds: readIds(r.source_memory_ids),
  };
}

export function rowToLink(r: Row): ConceptLink {
  let relation: Relation;
  try {
    relation = parseRelation(r.relation);
  } catch {
    relation = 'related_to'; // ICM's `unwrap_or(Relation::RelatedTo)` for an unknown relation
  }
  return {
    id: String(r.id),
    sourceId: String(r.source_id),
    targetId: String(r.target_id),
    relation,
    weight: f32(Number(r.weight ?? 1)),
    createdAt: String(r.created_at),
  };
}
