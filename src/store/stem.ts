/**
 * The English (Porter2) Snowball stemmer, query side only: keyword recall uses it to decide which
 * word forms belong to a query word (src/store/wordforms.ts). The index (`memories_fts`, ICM's
 * unicode61 table) is never stemmed. Input: one lowercase token of ASCII letters; anything else is
 * returned unchanged. Algorithm: https://snowballstem.org/algorithms/english/stemmer.html
 */

const EXCEPTIONS = new Map<string, string>(
  Object.entries({
    skis: 'ski',
    skies: 'sky',
    dying: 'die',
    lying: 'lie',
    tying: 'tie',
    idly: 'idl',
    gently: 'gentl',
    ugly: 'ugli',
    early: 'earli',
    only: 'onli',
    singly: 'singl',
    sky: 'sky',
    news: 'news',
    howe: 'howe',
    atlas: 'atlas',
    cosmos: 'cosmos',
    bias: 'bias',
    andes: 'andes',
  }),
);
const AFTER_STEP_1A = new Set(['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed']);

const isVowel = (c: string | undefined) => c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y';
const DOUBLES = new Set(['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt']);
const LI_ENDING = /[cdeghkmnrt]$/;

const STEP2: [string, string][] = [
  ['ization', 'ize'],
  ['ational', 'ate'],
  ['fulness', 'ful'],
  ['ousness', 'ous'],
  ['iveness', 'ive'],
  ['tional', 'tion'],
  ['biliti', 'ble'],
  ['lessli', 'less'],
  ['entli', 'ent'],
  ['ation', 'ate'],
  ['alism', 'al'],
  ['aliti', 'al'],
  ['ousli', 'ous'],
  ['iviti', 'ive'],
  ['fulli', 'ful'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['abli', 'able'],
  ['izer', 'ize'],
  ['ator', 'ate'],
  ['alli', 'al'],
  ['bli', 'ble'],
  ['ogi', 'og'],
  ['li', ''],
];
const STEP3: [string, string][] = [
  ['ational', 'ate'],
  ['tional', 'tion'],
  ['alize', 'al'],
  ['icate', 'ic'],
  ['iciti', 'ic'],
  ['ative', ''],
  ['ical', 'ic'],
  ['ness', ''],
  ['ful', ''],
];
const STEP4 = [
  'ement',
  'ance',
  'ence',
  'able',
  'ible',
  'ment',
  'ant',
  'ent',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
  'ion',
  'al',
  'er',
  'ic',
];

/** Start of the region after the first non-vowel that follows a vowel, from `from`. */
function regionStart(w: string, from: number): number {
  for (let i = from + 1; i < w.length; i++) if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  return w.length;
}

/** A short syllable ends the word: (non-vowel) vowel non-vowel-but-not-w/x/Y, or vowel non-vowel at the start. */
function endsShortSyllable(w: string): boolean {
  const n = w.length;
  if (n === 2) return isVowel(w[0]) && !isVowel(w[1]);
  if (n < 3) return false;
  const [a, b, c] = [w[n - 3], w[n - 2], w[n - 1]];
  return !isVowel(a) && isVowel(b) && !isVowel(c) && c !== 'w' && c !== 'x' && c !== 'Y';
}

/** The Porter2 stem of a lowercase ASCII word; other input comes back unchanged. */
export function stem(word: string): string {
  if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
  const exception = EXCEPTIONS.get(word);
  if (exception) return exception;
  // y at the start or after a vowel is a consonant: Y.
  let w = word.replace(/^y/, 'Y').replace(/([aeiouy])y/g, '$1Y');
  const r1 = /^(gener|commun|arsen)/.exec(w)?.[0].length ?? regionStart(w, 0);
  const r2 = () => regionStart(w, r1);
  const inR1 = (suffix: string) => w.length - suffix.length >= r1;
  const inR2 = (suffix: string) => w.length - suffix.length >= r2();
  const cut = (n: number, add = '') => (w = w.slice(0, w.length - n) + add);

  // Step 1a.
  if (w.endsWith('sses')) cut(2);
  else if (w.endsWith('ied') || w.endsWith('ies')) cut(3, w.length > 4 ? 'i' : 'ie');
  else if (w.endsWith('us') || w.endsWith('ss')) {
    /* unchanged */
  } else if (w.endsWith('s') && /[aeiouy]/.test(w.slice(0, -2))) cut(1);
  if (AFTER_STEP_1A.has(w)) return w;

  // Step 1b.
  const m1b = /(eedly|ingly|edly|eed|ing|ed)$/.exec(w)?.[0];
  if (m1b === 'eed' || m1b === 'eedly') {
    if (inR1(m1b)) cut(m1b.length, 'ee');
  } else if (m1b && /[aeiouy]/.test(w.slice(0, -m1b.length))) {
    cut(m1b.length);
    if (/(at|bl|iz)$/.test(w)) w += 'e';
    else if (DOUBLES.has(w.slice(-2))) cut(1);
    else if (endsShortSyllable(w) && r1 >= w.length) w += 'e';
  }

  // Step 1c.
  if (w.length > 2 && /[yY]$/.test(w) && !isVowel(w[w.length - 2])) cut(1, 'i');

  // Steps 2 and 3: the longest suffix decides; it is replaced only inside R1.
  const step = (table: [string, string][], r2Only?: string) => {
    const hit = table.find(([s]) => w.endsWith(s));
    if (!hit || !inR1(hit[0])) return;
    const [s, rep] = hit;
    if (s === 'ogi' && w[w.length - 4] !== 'l') return;
    if (s === 'li' && !LI_ENDING.test(w.slice(0, -2))) return;
    if (s === r2Only && !inR2(s)) return;
    cut(s.length, rep);
  };
  step(STEP2);
  step(STEP3, 'ative');

  // Step 4: deleted inside R2 (ion only after s or t).
  const s4 = STEP4.find((s) => w.endsWith(s));
  if (s4 && inR2(s4) && (s4 !== 'ion' || /[st]$/.test(w.slice(0, -3)))) cut(s4.length);

  // Step 5.
  if (w.endsWith('e')) {
    if (inR2('e') || (inR1('e') && !endsShortSyllable(w.slice(0, -1)))) cut(1);
  } else if (w.endsWith('ll') && inR2('l')) cut(1);
  return w.replace(/Y/g, 'y');
}
