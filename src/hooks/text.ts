/** Text handling for hook payloads: untrusted, possibly huge, possibly full of control characters. */

/** C0/C1 controls (except tab and newline), bidi overrides and zero-width marks: never passed on. */
// eslint-disable-next-line no-control-regex -- a sanitiser: the control characters are what it matches
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Printable text: controls become spaces, lone surrogates dropped, cut at `max` UTF-16 units. */
export function cleanText(v: unknown, max = 100_000): string {
  if (typeof v !== 'string') return '';
  const s = v.length > max ? v.slice(0, max) : v;
  return s.replace(CONTROL, ' ').replace(LONE_SURROGATE, '');
}

/**
 * Words that say nothing about what a prompt is about. A prompt hook sends the prompt's remaining
 * words to keyword recall: "can you please fix the tests" must not match every memory with "the".
 */
const STOP = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing done down during each few for from further had has have having he her ' +
    'here hers him his how i if in into is it its itself just let lets me more most my myself no nor not now of off ' +
    'on once only or other our ours out over own please same she should so some such than that the their them then ' +
    'there these they this those through to too under until up very was we were what when where which while who ' +
    'whom why will with would you your yours yourself ok okay yes yeah sure thanks thank hi hello hey go ahead ' +
    'continue make sure want need like get got use using used via still again maybe really think know see look ' +
    'help check try tell show give take put keep way thing things something anything everything one two new also ' +
    "don't can't won't it's i'm i've let's that's there's what's"
  ).split(' '),
);

/** Content words of a prompt, in order, deduplicated, at most `max` (identifiers first: they carry the most). */
export function promptTerms(prompt: string, max = 12): string[] {
  const words = cleanText(prompt, 4000)
    .split(/[\s"'`()[\]{}<>,;!?]+/u)
    .map((w) => w.replace(/^[.:]+|[.:]+$/g, ''))
    .filter((w) => w.length >= 3 && /[\p{L}\p{N}]/u.test(w) && !STOP.has(w.toLowerCase()));
  const seen = new Set<string>();
  const uniq: string[] = [];
  for (const w of words) {
    const k = w.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    uniq.push(w);
  }
  const ident = (w: string) => /[._/\-:]|\d|[a-z][A-Z]/.test(w);
  return [...uniq.filter(ident), ...uniq.filter((w) => !ident(w))].slice(0, max);
}

/** Lower-case word set, for near-duplicate checks. */
export function wordSet(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}_]+/u)
      .filter((w) => w.length >= 2),
  );
}

/** Jaccard similarity of two texts' word sets (1 = same words). */
export function jaccard(a: string, b: string): number {
  const A = wordSet(a);
  const B = wordSet(b);
  if (!A.size && !B.size) return 1;
  let inter = 0;
  for (const w of A) if (B.has(w)) inter++;
  return inter / (A.size + B.size - inter);
}

/** Text that must never be stored: tokens, keys, passwords. */
export function looksSecret(text: string): boolean {
  return /(sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|xox[abp]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY|eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,}|(password|passwd|secret|api[_-]?key|token)\s*[:=]\s*\S{6,})/i.test(
    text,
  );
}
