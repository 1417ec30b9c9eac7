// The prompt hook's cut-off, measured on the labelled recall set (bench/recall/dataset.json): which
// keyword score (−bm25) keeps the memory a prompt is about while keeping unrelated memories out of
// prompts that are about nothing in the store. Runs the hook's own path: promptTerms() → keyword recall
// (top 12) → renderRecall() with the candidate cut-off (top 3, near duplicates dropped).
//
//   node --import tsx bench/hooks-threshold.ts [--scale 10000]
//
// Three prompt sets:
//   answerable   the 737 labelled queries: is the labelled answer injected?
//   held-out     the same queries with their answers removed from the candidates ("nothing relevant in
//                the store"): everything injected is irrelevant
//   chatter      everyday agent prompts that no memory in the set answers (GENERIC below)
// --scale N pads the store with copies of the set's memories under other topics (words shuffled) to N
// memories, because BM25's IDF grows with the corpus and the cut-off must hold at 10k.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG, renderRecall } from '../src/hooks/core';
import { promptTerms } from '../src/hooks/text';
import type { RecallHit } from '../src/hooks/types';
import { openStore } from '../src/store';
import type { Dataset } from './recall/make-dataset';

const GENERIC = [
  'yes go ahead',
  'thanks, that looks good',
  'continue',
  'run the tests again',
  'can you fix the failing test',
  'commit this with a good message',
  'explain what this function does',
  'make it faster',
  'add a unit test for this',
  'rename this variable to something clearer',
  'why is this not working?',
  'undo the last change',
  'looks wrong, try again',
  'write a README section about installation',
  'format the code',
  'what does this error mean',
  'summarize the changes so far',
  'open a pull request',
  'please review my diff',
  'refactor this into smaller functions',
  'add logging here',
  'remove the unused imports',
  'update the changelog',
  'bump the version',
  'check the types compile',
  'add comments to this file',
  'can you simplify this loop',
  'split this component in two',
  'translate this message to French',
  'write a regex that matches email addresses',
  'convert this callback to async/await',
  'add a dark mode toggle',
  'sort this list alphabetically',
  'generate a fibonacci function in python',
  'what is the time complexity of this',
  'draw an ascii diagram of the flow',
  'how do I center a div',
  'create a hello world express server',
  'implement binary search',
  'parse this CSV and print the totals',
  'write a bash script to rename files',
  'help me name this project',
  'what is a monad',
  'make the button blue',
  'add pagination to the table',
  'the page is blank after login, any idea?',
  'set up eslint with prettier',
  'write a dockerfile for a node app',
  'explain the difference between let and const',
  'count the words in this paragraph',
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const ds = JSON.parse(fs.readFileSync(path.join(__dirname, 'recall', 'dataset.json'), 'utf8')) as Dataset;
  const scale = Number(arg('scale') ?? ds.memories.length);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-hook-threshold-'));
  const store = await openStore({ mode: 'local', path: path.join(tmp, 't.db') });
  const toDs = new Map<string, string>();
  try {
    for (let i = 0; i < ds.memories.length; i += 500) {
      const chunk = ds.memories.slice(i, i + 500);
      const res = await store.storeMany(
        chunk.map((m) => ({ topic: m.topic, summary: m.summary, keywords: m.keywords, importance: m.importance })),
      );
      res.forEach((r, j) => toDs.set(r.id, chunk[j].id));
    }
    // Padding: real words in other orders and topics, so document frequencies grow as in a bigger store.
    let rng = 7;
    const rand = () => (rng = (rng * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pad: { topic: string; summary: string }[] = [];
    for (let n = ds.memories.length; n < scale; n++) {
      const a = ds.memories[Math.floor(rand() * ds.memories.length)].summary.split(' ');
      const b = ds.memories[Math.floor(rand() * ds.memories.length)].summary.split(' ');
      const words = [...a.slice(0, Math.ceil(a.length / 2)), ...b.slice(Math.floor(b.length / 2))].sort(
        () => rand() - 0.5,
      );
      pad.push({ topic: `padding-${n % 40}`, summary: words.join(' ') + ` (${n})` });
    }
    for (let i = 0; i < pad.length; i += 1000) await store.storeMany(pad.slice(i, i + 1000));

    const hitsFor = async (text: string): Promise<(RecallHit & { ds?: string })[]> => {
      const terms = promptTerms(text);
      if (!terms.length) return [];
      const r = await store.recallKeyword(terms.join(' '), {
        limit: DEFAULT_CONFIG.promptLimit * 4,
        bumpAccess: false,
      });
      return r.map((h) => ({
        id: h.memory.id,
        topic: h.memory.topic,
        summary: h.memory.summary,
        score: h.score,
        fullMatch: h.fullMatch,
        ds: toDs.get(h.memory.id),
      }));
    };
    const injected = (hits: (RecallHit & { ds?: string })[], t: number) => {
      const cfg = { ...DEFAULT_CONFIG, minScore: t };
      const text = renderRecall(hits, cfg) ?? '';
      return hits.filter((h) => h.score >= t && text.includes(h.summary.replace(/\s+/g, ' ').trim().slice(0, 60)));
    };
    const answerable = await Promise.all(ds.queries.map(async (q) => ({ q, hits: await hitsFor(q.text) })));
    const chatter = await Promise.all(GENERIC.map(hitsFor));
    const grid = [0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 20];
    console.log(
      `store: ${ds.memories.length} labelled memories + ${pad.length} padding = ${scale}; ${ds.queries.length} queries, ${GENERIC.length} chatter prompts`,
    );
    console.log(
      'cut-off | answer injected | irrelevant per answerable prompt | held-out prompts injecting | chatter prompts injecting',
    );
    const rows: Record<string, number>[] = [];
    for (const t of grid) {
      let kept = 0;
      let wrong = 0;
      let heldOut = 0;
      for (const { q, hits } of answerable) {
        const inj = injected(hits, t);
        const ans = new Set(q.answers);
        if (inj.some((h) => h.ds && ans.has(h.ds))) kept++;
        wrong += inj.filter((h) => !h.ds || !ans.has(h.ds)).length;
        if (
          injected(
            hits.filter((h) => !h.ds || !ans.has(h.ds)),
            t,
          ).length
        )
          heldOut++;
      }
      const chat = chatter.filter((h) => injected(h, t).length).length;
      const row = {
        t,
        kept: kept / answerable.length,
        wrong: wrong / answerable.length,
        heldOut: heldOut / answerable.length,
        chat: chat / chatter.length,
      };
      rows.push(row);
      console.log(
        `${String(t).padStart(7)} | ${(row.kept * 100).toFixed(1).padStart(14)}% | ${row.wrong.toFixed(2).padStart(31)} | ${(row.heldOut * 100).toFixed(1).padStart(25)}% | ${(row.chat * 100).toFixed(1).padStart(24)}%`,
      );
    }
    const scores = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]?.toFixed(1);
      return `p10 ${q(0.1)} p25 ${q(0.25)} median ${q(0.5)} p75 ${q(0.75)} p90 ${q(0.9)}`;
    };
    const ansScores = answerable.flatMap(({ q, hits }) =>
      hits
        .filter((h) => h.ds && q.answers.includes(h.ds))
        .slice(0, 1)
        .map((h) => h.score),
    );
    const topWrong = answerable.flatMap(({ q, hits }) =>
      hits
        .filter((h) => !h.ds || !q.answers.includes(h.ds))
        .slice(0, 1)
        .map((h) => h.score),
    );
    const chatTop = chatter.flatMap((h) => h.slice(0, 1).map((x) => x.score));
    console.log(
      `\nscore of the labelled answer when found:  ${scores(ansScores)} (${ansScores.length} of ${answerable.length} found in the top 12)`,
    );
    console.log(`best wrong memory per answerable prompt:  ${scores(topWrong)}`);
    console.log(`best memory per chatter prompt:           ${scores(chatTop)}`);
  } finally {
    await store.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
