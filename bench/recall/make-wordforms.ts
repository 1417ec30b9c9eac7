// The word-form variant of the labelled recall set: the same queries (same answers) with their plain
// English words put in another form — plural/singular, past tense, -ing, -er, -ion — as a person or
// an agent phrases the same need differently from the memory ("storing clients" for "stored client").
// Deterministic (seeded); the memories are dataset.json's, unchanged.
//
//   node --import tsx bench/recall/make-wordforms.ts            # writes bench/recall/wordforms.json
//   node --import tsx bench/recall/make-wordforms.ts --check    # fails if the committed file differs
//
// The inflector here is deliberately not the store's (src/store/wordforms.ts, Porter2-filtered): it
// adds and removes suffixes by the usual spelling rules and accepts a form only if the word occurs
// somewhere in the set's own text (memories and queries), so every replacement is a real word of the
// corpus and the variant does not test the store against its own rules. Only words that are plain
// lowercase English (no identifiers, no hyphen/dot/underscore neighbours, no stop words) change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset, DatasetQuery } from './make-dataset';
import { DATASET_PATH } from './make-dataset';
import { isStop, pick, prng, tokens } from './text';

export const WORDFORMS_PATH = path.join(__dirname, 'wordforms.json');
export const WORDFORMS_SEED = 20261128;

export interface WordFormQuery extends DatasetQuery {
  /** The base query's id. */
  from: string;
  /** Each changed word, `old>new`. */
  changes: string[];
}
export interface WordFormSet {
  name: string;
  seed: number;
  generator: string;
  stats: Record<string, unknown>;
  queries: WordFormQuery[];
}

const VOWEL = /[aeiou]/;
const cvc = (b: string) => /[^aeiou][aeiou][^aeiouwxy]$/.test(b) && b.length <= 5;

/** Possible lemmas of a word by undoing a regular suffix (over-generates; the corpus decides). */
function lemmas(w: string): string[] {
  const out = new Set([w]);
  const undo = (suffix: string, ...adds: string[]) => {
    if (!w.endsWith(suffix) || w.length - suffix.length < 3) return;
    const b = w.slice(0, -suffix.length);
    for (const a of adds) out.add(b + a);
    if (/([bdgmnprt])\1$/.test(b)) out.add(b.slice(0, -1));
  };
  undo('ies', 'y');
  undo('ied', 'y');
  undo('es', '');
  undo('s', '');
  undo('ed', '', 'e');
  undo('ing', '', 'e');
  undo('ers', '', 'e');
  undo('er', '', 'e');
  undo('ations', 'e', 'ate', '');
  undo('ation', 'e', 'ate', '');
  undo('ions', 'e', '');
  undo('ion', 'e', '');
  return [...out].filter((b) => VOWEL.test(b));
}

/** Regular forms of a lemma: plural / 3rd person, past, -ing, -er, -ion. */
function inflections(b: string): string[] {
  if (b.endsWith('e')) {
    const s = b.slice(0, -1);
    return [`${b}s`, `${b}d`, `${s}ing`, `${b}r`, `${b}rs`, `${s}ion`, `${s}ation`];
  }
  if (/[^aeiou]y$/.test(b)) {
    const s = b.slice(0, -1);
    return [`${s}ies`, `${s}ied`, `${b}ing`, `${s}ier`];
  }
  const d = cvc(b) ? b + b[b.length - 1] : b;
  const es = /(s|x|z|ch|sh)$/.test(b) ? 'es' : 's';
  return [`${b}${es}`, `${d}ed`, `${d}ing`, `${d}er`, `${d}ers`, `${b}ion`, `${b}ation`];
}

/** Other forms of `w` that are words of the corpus. */
export function otherForms(w: string, vocab: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const l of lemmas(w)) {
    if (l !== w && vocab.has(l)) out.add(l);
    for (const f of inflections(l)) if (f !== w && vocab.has(f)) out.add(f);
  }
  return [...out].sort();
}

export function generateWordForms(d: Dataset): WordFormSet {
  const r = prng(WORDFORMS_SEED);
  const vocab = new Set<string>();
  for (const m of d.memories) for (const t of tokens(`${m.topic} ${m.summary} ${m.keywords.join(' ')}`)) vocab.add(t);
  for (const q of d.queries) for (const t of tokens(q.text)) vocab.add(t);
  const queries: WordFormQuery[] = [];
  const byKind: Record<string, { base: number; changed: number; words: number }> = {};
  const suffixes: Record<string, number> = {};
  for (const q of d.queries) {
    const k = (byKind[q.kind] ??= { base: 0, changed: 0, words: 0 });
    k.base++;
    const changes: string[] = [];
    // A plain word: letters only, lowercase, not glued to an identifier by - _ . / ` or a digit.
    const text = q.text.replace(/(?<![\w\-./`'])([a-z]{3,})(?![\w\-./`'])/g, (word: string) => {
      if (isStop(word)) return word;
      const forms = otherForms(word, vocab);
      if (!forms.length) return word;
      const to = pick(r, forms);
      changes.push(`${word}>${to}`);
      const suf = /(ations?|ions?|ers?|ing|ies|ied|ed|e?s)$/.exec(to)?.[0] ?? 'base';
      suffixes[suf] = (suffixes[suf] ?? 0) + 1;
      return to;
    });
    if (!changes.length) continue;
    k.changed++;
    k.words += changes.length;
    queries.push({ id: `${q.id}w`, kind: q.kind, text, answers: q.answers, type: q.type, from: q.id, changes });
  }
  return {
    name: 'mnemos-recall-wordforms',
    seed: WORDFORMS_SEED,
    generator: 'bench/recall/make-wordforms.ts',
    stats: { queries: queries.length, byKind, newFormEndings: Object.fromEntries(Object.entries(suffixes).sort()) },
    queries,
  };
}

export function serialiseWordForms(s: WordFormSet): string {
  const lines = s.queries.map((q) => '    ' + JSON.stringify(q)).join(',\n');
  return `{
  "name": ${JSON.stringify(s.name)},
  "seed": ${s.seed},
  "generator": ${JSON.stringify(s.generator)},
  "stats": ${JSON.stringify(s.stats, null, 2).replace(/\n/g, '\n  ')},
  "queries": [
${lines}
  ]
}
`;
}

if (require.main === module) {
  const d = JSON.parse(fs.readFileSync(DATASET_PATH, 'utf8')) as Dataset;
  const text = serialiseWordForms(generateWordForms(d));
  if (process.argv.includes('--check')) {
    if ((fs.existsSync(WORDFORMS_PATH) ? fs.readFileSync(WORDFORMS_PATH, 'utf8') : '') !== text) {
      console.error('bench/recall/wordforms.json differs from what make-wordforms.ts makes; rerun it without --check');
      process.exit(1);
    }
    console.log('wordforms.json is up to date');
  } else {
    fs.writeFileSync(WORDFORMS_PATH, text);
    console.log(JSON.stringify((JSON.parse(text) as WordFormSet).stats, null, 2));
    const kib = (Buffer.byteLength(text) / 1024).toFixed(0);
    console.log(`wrote ${path.relative(process.cwd(), WORDFORMS_PATH)} (${kib} KiB)`);
  }
}
