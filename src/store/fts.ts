/**
 * Turning untrusted text into an FTS5 MATCH expression that cannot be a syntax error.
 * Every token is emitted as a quoted FTS5 string (quotes inside doubled), so operators
 * (AND/OR/NOT/NEAR), column filters, `^`, `*`, `-`, parentheses and quotes are searched as words.
 */
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
  return { all: parts.join(' '), any: parts.join(' OR '), phrases: parts, terms };
}
