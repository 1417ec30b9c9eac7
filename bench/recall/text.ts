// Small text helpers shared by the dataset generator, its validation and the harness.
// No dependencies: the generator must be byte-reproducible from a seed.

export { rng as prng } from '../lib/rng';

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export function shuffle<T>(r: Rand, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** Tokens as FTS5's unicode61 tokenizer makes them: runs of letters/digits, lowercased. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Function words and question scaffolding: they carry no topic, so sharing them is not a lexical match.
const STOP = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by
  can could did do does doing done down during each else ever every few for from further get gets had has have having he her
  here hers him his how i if in into is it its itself just let lets like made make makes me more most much must my no nor not now
  of off on once one only or other our ours out over own per please same she should so some such than that the their theirs them
  then there these they this those through to too under until up upon us use used uses using very via was way we were what when
  where which while who whom why will with without would yet you your yours s t don isn wasn didn doesn ll re ve d m o
  again anything something thing things someone people person we'd we're it's there's what's how's
  again why how what which who whose whom`
    .split(/\s+/)
    .filter(Boolean),
);
export const isStop = (t: string) => STOP.has(t) || /^\d+$/.test(t) || t.length < 2;

/** A light suffix stripper (Porter-like, not Porter): enough to treat leak/leaks/leaked/leaking as one word. */
export function stem(w: string): string {
  let s = w.toLowerCase();
  if (s.length <= 3) return s;
  const rules: [RegExp, string][] = [
    [/ies$/, 'y'],
    [/sses$/, 'ss'],
    [/([^s])s$/, '$1'],
  ];
  for (const [re, to] of rules)
    if (re.test(s)) {
      s = s.replace(re, to);
      break;
    }
  const suffixes = [
    'ational',
    'ization',
    'isation',
    'fulness',
    'iveness',
    'ations',
    'ation',
    'ments',
    'ment',
    'ness',
    'ingly',
    'edly',
    'ings',
    'ing',
    'able',
    'ible',
    'ally',
    'ers',
    'er',
    'ed',
    'ly',
    'ive',
    'al',
    'ity',
    'ize',
    'ise',
    'e',
  ];
  for (const suf of suffixes) {
    if (s.endsWith(suf) && s.length - suf.length >= 3) {
      s = s.slice(0, -suf.length);
      break;
    }
  }
  // leaking -> leak, running -> runn -> run, stopped -> stopp -> stop
  if (/([bdfgmnprt])\1$/.test(s)) s = s.slice(0, -1);
  return s;
}

/** Content-word stems of a text (stop words, numbers and 1-letter tokens removed). */
export function contentStems(text: string): Set<string> {
  const out = new Set<string>();
  for (const t of tokens(text)) if (!isStop(t)) out.add(stem(t));
  return out;
}
