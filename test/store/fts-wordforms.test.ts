/**
 * Query-side word forms (src/store/stem.ts, src/store/wordforms.ts, src/store/fts.ts): the Porter2
 * stemmer against reference stems, the forms a word stands for, and the FTS5 expressions built from
 * them: always quoted, a prefix only from a sanitised stem, never a syntax error on a real table.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildFtsQuery, openStore } from '../../src/store';
import { wordFormTuning } from '../../src/store/fts';
import { stem } from '../../src/store/stem';
import { isWeak, wordForms } from '../../src/store/wordforms';
import { tmpDir } from './modes';
import * as path from 'node:path';

/** Stems from wink-porter2-stemmer 2.0.1 (MIT), an independent implementation of the same algorithm. */
const PORTER2: Record<string, string> = {
  consign: 'consign',
  consigned: 'consign',
  consigning: 'consign',
  consignment: 'consign',
  consistency: 'consist',
  consistently: 'consist',
  generate: 'generat',
  generously: 'generous',
  general: 'general',
  communication: 'communic',
  caresses: 'caress',
  ponies: 'poni',
  ties: 'tie',
  cries: 'cri',
  gaps: 'gap',
  kiwis: 'kiwi',
  gas: 'gas',
  agreed: 'agre',
  feed: 'feed',
  owned: 'own',
  humbled: 'humbl',
  sized: 'size',
  hopping: 'hop',
  hoping: 'hope',
  falling: 'fall',
  filing: 'file',
  failing: 'fail',
  tanned: 'tan',
  luxuriated: 'luxuri',
  dying: 'die',
  lying: 'lie',
  skies: 'sky',
  news: 'news',
  inning: 'inning',
  proceed: 'proceed',
  exceeded: 'exceed',
  succeeding: 'succeed',
  happy: 'happi',
  happily: 'happili',
  cry: 'cri',
  crying: 'cri',
  say: 'say',
  saying: 'say',
  eyes: 'eye',
  yelling: 'yell',
  sensational: 'sensat',
  traditional: 'tradit',
  reference: 'refer',
  colonizer: 'colon',
  plotted: 'plot',
  fluently: 'fluentli',
  storing: 'store',
  stored: 'store',
  slating: 'slate',
  slated: 'slate',
  clients: 'client',
  importing: 'import',
  configuration: 'configur',
  configured: 'configur',
  retries: 'retri',
  queries: 'queri',
  indexing: 'index',
  deployment: 'deploy',
  dependencies: 'depend',
  reinstalled: 'reinstal',
  caching: 'cach',
  meeting: 'meet',
  timeout: 'timeout',
  validation: 'valid',
  arsenal: 'arsenal',
  constructor: 'constructor',
};

test('stem: Porter2 stems as the reference implementation gives them', () => {
  for (const [w, s] of Object.entries(PORTER2)) assert.equal(stem(w), s, w);
});

test('stem: anything that is not a lowercase ASCII word comes back unchanged', () => {
  for (const w of ['ECONNRESET', 'idleTimeoutMillis', 'v2', 'café', 'a', 'ok', '']) assert.equal(stem(w), w);
});

test('wordForms: the regular forms that share the stem, the word first', () => {
  const pairs = [
    ['storing', 'stored'],
    ['client', 'clients'],
    ['slating', 'slated'],
    ['import', 'imports'],
    ['retries', 'retry'],
    ['meeting', 'meetings'],
    ['reinstalled', 'reinstall'],
    ['configure', 'configuration'],
    ['stopped', 'stop'],
    ['fix', 'fixed'],
  ] as const;
  for (const [w, want] of pairs) {
    const forms = wordForms(w);
    assert.equal(forms[0], w);
    assert.ok(forms.includes(want), `${w} -> ${forms.join(' ')}`);
    assert.ok(forms.length <= 10);
    for (const f of forms) assert.equal(stem(f), stem(w), `${w}: ${f} has another stem`);
  }
  assert.ok(!wordForms('import').includes('important'), 'forms are exact words of the same stem');
});

test('wordForms: identifiers, constants, numbers, short and weak words stay as they are', () => {
  for (const w of ['ECONNRESET', 'idleTimeoutMillis', 'v8', 'go', 'what', 'the', 'k8s', 'naïve']) {
    assert.deepEqual(wordForms(w), [w.toLowerCase()]);
  }
  assert.ok(isWeak('What') && isWeak('how') && !isWeak('cache'));
});

test('buildFtsQuery: each word as its exact phrase or a group with its stem prefix; identifiers stay exact', () => {
  const q = buildFtsQuery('storing client ECONNRESET slating')!;
  assert.deepEqual(q.families, ['("storing" OR "store"*)', '"client"*', '"ECONNRESET"', '("slating" OR "slate"*)']);
  assert.equal(q.all, '"storing" "client" "ECONNRESET" "slating"', 'the exact form is unchanged');
  // y → i stems: the prefix drops the i so it covers the y form too.
  assert.deepEqual(buildFtsQuery('queries')!.families, ['"quer"*']);
  // Stems under four letters: the exact forms, no prefix.
  assert.equal(buildFtsQuery('fix')!.families[0], '("fix" OR "fixes" OR "fixed" OR "fixing")');
  // Weak words must still match (measured: leaving them out lost on paraphrases).
  assert.deepEqual(buildFtsQuery('what was the fix')!.key, ['"what"', '"was"', '"the"', '"fix"']);
  // Search as you type: the last word stays a prefix.
  assert.equal(buildFtsQuery('stored cli', { prefixLast: true })!.families[1], '"cli"*');
  assert.equal(buildFtsQuery('stored clients', { prefixLast: true })!.families[1], '"client"*');
  assert.equal(buildFtsQuery('storing', { prefixLast: true })!.families[0], '("storing"* OR "store"*)');
});

test('buildFtsQuery: hostile text in every word-form mode is a valid MATCH that finds words, not operators', async () => {
  const s = await openStore({ mode: 'local', path: path.join(tmpDir(), 'fts.db') });
  const saved = { ...wordFormTuning };
  try {
    await s.store({ topic: 't', summary: 'stored NEAR the clients OR queries, not a syntax' });
    const hostile = [
      'foo"bar OR (',
      '-x*',
      'NEAR(stored, clients)',
      'stor"ing* cli^ents',
      'topic: storing',
      '"" * ( ) ^',
      'queries AND NOT storing',
      'ÉTÉ storing\u0000clients',
      'storing '.repeat(150),
      'a"*"b',
      '\u{1F600} storing',
    ];
    for (const forms of ['prefix', 'forms', 'off'] as const) {
      Object.assign(wordFormTuning, { forms });
      for (const text of hostile) {
        for (const prefixLast of [false, true]) {
          const q = buildFtsQuery(text, { prefixLast });
          if (!q) continue;
          // A * only ever follows a quoted token.
          for (const f of q.families) assert.ok(!/[^"]\*/.test(f), f);
          await s.recallKeyword(text, { prefix: prefixLast, bumpAccess: false });
        }
      }
      const hits = await s.recallKeyword('NEAR(storing, client) OR query', { bumpAccess: false });
      assert.equal(hits.length, 1, forms);
    }
  } finally {
    Object.assign(wordFormTuning, saved);
    await s.close();
  }
});
