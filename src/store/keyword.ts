/**
 * The keyword recall statement: one SQL statement (one round trip on a remote) whose answer is
 * memories with every term, by BM25; and when none has them all (or fewer than the caller's
 * `fillTo`), memories with some of the terms, by BM25. Every-term first is ICM's semantics; the
 * fallback answers where ICM answers nothing. Filling up to the limit with partial matches whenever
 * a full match exists made no difference on the labelled set (MRR@10 identical) and tripled the
 * cost of a typical three-word query, so it is the caller's choice (`fillTo`), not the default.
 *
 * A term is a word in any of its forms (src/store/fts.ts `families`): `"storing"` becomes
 * `("storing" OR "store"*)`, so a memory that says *stored* has every word and is a full match. The
 * index stays ICM's unicode61 table; only the query is stemmed. A prefix phrase is one term to
 * BM25 (its document frequency, every matching token counted once), which is why a stem prefix
 * ranks better than an OR of exact forms, whose rare forms each bring their own high IDF
 * (docs/RECALL-EVAL.md, *Word forms*). The arms below work on those families unchanged.
 *
 * Ranking the some-terms group by BM25 over `a OR b OR c` means scoring every row that contains any
 * term, thousands of rows for common developer words (≈ 0.4–1 µs each): that was most of a recall.
 * The same ranking, scoring few rows:
 *  - arm `all`: every term (ICM's semantics), top `limit` by BM25;
 *  - arm `pair` (three terms): rows with two of the three, `(a b) OR (a c) OR (b c)`. FTS5
 *    intersects doclists without scoring and computes BM25 only for those rows; it reports a
 *    phrase's hits only from the OR branches that match the row, so a row with two terms scores
 *    exactly its BM25 under `a OR b OR c` (a row with all three scores double, but it is a full
 *    match and the `all` arm's exact score is kept). From four terms a row with k of them would
 *    score (k − 1) × its BM25: measured worse on the labelled set, so longer queries skip this arm;
 *  - arm `rare`: rows with one of the rarest terms. Terms are taken rarest first while the rows
 *    they match fit a budget, and always until there are enough rows to fill the answer. A row with
 *    a single term scores that term's BM25 alone, the same under both queries; the rows left out
 *    contain only terms commoner than every term kept, which BM25 ranks lower (lower IDF). From four
 *    terms, a row's score counts its rare terms only.
 * Up to three terms, partial matches keep their exact BM25 order except that a memory containing
 * just one very common word of the query may be left out of the tail. On the labelled set
 * (docs/RECALL-EVAL.md) MRR@10 is unchanged: 0.553 keyword, 0.545 hybrid.
 *
 * Many matches. A word most memories hold (at a million memories, `use` is in 290,000 of them)
 * costs BM25 a score per matching row, ≈ 0.4–1 µs each, and FTS5 has no top-k pruning. So in a
 * large store (`windowFrom`, 200,000 memories) the every-word arm scores the newest `window` matches
 * only (500, never fewer than the limit; by rowid, the order memories were stored; after the
 * filters) and ranks those by BM25: FTS5 reads the doclist newest first and a sub-select's LIMIT
 * stops it, in one pass. With fewer matches every one is ranked, ties newest first. At a million
 * memories, same run: p50 15.3 → 4.8 ms, p95 101 → 27 ms. Reading a doclist newest first costs FTS5
 * more than oldest first, +15–20 % on a query with few matches (peer workload: 100 → 116 µs at 10k,
 * 589 → 715 µs at 100k; bench/recall-window.ts), which is why a smaller store ranks every match:
 * there a common word's matches cost less than that toll on every query (docs/BENCHMARKS.md, "A
 * million memories, fourth run"). Ranking the oldest 501 first and reading the newest only on
 * overflow kept small queries at full speed but cost large ones two passes (1M p50 7.3 ms). The
 * labelled set scores the same with the window forced on (bench/recall/eval.ts `kw-window`). The
 * newest are a deliberate choice: among hundreds of memories that all hold the words, recent ones
 * are the likelier answer (ICM's decay weighs old ones down too). What remains at a million is
 * FTS5's floor: bm25() counts each phrase's matches over the whole index for its IDF, and a prefix
 * phrase (`"talk"*`; ICM's table has no prefix index) is merged from every form's doclist before its
 * first row is read. The partial arms below run only when no memory has every word, and keep their
 * own budget.
 *
 * The partial arms run only when the `all` arm falls short; otherwise their LIMIT is 0 and SQLite
 * skips the scan (measured 0.005 ms). bm25() is ordered outside FTS5 (SQLite's top-N sorter keeps only
 * LIMIT rows; `ORDER BY rank` made FTS5 sort every match), and the memories' columns are joined for
 * the winners only.
 */
import type { SqlArg } from './conn';
import type { FtsQuery } from './fts';
import { M_COLUMNS } from './rows';

/** Rows the `rare` arm may score beyond what the answer needs. */
export const RARE_TERMS_BUDGET = 300;
/** The `pair` arm is used for queries of exactly this many terms. */
export const PAIR_TERMS = 3;

export interface KeywordStatement {
  sql: string;
  args: SqlArg[];
}

/** `("a" AND "b") OR ("a" AND "c") OR ("b" AND "c")`: rows with at least two of the phrases or groups. */
export function anyPair(phrases: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < phrases.length; i++)
    for (let j = i + 1; j < phrases.length; j++) out.push(`(${phrases[i]} AND ${phrases[j]})`);
  return out.join(' OR ');
}

/** How the every-word arms are built; one setting per variant measured in docs/RECALL-EVAL.md. */
export interface KeywordTuning {
  /**
   * `merged`: one every-word arm over each word's forms, by BM25 (an exact match is one of them);
   * `exact-first`: the exact arm, then the forms arm only when it found fewer than `fillTo` rows;
   * `tiered`: both arms always, exact matches above form matches.
   */
  arms: 'merged' | 'exact-first' | 'tiered';
  /** bm25() column weights for (id, topic, summary, keywords), or null for FTS5's default (all 1). */
  weights: [number, number, number, number] | null;
  /**
   * In a large store, BM25 ranks only the newest this-many every-word matches (by rowid, the order of
   * insertion); 0 ranks every match. See "Many matches" above.
   */
  window: number;
  /** The number of memories from which a store is large (the window applies). */
  windowFrom: number;
}
/** The adopted setting; bench/recall/eval.ts changes it to measure the others. */
export const keywordTuning: KeywordTuning = { arms: 'merged', weights: null, window: 500, windowFrom: 200_000 };

/** The store's number of memories, from the trigger-kept topic counts (one row per topic, not per memory). */
export const MEMORIES_COUNT_SQL = `SELECT COALESCE(SUM(n), 0) AS n FROM mnemos_topic_counts`;

/** Whether the every-word arm ranks its newest matches only (see `keywordStatement`). */
export type KeywordWindow = 'on' | 'off' | 'by-size';

/** Which arms a statement holds: all of them (one round trip), or one of the two halves. */
export type KeywordPart = 'all' | 'every-word' | 'partial';

/**
 * Rows carry `full` (1: every term; 0.5: every term, some only in another form, below exact matches
 * in the `tiered` setting) and `bm25` (FTS5's sign: more negative is better).
 *
 * `part` splits the statement in two for a local file, where a second statement costs no round trip:
 * `every-word` holds the every-word arms, `partial` the some-terms arms, run only when the first found
 * fewer than `fillTo` rows (`found` says how many). One statement with both halves cost 2× the
 * every-word half alone at 10,000 memories (the CTEs' set-up and the guards, even when the partial
 * arms scan nothing): 0.45 against 0.21 ms (docs/BENCHMARKS.md, "Per call").
 * @param filters SQL conditions on `m` (the memories row), with their arguments
 * @param limit rows wanted
 * @param fillTo the partial arms run only while the every-word arms found fewer rows than this
 * @param window whether the every-word arm ranks only its newest `window` matches: `on` (the caller
 * knows the store is large), `off`, or `by-size`, decided in the statement from the topic counts (a
 * remote: no round trip of its own for the store's size; two arms, one of them LIMIT 0, which SQLite
 * does not scan)
 */
export function keywordStatement(
  q: FtsQuery,
  filters: { sql: string[]; args: SqlArg[] },
  limit: number,
  fillTo = 1,
  part: KeywordPart = 'all',
  found = 0,
  window: KeywordWindow = 'off',
): KeywordStatement {
  const t = keywordTuning;
  const n = q.partial.length;
  const where = filters.sql.length ? ` AND ${filters.sql.join(' AND ')}` : '';
  const from = filters.sql.length ? `memories_fts f JOIN memories m ON m.rowid = f.rowid` : `memories_fts f`;
  const weights = t.weights?.map((w) => Number(w).toFixed(3)).join(', ');
  const bm25 = weights ? `bm25(memories_fts, ${weights})` : 'bm25(memories_fts)';
  const arm = (match: string, full: number, limitSql: string) =>
    `SELECT f.rowid AS rowid, ${bm25} AS r, ${full} AS full FROM ${from}
      WHERE memories_fts MATCH ${match}${where} ORDER BY r LIMIT ${limitSql}`;
  // The every-word arm over the newest `size` matches only: FTS5 reads the doclist newest first and
  // the inner LIMIT stops it there, so no more than `size` rows are scored; with fewer matches every
  // one is, in the same single pass.
  const size = window !== 'off' && t.window > 0 ? Math.max(t.window, limit) : 0;
  const newestArm = (limitSql: string) =>
    `SELECT rowid, r, 1 AS full FROM (SELECT f.rowid AS rowid, ${bm25} AS r FROM ${from}
      WHERE memories_fts MATCH ?${where} ORDER BY f.rowid DESC LIMIT ?) ORDER BY r LIMIT ${limitSql}`;
  const large = `(${MEMORIES_COUNT_SQL}) >= ?`;
  const arms: string[] = [];
  const args: SqlArg[] = [];
  // Every word in its exact form, and every word in some form of it.
  const exact = q.key.join(' ');
  // FTS5 joins phrases by juxtaposition but parenthesised groups only by an explicit AND.
  const forms = q.families.join(' AND ');
  // Rows found so far: by the earlier arms of this statement, plus `found` by an earlier statement.
  const count = () => ['?', ...arms.map((_, i) => `(SELECT COUNT(*) FROM a${i})`)].join(' + ');
  const guard = () => `(CASE WHEN ${count()} < ? THEN ? ELSE 0 END)`;
  if (part !== 'partial') {
    if (forms === exact || t.arms === 'merged') {
      if (!size) {
        arms.push(arm('?', 1, '?'));
        args.push(forms, ...filters.args, limit);
      } else if (window === 'on') {
        arms.push(newestArm('?'));
        args.push(forms, ...filters.args, size, limit);
      } else {
        // by-size: one of the two arms has LIMIT 0.
        arms.push(arm('?', 1, `(CASE WHEN ${large} THEN 0 ELSE ? END)`));
        args.push(forms, ...filters.args, t.windowFrom, limit);
        arms.push(newestArm(`(CASE WHEN ${large} THEN ? ELSE 0 END)`));
        args.push(forms, ...filters.args, size, t.windowFrom, limit);
      }
    } else {
      arms.push(arm('?', 1, '?'));
      args.push(exact, ...filters.args, limit);
      if (t.arms === 'exact-first') {
        arms.push(arm('?', 1, guard()));
        args.push(forms, ...filters.args, 0, fillTo, limit);
      } else {
        arms.push(arm('?', 0.5, '?'));
        args.push(forms, ...filters.args, limit);
      }
    }
  }
  if (n > 1 && part !== 'every-word') {
    const need = limit * 2;
    const base = part === 'partial' ? found : 0;
    // LIMIT 0 (no scan) once the every-word arms hold fillTo rows.
    const g = guard();
    if (n === PAIR_TERMS) {
      arms.push(arm('?', 0, g));
      args.push(anyPair(q.partial), ...filters.args, base, fillTo, need);
    }
    // Rarest first; counts stop at need + budget + 1 rows (enough to decide).
    const cap = need + RARE_TERMS_BUDGET + 1;
    // Materialized: the window reads df three times, and a co-routine would count three times.
    const rare = `(WITH d AS MATERIALIZED (
          SELECT j.key AS i, j.value AS term, (SELECT COUNT(*) FROM (SELECT 1 FROM memories_fts WHERE memories_fts MATCH j.value LIMIT ?)) AS df
          FROM json_each(?) j)
        SELECT group_concat(term, ' OR ') FROM (SELECT term, df, SUM(df) OVER w AS cum, ROW_NUMBER() OVER w AS k FROM d
          WINDOW w AS (ORDER BY df, i ROWS UNBOUNDED PRECEDING))
        WHERE k = 1 OR cum - df < ? OR cum <= ?)`;
    arms.push(arm(rare, 0, g));
    args.push(cap, JSON.stringify(q.partial), need, need + RARE_TERMS_BUDGET, ...filters.args, base, fillTo, need);
  }
  if (!arms.length) return { sql: '', args: [] };
  if (arms.length === 1) {
    // One arm: no CTE to materialise, the winners joined straight to their rows.
    return {
      sql: `SELECT ${M_COLUMNS}, k.r AS bm25, k.full AS full FROM (${arms[0]}) k JOIN memories m ON m.rowid = k.rowid`,
      args,
    };
  }
  const sql = `WITH ${arms.map((c, i) => `a${i} AS MATERIALIZED (${c})`).join(',\n')}
    SELECT ${M_COLUMNS}, k.r AS bm25, k.full AS full FROM (${arms.map((_, i) => `SELECT rowid, r, full FROM a${i}`).join(' UNION ALL ')}) k
    JOIN memories m ON m.rowid = k.rowid`;
  return { sql, args };
}
