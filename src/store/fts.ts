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
const SEPARATORS = /[\s\p{Cf}\-*"(){}:^+~\\[\],;!?<>=|&@#$%`'/.]+/u;

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
  /** The families the some-words arms use: without weak words (unless every word is weak). */
  partial: string[];
}

/** How keyword recall treats word forms; one setting per variant measured in docs/RECALL-EVAL.md. */
export interface WordFormTuning {
  /** `forms`: a word's regular forms that share its stem; `prefix`: `"stem"*` when the stem is long; `off`. */
  forms: 'forms' | 'prefix' | 'off';
  /**
   * Weak words (what, how, the…): `required` must match like any word; `partial` must match in the
   * every-word arm but do not count in the some-words arms; `dropped` are left out of both.
   */
  weak: 'required' | 'partial' | 'dropped';
  /** Shortest stem used as a prefix (`prefix` mode). */
  minPrefix: number;
}
/** The adopted setting; bench/recall/eval.ts changes it to measure the others. */
export const wordFormTuning: WordFormTuning = { forms: 'prefix', weak: 'required', minPrefix: 4 };

/**
 * The FTS5 expression for one term and its forms; `phrase` is the term's own quoted phrase. In
 * `prefix` mode the forms that start with the stem are one prefix phrase (`"stem"*`), which FTS5
 * scores as one term (its document frequency, every occurrence counted once), and only the forms
 * that do not (storing for `"store"*`) stay exact.
 */
function family(term: string, phrase: string, t: WordFormTuning): string {
  if (t.forms === 'off') return phrase;
  const forms = wordForms(term);
  // Identifiers, constants, short and weak words: the exact phrase only.
  if (forms.length < 2) return phrase;
  const word = forms[0];
  const extra = forms.slice(1);
  const st = stem(word);
  const root = st.endsWith('i') ? st.slice(0, -1) : st;
  if (phrase.endsWith('*')) {
    // A word still being typed: its own prefix, widened to the stem's when that is long enough.
    if (root.length < t.minPrefix || root.length >= word.length) return phrase;
    return word.startsWith(root) ? `${quote(root)}*` : `(${phrase} OR ${quote(root)}*)`;
  }
  if (t.forms === 'prefix') {
    if (root.length >= t.minPrefix) {
      const own = word.startsWith(root) ? [] : [phrase];
      const rest = extra.filter((f) => !f.startsWith(root) && !f.startsWith(word)).map(quote);
      const parts = [...own, `${quote(root)}*`, ...rest];
      return parts.length > 1 ? `(${parts.join(' OR ')})` : parts[0];
    }
  }
  return extra.length ? `(${[phrase, ...extra.map(quote)].join(' OR ')})` : phrase;
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
  // A repeated word counts once.
  const seen = new Set<string>();
  const keep = terms
    .map((_, i) => i)
    .filter((i) => {
      const k = parts[i].toLowerCase();
      return !seen.has(k) && !!seen.add(k);
    });
  const strong = keep.filter((i) => !isWeak(terms[i]));
  const must = t.weak === 'dropped' && strong.length ? strong : keep;
  const some = t.weak !== 'required' && strong.length ? strong : keep;
  const key = must.map((i) => parts[i]);
  const fam = new Map(keep.map((i) => [i, family(terms[i], parts[i], t)]));
  const families = must.map((i) => fam.get(i)!);
  const partial = some.map((i) => fam.get(i)!);
  return { all: parts.join(' '), any: parts.join(' OR '), phrases: parts, terms, key, families, partial };
}
