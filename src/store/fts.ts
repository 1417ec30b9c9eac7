/**
 * Turning untrusted text into an FTS5 MATCH expression that cannot be a syntax error.
 * Every token is emitted as a quoted FTS5 string (quotes inside doubled), so operators
 * (AND/OR/NOT/NEAR), column filters, `^`, `*`, `-`, parentheses and quotes are searched as words.
 * Word forms (src/store/wordforms.ts) are built from those tokens and quoted the same way; a
 * prefix `"…"*` is only ever made from a sanitised token.
 */
import { isWeak, stem, wordForms } from './wordforms';
export const MAX_QUERY_BYTES = 10_000;
export const MAX_QUERY_TOKENS = 100;

/** ICM's separator set plus the rest of ASCII punctuation that FTS5's unicode61 tokenizer drops anyway. */
const SEPARATORS = /[\s\p{Cf}\-*"(){}:^+~\\\[\],;!?<>=|&@#$%`'/.]+/u;

function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  const b = Buffer.from(s, 'utf8').subarray(0, maxBytes);
  // Drop a partial trailing code point.
  return b.toString('utf8').replace(/\uFFFD$/u, '');
}

/** Splits user text into search terms: ≤ 10,000 bytes, ≤ 100 terms, no empty terms. */
export function queryTerms(query: string): string[] {
  if (typeof query !== 'string') return [];
  const clean = truncateUtf8(query.replace(/\0/g, ' '), MAX_QUERY_BYTES);
  // Lone surrogates would reach SQLite as U+FFFD: drop them.
  const wellFormed = clean.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ' ');
  const terms = wellFormed.split(SEPARATORS).filter((t) => /[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(t));
  return terms.slice(0, MAX_QUERY_TOKENS);
}

const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;

export interface FtsQuery {
  /** Every term must match (ICM's semantics). */
  all: string;
  /** Any term may match. */
  any: string;
  /** Each term as a quoted FTS5 phrase (the last one a prefix when asked). */
  phrases: string[];
  terms: string[];
  /** The phrases recall must match: `phrases` without weak words (all of them if every word is weak). */
  key: string[];
  /** Per key phrase, the phrase or `(phrase OR "form" OR …)` with its other word forms. */
  families: string[];
}

/** How keyword recall treats word forms; one setting per variant measured in docs/RECALL-EVAL.md. */
export interface WordFormTuning {
  /** `forms`: a word's regular forms that share its stem; `prefix`: `"stem"*` when the stem is long; `off`. */
  forms: 'forms' | 'prefix' | 'off';
  /** Weak words (what, how, the…) are left out of what must match. */
  weak: boolean;
  /** Shortest stem used as a prefix (`prefix` mode). */
  minPrefix: number;
}
/** The adopted setting; bench/recall/eval.ts changes it to measure the others. */
export const wordFormTuning: WordFormTuning = { forms: 'forms', weak: true, minPrefix: 5 };

/** The FTS5 expression for one term and its forms; `phrase` is the term's own quoted phrase. */
function family(term: string, phrase: string, t: WordFormTuning): string {
  if (t.forms === 'off') return phrase;
  const word = term.toLowerCase();
  let extra: string[];
  if (t.forms === 'forms') extra = wordForms(term).filter((f) => f !== word).map(quote);
  else {
    const forms = wordForms(term);
    if (forms.length < 2) return phrase;
    const st = stem(word);
    const root = st.endsWith('i') ? st.slice(0, -1) : st;
    extra = root.length >= t.minPrefix && word.startsWith(root) ? [`${quote(root)}*`] : forms.slice(1).map(quote);
  }
  return extra.length ? `(${[phrase, ...extra].join(' OR ')})` : phrase;
}

/**
 * Both forms of the query, or null when nothing searchable is left (e.g. `---`).
 * `prefixLast` makes the last term a prefix match, for search-as-you-type.
 */
export function buildFtsQuery(query: string, opts: { prefixLast?: boolean } = {}): FtsQuery | null {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  const parts = terms.map(quote);
  if (opts.prefixLast) parts[parts.length - 1] += '*';
  const t = wordFormTuning;
  let keep = terms.map((_, i) => i);
  if (t.weak) {
    const strong = keep.filter((i) => !isWeak(terms[i]));
    if (strong.length) keep = strong;
  }
  // A repeated word counts once in what must match.
  const seen = new Set<string>();
  keep = keep.filter((i) => !seen.has(parts[i].toLowerCase()) && seen.add(parts[i].toLowerCase()));
  const key = keep.map((i) => parts[i]);
  const families = keep.map((i) => family(terms[i], parts[i], t));
  return { all: parts.join(' '), any: parts.join(' OR '), phrases: parts, terms, key, families };
}
