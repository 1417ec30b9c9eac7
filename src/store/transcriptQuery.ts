/**
 * The transcript search language: what ICM's `icm_transcript_search` documents (FTS5's `OR`, `AND`,
 * `NOT`, `"exact phrase"`, `prefix*`, parentheses, `role:`/`content:`/`tool_name:` column filters),
 * rebuilt from untrusted text into an FTS5 expression that cannot be a syntax error. ICM passes the
 * raw text to MATCH, so `foo(` or `"unbalanced` fail there; here every word reaches FTS5 as a quoted
 * string (split by `fts.ts`), operators only where FTS5 accepts them, and anything malformed is
 * repaired or dropped: a dangling `OR` is ignored, an open quote or parenthesis closes at the end,
 * a `NOT` with nothing before it drops the excluded part (FTS5 has no pure negation).
 */
import { MAX_QUERY_BYTES, MAX_QUERY_TOKENS, queryTerms } from './fts';

type Tok =
  | { t: 'op'; op: 'OR' | 'AND' | 'NOT' }
  | { t: '(' }
  | { t: ')' }
  | { t: 'leaf'; text: string; prefix: boolean; column?: string; quoted: boolean };

type Node = { leaf: string } | { op: 'OR' | 'AND' | 'NOT'; kids: Node[] };

const COLUMNS = new Set(['role', 'content', 'tool_name']);
const MAX_DEPTH = 16;

function truncate(s: string): string {
  const b = Buffer.from(s, 'utf8');
  return b.length <= MAX_QUERY_BYTES
    ? s
    : b
        .subarray(0, MAX_QUERY_BYTES)
        .toString('utf8')
        .replace(/\uFFFD$/u, '');
}

function tokenize(query: string): Tok[] {
  const s = truncate(query.replace(/\0/g, ' '));
  const out: Tok[] = [];
  let column: string | undefined;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ t: c });
      column = undefined;
      i++;
      continue;
    }
    if (c === '"') {
      const end = s.indexOf('"', i + 1);
      const text = s.slice(i + 1, end < 0 ? s.length : end);
      i = end < 0 ? s.length : end + 1;
      const prefix = s[i] === '*';
      if (prefix) i++;
      out.push({ t: 'leaf', text, prefix, column, quoted: true });
      column = undefined;
      continue;
    }
    let j = i;
    while (j < s.length && !/[\s()"]/.test(s[j])) j++;
    let word = s.slice(i, j);
    i = j;
    if (word === 'OR' || word === 'AND' || word === 'NOT') {
      out.push({ t: 'op', op: word });
      column = undefined;
      continue;
    }
    const col = /^([A-Za-z_]+):(.*)$/s.exec(word);
    if (col && COLUMNS.has(col[1].toLowerCase())) {
      column = col[1].toLowerCase();
      word = col[2];
      if (!word) continue; // `role: "…"` or `role:(…)`: the column applies to what follows
    }
    const prefix = /\*+$/.test(word);
    out.push({ t: 'leaf', text: word.replace(/\*+$/, ''), prefix, column, quoted: false });
    column = undefined;
  }
  return out;
}

class Parser {
  private i = 0;
  private terms = 0;
  constructor(private readonly toks: Tok[]) {}

  /** The whole query: stray `)` are skipped, what follows them is ANDed on. */
  parse(): Node | null {
    const parts: Node[] = [];
    while (this.i < this.toks.length) {
      const n = this.or(0);
      if (n) parts.push(n);
      if (this.toks[this.i]?.t === ')') this.i++;
    }
    return combine('AND', parts);
  }

  private or(depth: number): Node | null {
    const parts: Node[] = [];
    const first = this.and(depth);
    if (first) parts.push(first);
    while (this.peekOp('OR')) {
      this.i++;
      const n = this.and(depth);
      if (n) parts.push(n);
    }
    return combine('OR', parts);
  }

  private and(depth: number): Node | null {
    const parts: Node[] = [];
    for (;;) {
      const tok = this.toks[this.i];
      if (!tok || tok.t === ')' || (tok.t === 'op' && tok.op === 'OR')) break;
      if (tok.t === 'op' && tok.op === 'AND') {
        this.i++;
        continue;
      }
      if (tok.t === 'op' && tok.op === 'NOT') {
        this.i++;
        const excluded = this.unary(depth);
        const kept = parts.pop();
        if (kept && excluded) parts.push({ op: 'NOT', kids: [kept, excluded] });
        else if (kept) parts.push(kept);
        continue;
      }
      const n = this.unary(depth);
      if (n) parts.push(n);
    }
    return combine('AND', parts);
  }

  private unary(depth: number): Node | null {
    const tok = this.toks[this.i];
    if (!tok || tok.t === ')') return null;
    this.i++;
    if (tok.t === 'op') return null; // an operator where a word belongs (e.g. `a OR OR b`): skipped
    if (tok.t === '(') {
      if (depth >= MAX_DEPTH) return this.unary(depth);
      const n = this.or(depth + 1);
      if (this.toks[this.i]?.t === ')') this.i++;
      return n;
    }
    return this.leaf(tok);
  }

  private leaf(tok: Extract<Tok, { t: 'leaf' }>): Node | null {
    const room = MAX_QUERY_TOKENS - this.terms;
    const terms = room > 0 ? queryTerms(tok.text).slice(0, room) : [];
    if (!terms.length) return null;
    this.terms += terms.length;
    const phrase = `"${terms.join(' ').replace(/"/g, '""')}"${tok.prefix ? '*' : ''}`;
    return { leaf: tok.column ? `${tok.column} : ${phrase}` : phrase };
  }

  private peekOp(op: string): boolean {
    const t = this.toks[this.i];
    return t?.t === 'op' && t.op === op;
  }
}

function combine(op: 'AND' | 'OR', parts: Node[]): Node | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : { op, kids: parts };
}

function emit(n: Node): string {
  if ('leaf' in n) return n.leaf;
  return n.kids.map((k) => ('leaf' in k ? k.leaf : `(${emit(k)})`)).join(` ${n.op} `);
}

/**
 * An FTS5 MATCH expression for a transcript query, or null when nothing searchable is left.
 * `a b` means both (FTS5's implicit AND), as in ICM.
 */
export function transcriptMatch(query: string): string | null {
  if (typeof query !== 'string') return null;
  const tree = new Parser(tokenize(query)).parse();
  return tree ? emit(tree) : null;
}
