// Generates the labelled recall set bench/recall/dataset.json from the vocabularies in this folder,
// deterministically (seeded PRNG; no network, no model). Validates it and prints its statistics.
//
//   node --import tsx bench/recall/make-dataset.ts            # writes bench/recall/dataset.json
//   node --import tsx bench/recall/make-dataset.ts --check    # regenerates in memory, fails if the file differs
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contentStems, pick, prng, type Rand, shuffle, tokens, isStop } from './text';
import {
  CATEGORIES,
  DECISION_FORMS,
  DECISION_TAILS,
  KNOB_WHYS,
  KNOBS,
  NEAR_MISS_FORMS,
  NEAR_MISS_WHYS,
  REASONS,
  type Category,
  type Reason,
} from './vocab-decisions';
import {
  ADOPTION_BENEFITS,
  COMPONENTS,
  DOMAIN_FACTS,
  INCIDENT_CAUSES,
  LINKS,
  OPEN_QUESTIONS,
  PEOPLE,
  PORTS,
  PROGRESS_DONE,
  PROGRESS_NEXT,
  PROJECTS,
  type Project,
  REVIEW_FEEDBACK,
  SETTINGS,
} from './vocab-context';
import {
  COMMANDS,
  CONVENTIONS,
  ERRORS,
  type FactType,
  GOTCHAS,
  type Importance,
  PREFERENCES,
  type Seed,
} from './vocab-seeds';

export const SEED = 20240613;
export const DATASET_PATH = path.join(__dirname, 'dataset.json');

export type QueryKind = 'keyword' | 'paraphrase' | 'mixed';
export interface DatasetMemory {
  id: string;
  topic: string;
  summary: string;
  keywords: string[];
  importance: Importance;
  type: FactType;
}
export interface DatasetQuery {
  id: string;
  kind: QueryKind;
  text: string;
  answers: string[];
  type: FactType;
}
export interface Dataset {
  name: string;
  seed: number;
  generator: string;
  stats: Record<string, unknown>;
  memories: DatasetMemory[];
  queries: DatasetQuery[];
}

interface Draft {
  topic: string;
  summary: string;
  keywords: string[];
  importance: Importance;
  type: FactType;
  id?: string;
}
interface QDraft {
  kind: QueryKind;
  text: string;
  answers: Draft[];
  type: FactType;
}

const projectByName = new Map(PROJECTS.map((p) => [p.name, p]));
const ERROR_TOPIC_PROJECTS = new Set(['billing-api', 'mobile-app', 'data-pipeline']);
const CONVENTION_TOPIC_PROJECTS = new Set([
  'billing-api',
  'mobile-app',
  'search-indexer',
  'data-pipeline',
  'payments-gateway',
]);

/** {{p}} project, {{pm}} its package manager, {{a|b}} one option (the same option for the same text within one instance). */
function fill(tpl: string, p: Project | undefined, choices: Map<string, string>, r: Rand): string {
  return tpl.replace(/\{\{([^{}]+)\}\}/g, (_, body: string) => {
    if (body === 'p') {
      if (!p) throw new Error(`template needs a project: ${tpl}`);
      return p.name;
    }
    if (body === 'pm') return p?.pm ?? 'npm';
    if (!body.includes('|')) throw new Error(`unknown slot {{${body}}} in ${tpl}`);
    let c = choices.get(body);
    if (c === undefined) choices.set(body, (c = pick(r, body.split('|'))));
    return c;
  });
}

const ucfirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const sub = (tpl: string, vars: Record<string, string>) =>
  tpl.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k] : m));
const ticket = (r: Rand) =>
  `${pick(r, ['BIL', 'WEB', 'MOB', 'AUTH', 'SRCH', 'DATA', 'OPS'])}-${100 + Math.floor(r() * 900)}`;
const date = (r: Rand) =>
  `2024-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;

export function generate(seed = SEED): Dataset {
  const r = prng(seed);
  const drafts: Draft[] = [];
  const queries: QDraft[] = [];
  const add = (d: Draft) => (drafts.push(d), d);

  // ---------------------------------------------------------------- seeds (errors, gotchas, commands, conventions, preferences)
  for (const seed of [...ERRORS, ...GOTCHAS, ...COMMANDS, ...CONVENTIONS, ...PREFERENCES])
    seedMemories(seed, r, add, queries);

  // ---------------------------------------------------------------- technology decisions: unique (category, reason) pairs
  const usedPair = new Set<string>();
  const decisionsByCat = new Map<string, Draft[]>();
  const decisionQueryPool: { d: Draft; cat: Category; reason: Reason; old: string; nu: string; p: Project }[] = [];
  for (let round = 0; round < 4; round++) {
    for (const p of PROJECTS) {
      for (const cat of shuffle(r, [...CATEGORIES]).slice(0, 9)) {
        const fits = REASONS.filter(
          (x) => x.fits.some((t) => cat.traits.includes(t)) && !usedPair.has(`${cat.id}/${x.id}`),
        );
        if (!fits.length) continue;
        const reason = pick(r, fits);
        usedPair.add(`${cat.id}/${reason.id}`);
        const [old, nu] = shuffle(r, [...cat.names]).slice(0, 2);
        const reasonText = sub(reason.text, { old, new: nu });
        let summary = sub(pick(r, DECISION_FORMS), { label: cat.label, old, new: nu, reason: reasonText });
        summary = ucfirst(summary);
        if (r() < 0.55)
          summary +=
            ' ' +
            sub(pick(r, DECISION_TAILS), {
              old,
              new: nu,
              ticket: ticket(r),
              person: pick(r, PEOPLE),
              adr: String(1 + Math.floor(r() * 60)).padStart(4, '0'),
              date: date(r),
            });
        const d = add({
          topic: `decisions-${p.name}`,
          summary,
          keywords: [nu.toLowerCase(), old.toLowerCase(), cat.id],
          importance: r() < 0.5 ? 'high' : 'medium',
          type: 'decision',
        });
        decisionsByCat.set(cat.id, [...(decisionsByCat.get(cat.id) ?? []), d]);
        decisionQueryPool.push({ d, cat, reason, old, nu, p });
      }
    }
  }
  // Near misses: the same category and names, but the decision went the other way.
  for (const q of shuffle(r, [...decisionQueryPool]).slice(0, 130)) {
    const other = pick(
      r,
      PROJECTS.filter((x) => x !== q.p),
    );
    const summary = sub(pick(r, NEAR_MISS_FORMS), {
      label: q.cat.label,
      old: q.old,
      new: q.nu,
      why: pick(r, NEAR_MISS_WHYS),
    });
    add({
      topic: `decisions-${other.name}`,
      summary,
      keywords: [q.nu.toLowerCase(), q.cat.id, 'evaluation'],
      importance: 'low',
      type: 'near-miss',
    });
  }
  const REASON_KW: Record<string, string> = {
    unmaintained: 'unmaintained',
    licence: 'licence',
    bundle: 'bundle KB',
    leak: 'leaked memory',
    coldstart: 'cold starts',
    types: 'TypeScript types',
    cve: 'CVE',
    esm: 'ESM',
    familiar: 'team knows',
    pricing: 'pricing',
    flaky: 'flaky CI',
    faster: 'benchmark',
    node20: 'Node 20',
    cancel: 'cancel in-flight',
    streaming: 'streaming',
    boilerplate: 'boilerplate',
    arm: 'ARM',
    swallow: 'swallowed errors',
    residency: 'self-host EU',
    docs: 'docs outdated',
    slowtests: 'test suite minutes',
    native: 'native build Windows',
    otel: 'OpenTelemetry',
    concurrency: 'concurrent connections',
    churn: 'breaking major release',
    daemon: 'daemon',
    a11y: 'accessibility audit',
    ssr: 'server-side rendering',
    outage: 'outages',
    support: 'support P1',
  };
  for (const [i, q] of shuffle(r, [...decisionQueryPool])
    .slice(0, 75)
    .entries()) {
    const cp = pick(r, q.cat.para);
    const rp = pick(r, q.reason.para);
    const kind: QueryKind = (['keyword', 'paraphrase', 'mixed'] as const)[i % 3];
    let text: string;
    if (kind === 'keyword') text = `${q.old} ${q.nu} ${REASON_KW[q.reason.id]}`;
    else if (kind === 'paraphrase')
      text = pick(r, [
        `what did we pick for ${cp}, given that ${rp}?`,
        `${cp} — what do we run now, since ${rp}?`,
        `${cp}: why is it different these days? something about how ${rp}`,
      ]);
    else text = pick(r, [`why ${q.nu}? was it because ${rp}`, `${cp}: did we drop ${q.old} because ${rp}?`]);
    queries.push({ kind, text, answers: [q.d], type: 'decision' });
  }

  // ---------------------------------------------------------------- config changes: unique (knob, why) and (project, knob)
  const usedKnobWhy = new Set<string>();
  const usedProjKnob = new Set<string>();
  const knobPool: { d: Draft; kpara: string[]; wpara: string[]; p: Project; label: string }[] = [];
  for (let round = 0; round < 5; round++) {
    for (const p of PROJECTS) {
      for (const knob of shuffle(r, [...KNOBS]).slice(0, 6)) {
        if (usedProjKnob.has(`${p.name}/${knob.id}`)) continue;
        const whys = KNOB_WHYS.filter((w) => !usedKnobWhy.has(`${knob.id}/${w.id}`));
        if (!whys.length) continue;
        const why = pick(r, whys);
        usedKnobWhy.add(`${knob.id}/${why.id}`);
        usedProjKnob.add(`${p.name}/${knob.id}`);
        const [old, nu] = pick(r, knob.values);
        const whyText = sub(why.text, { inc: `INC-${200 + Math.floor(r() * 700)}` });
        const summary = sub(
          pick(r, [
            'Set the {label} in {p} from {old} to {new} because {why}.',
            "Changed {p}'s {label}: {old} -> {new}, since {why}.",
            '{Label} for {p} is now {new} (was {old}); {why}.',
          ]),
          { label: knob.label, Label: ucfirst(knob.label), p: p.name, old, new: nu, why: whyText },
        );
        const d = add({
          topic: `decisions-${p.name}`,
          summary,
          keywords: ['config', 'tuning'],
          importance: 'medium',
          type: 'config',
        });
        knobPool.push({ d, kpara: knob.para, wpara: why.para, p, label: knob.label });
      }
    }
  }
  for (const [i, k] of shuffle(r, [...knobPool])
    .slice(0, 30)
    .entries()) {
    const kind: QueryKind = (['keyword', 'paraphrase', 'mixed'] as const)[i % 3];
    const kp = pick(r, k.kpara);
    const wp = pick(r, k.wpara);
    const text =
      kind === 'keyword'
        ? `${k.p.name} ${k.label}`
        : kind === 'paraphrase'
          ? pick(r, [`what did we do to ${kp}? the reason was that ${wp}`, `${kp}: adjusted because ${wp} — to what?`])
          : `${k.p.name}: ${kp}, what changed? (${wp})`;
    queries.push({ kind, text, answers: [k.d], type: 'config' });
  }

  // ---------------------------------------------------------------- architecture and context
  for (const p of PROJECTS) {
    const d = add({
      topic: `context-${p.name}`,
      summary: `${p.name} is ${p.stack}; it owns ${p.purpose}.`,
      keywords: [p.name, 'architecture'],
      importance: 'high',
      type: 'architecture',
    });
    queries.push({
      kind: 'paraphrase',
      text: `which codebase is in charge of ${p.purposePara}?`,
      answers: [d],
      type: 'architecture',
    });
    add({
      topic: `context-${p.name}`,
      summary: `The ${p.team} team owns ${p.name}; on-call uses the PagerDuty schedule "${p.name}-primary". It is deployed on ${p.host}.`,
      keywords: [p.team.toLowerCase(), 'on-call', 'ownership'],
      importance: 'medium',
      type: 'architecture',
    });
  }
  for (const c of COMPONENTS) {
    const p = projectByName.get(c.project)!;
    const forms = [
      `The ${c.name} in ${p.name} lives in \`${c.path}\` and ${c.does}.`,
      `${p.name}: \`${c.path}\` (${c.name}) ${c.does}.`,
    ];
    const d = add({
      topic: `context-${p.name}`,
      summary: pick(r, forms),
      keywords: [c.name.split(' ')[0].toLowerCase(), 'architecture'],
      importance: 'medium',
      type: 'architecture',
    });
    queries.push({ kind: 'keyword', text: c.kw ?? `${c.path} ${c.name}`, answers: [d], type: 'architecture' });
    if (c.para) queries.push({ kind: 'paraphrase', text: c.para, answers: [d], type: 'architecture' });
    if (c.mixed) queries.push({ kind: 'mixed', text: c.mixed, answers: [d], type: 'architecture' });
  }
  for (const s of SETTINGS) {
    const d = add({
      topic: `context-${s.project}`,
      summary: `${s.project} reads \`${s.name}\`, which ${s.does}.`,
      keywords: [s.name, 'env'],
      importance: 'medium',
      type: 'architecture',
    });
    queries.push({ kind: 'keyword', text: s.name, answers: [d], type: 'architecture' });
    if (s.para) queries.push({ kind: 'paraphrase', text: s.para, answers: [d], type: 'architecture' });
  }
  for (const [a, b, how, why] of LINKS) {
    const d = add({
      topic: `context-${a}`,
      summary: `${a} talks to ${b} over ${how} to ${why}.`,
      keywords: [b, how.split(' ')[0].toLowerCase()],
      importance: 'medium',
      type: 'architecture',
    });
    queries.push({ kind: 'keyword', text: `${a} ${b} ${how}`, answers: [d], type: 'architecture' });
  }
  // Session progress notes and people facts: realistic filler that shares words with everything.
  for (let i = 0; i < 340; i++) {
    const p = pick(r, PROJECTS);
    const summary =
      `${date(r)}: ${pick(r, PROGRESS_DONE)} in ${p.name}; next: ${pick(r, PROGRESS_NEXT)}.` +
      (r() < 0.3 ? ` Ticket ${ticket(r)}.` : '');
    add({ topic: `context-${p.name}`, summary, keywords: ['progress'], importance: 'low', type: 'progress' });
  }
  for (const p of PROJECTS) {
    for (const person of shuffle(r, [...PEOPLE]).slice(0, 5)) {
      const comp = COMPONENTS.filter((c) => c.project === p.name);
      const about = comp.length ? pick(r, comp).name : pick(r, ['the build', 'the release process', 'the data model']);
      add({
        topic: `context-${p.name}`,
        summary: `${person} knows ${p.name} best; ask them about ${about}.`,
        keywords: [person.toLowerCase(), 'people'],
        importance: 'low',
        type: 'architecture',
      });
    }
  }

  // First adoptions (nothing replaced): same names and categories as the switches, a different story.
  const usedProjCat = new Set(decisionQueryPool.map((q) => `${q.p.name}/${q.cat.id}`));
  for (let i = 0; i < 600 && drafts.filter((d) => d.type === 'adoption').length < 150; i++) {
    const p = pick(r, PROJECTS);
    const cat = pick(r, CATEGORIES);
    if (usedProjCat.has(`${p.name}/${cat.id}`)) continue;
    usedProjCat.add(`${p.name}/${cat.id}`);
    const nu = pick(r, cat.names);
    add({
      topic: `decisions-${p.name}`,
      summary: `Adopted ${nu} as the ${cat.label} for ${p.name} (we had none before): ${pick(r, ADOPTION_BENEFITS)}.`,
      keywords: [nu.toLowerCase(), cat.id],
      importance: 'medium',
      type: 'adoption',
    });
  }
  for (let i = 0; i < 150; i++) {
    const p = pick(r, PROJECTS);
    const [cause, action] = pick(r, INCIDENT_CAUSES);
    add({
      topic: 'incidents',
      summary: `Postmortem INC-${100 + i * 7} (${date(r)}): ${p.name} was degraded for ${5 + Math.floor(r() * 115)} minutes; root cause: ${cause}. Action item: ${action}.`,
      keywords: [`INC-${100 + i * 7}`, p.name, 'postmortem'],
      importance: 'high',
      type: 'incident',
    });
  }
  const asked = new Set<string>();
  for (let i = 0; i < 400 && asked.size < 150; i++) {
    const p = pick(r, PROJECTS);
    const q = pick(r, OPEN_QUESTIONS);
    if (asked.has(`${p.name}/${q}`)) continue;
    asked.add(`${p.name}/${q}`);
    add({
      topic: `context-${p.name}`,
      summary: `Open question (${date(r)}): in ${p.name}, ${q}; not investigated yet.`,
      keywords: ['open-question'],
      importance: 'low',
      type: 'open-question',
    });
  }
  const reviewed = new Set<string>();
  for (let i = 0; i < 400 && reviewed.size < 70; i++) {
    const p = pick(r, PROJECTS);
    const person = pick(r, PEOPLE);
    const fb = pick(r, REVIEW_FEEDBACK);
    if (reviewed.has(`${person}/${fb}`)) continue;
    reviewed.add(`${person}/${fb}`);
    add({
      topic: 'team',
      summary: `Code review habit: ${person} (reviews ${p.name}) ${fb}.`,
      keywords: [person.toLowerCase(), 'review'],
      importance: 'low',
      type: 'team',
    });
  }
  for (const [p, fact] of DOMAIN_FACTS)
    add({
      topic: `context-${p}`,
      summary: `${p}: ${fact}`,
      keywords: ['domain'],
      importance: 'high',
      type: 'architecture',
    });
  for (const p of PROJECTS) {
    add({
      topic: `context-${p.name}`,
      summary: `${p.name} runs on port ${PORTS[p.name]} locally (\`${p.pm} run dev\`); use the docker compose file in the repo root for its dependencies.`,
      keywords: ['port', 'local-dev'],
      importance: 'low',
      type: 'architecture',
    });
  }

  return finish(r, seed, drafts, queries);
}

function seedMemories(seed: Seed, r: Rand, add: (d: Draft) => Draft, queries: QDraft[]): void {
  // A command stored under runbook-{{p}} whose text names no project is one memory under 'commands' (or its project's runbook).
  const allText = [seed.type === 'command' ? '' : seed.topic, ...seed.m, ...seed.kw].join(' ');
  const perProject = allText.includes('{{p}}') || allText.includes('{{pm}}');
  const hasAlt = /\{\{[^{}]*\|[^{}]*\}\}/.test(allText);
  const varies = perProject || hasAlt || seed.m.length > 1;
  const withQueries = !!seed.q && Object.keys(seed.q).length > 0;
  const x = r();
  let n = !varies ? 1 : withQueries ? (x < 0.6 ? 1 : x < 0.88 ? 2 : 3) : 1 + Math.floor(x * 4);
  const candidates = seed.proj ? seed.proj.map((name) => projectByName.get(name)!) : shuffle(r, [...PROJECTS]);
  if (perProject) n = Math.min(n, candidates.length);
  const made: Draft[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n * 3 && made.length < n; i++) {
    const p = perProject ? candidates[made.length % candidates.length] : seed.proj ? candidates[0] : undefined;
    const choices = new Map<string, string>();
    const summary = fill(seed.m[made.length % seed.m.length], p, choices, r);
    let topic = seed.type === 'command' && !perProject ? 'commands' : fill(seed.topic, p, choices, r);
    if (seed.type === 'error' && topic === 'errors-resolved' && p && ERROR_TOPIC_PROJECTS.has(p.name) && r() < 0.6)
      topic = `errors-${p.name}`;
    if (seed.type === 'command' && !perProject) topic = p ? `runbook-${p.name}` : 'commands';
    if (
      seed.type === 'convention' &&
      topic === 'conventions' &&
      p &&
      CONVENTION_TOPIC_PROJECTS.has(p.name) &&
      perProject
    )
      topic = `conventions-${p.name}`;
    const key = `${topic.toLowerCase()}\0${summary.toLowerCase()}`;
    if (seen.has(key)) continue; // an alternation picked the same text twice
    seen.add(key);
    const keywords = seed.kw.map((k) => fill(k, p, choices, r));
    if (p && perProject && r() < 0.5) keywords.push(p.name);
    made.push(add({ topic, summary, keywords, importance: seed.imp ?? 'medium', type: seed.type }));
  }
  if (!seed.q) return;
  for (const [k, kind] of [
    ['k', 'keyword'],
    ['p', 'paraphrase'],
    ['x', 'mixed'],
  ] as const) {
    const tpl = seed.q[k];
    if (!tpl) continue;
    const first = perProject ? candidates[0] : undefined;
    const text = fill(tpl, first, new Map(), r);
    queries.push({ kind, text, answers: tpl.includes('{{p}}') ? [made[0]] : made, type: seed.type });
  }
}

// -------------------------------------------------------------------- ids, validation, statistics

function finish(r: Rand, seed: number, drafts: Draft[], qdrafts: QDraft[]): Dataset {
  const byKey = new Map<string, Draft>();
  for (const d of drafts) {
    const key = `${d.topic.trim().toLowerCase()}\0${d.summary.replace(/\s+/g, ' ').trim().toLowerCase()}`;
    if (byKey.has(key)) throw new Error(`duplicate memory (the store would merge it): ${d.topic}: ${d.summary}`);
    byKey.set(key, d);
  }
  shuffle(r, drafts).forEach((d, i) => (d.id = `m${String(i + 1).padStart(4, '0')}`));
  const memories: DatasetMemory[] = drafts.map((d) => ({
    id: d.id!,
    topic: d.topic,
    summary: d.summary,
    keywords: d.keywords,
    importance: d.importance,
    type: d.type,
  }));
  const queries: DatasetQuery[] = shuffle(r, qdrafts).map((q, i) => ({
    id: `q${String(i + 1).padStart(3, '0')}`,
    kind: q.kind,
    text: q.text,
    answers: q.answers.map((a) => a.id!),
    type: q.type,
  }));
  const stats = validate(memories, queries);
  return { name: 'mnemos-recall-v1', seed, generator: 'bench/recall/make-dataset.ts', stats, memories, queries };
}

export const memoryText = (m: DatasetMemory) => `${m.topic} ${m.summary} ${m.keywords.join(' ')}`;

/** Checks the labels and measures how lexical each query kind really is. Throws on a broken set. */
export function validate(memories: DatasetMemory[], queries: DatasetQuery[]): Record<string, unknown> {
  const ids = new Set(memories.map((m) => m.id));
  const stemsOf = new Map(memories.map((m) => [m.id, contentStems(memoryText(m))]));
  const tokensOf = new Map(memories.map((m) => [m.id, new Set(tokens(memoryText(m)).filter((t) => !isStop(t)))]));
  const df = new Map<string, number>();
  for (const s of stemsOf.values()) for (const w of s) df.set(w, (df.get(w) ?? 0) + 1);
  const problems: string[] = [];
  const RARE = 20; // a paraphrase query may share a word with its answer only if ≥ RARE memories contain it
  const per: Record<
    QueryKind,
    {
      n: number;
      sharedStems: number[];
      zeroStem: number;
      zeroToken: number;
      rareShared: number;
      minDf: number[];
      distractors1: number[];
      distractors2: number[];
      answers: number[];
    }
  > = {
    keyword: {
      n: 0,
      sharedStems: [],
      zeroStem: 0,
      zeroToken: 0,
      rareShared: 0,
      minDf: [],
      distractors1: [],
      distractors2: [],
      answers: [],
    },
    paraphrase: {
      n: 0,
      sharedStems: [],
      zeroStem: 0,
      zeroToken: 0,
      rareShared: 0,
      minDf: [],
      distractors1: [],
      distractors2: [],
      answers: [],
    },
    mixed: {
      n: 0,
      sharedStems: [],
      zeroStem: 0,
      zeroToken: 0,
      rareShared: 0,
      minDf: [],
      distractors1: [],
      distractors2: [],
      answers: [],
    },
  };
  for (const q of queries) {
    if (!q.answers.length) problems.push(`${q.id}: no answers`);
    const missing = q.answers.filter((a) => !ids.has(a));
    for (const a of missing) problems.push(`${q.id}: answer ${a} does not exist`);
    if (missing.length) continue;
    const qs = contentStems(q.text);
    const qt = new Set(tokens(q.text).filter((t) => !isStop(t)));
    const shared = new Set<string>();
    const sharedTok = new Set<string>();
    for (const a of q.answers) {
      for (const w of qs) if (stemsOf.get(a)!.has(w)) shared.add(w);
      for (const t of qt) if (tokensOf.get(a)!.has(t)) sharedTok.add(t);
    }
    const s = per[q.kind];
    s.n++;
    s.answers.push(q.answers.length);
    s.sharedStems.push(shared.size);
    if (shared.size === 0) s.zeroStem++;
    if (sharedTok.size === 0) s.zeroToken++;
    const dfs = [...shared].map((w) => df.get(w)!);
    s.minDf.push(dfs.length ? Math.min(...dfs) : Infinity);
    const rare = [...shared].filter((w) => df.get(w)! < RARE);
    if (rare.length) s.rareShared++;
    if (q.kind === 'paraphrase' && rare.length)
      problems.push(
        `${q.id} (paraphrase) shares rare word(s) ${rare.map((w) => `${w}[df ${df.get(w)}]`).join(', ')} with its answer: "${q.text}"`,
      );
    if (q.kind !== 'paraphrase' && shared.size === 0)
      problems.push(`${q.id} (${q.kind}) shares no word with its answer: "${q.text}"`);
    if (q.kind === 'keyword' && !dfs.some((d) => d < RARE)) {
      // Common words can still be distinctive together: the answer must be (nearly) the only memory holding all of them.
      const holders = memories.filter((m) => [...shared].every((w) => stemsOf.get(m.id)!.has(w))).length;
      if (holders > q.answers.length + 2)
        problems.push(
          `${q.id} (keyword) shares only common words (together in ${holders} memories) with its answer: "${q.text}"`,
        );
    }
    const answers = new Set(q.answers);
    let d1 = 0,
      d2 = 0;
    for (const m of memories) {
      if (answers.has(m.id)) continue;
      let k = 0;
      for (const w of qs) if (stemsOf.get(m.id)!.has(w)) k++;
      if (k >= 1) d1++;
      if (k >= 2) d2++;
    }
    s.distractors1.push(d1);
    s.distractors2.push(d2);
  }
  if (problems.length) throw new Error(`dataset validation failed:\n  ${problems.join('\n  ')}`);
  const median = (xs: number[]) => {
    const a = [...xs].sort((x, y) => x - y);
    return a[Math.floor(a.length / 2)];
  };
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
  const count = <T extends string>(xs: T[]) =>
    Object.fromEntries([...new Set(xs)].sort().map((k) => [k, xs.filter((x) => x === k).length]));
  const words = memories.map((m) => m.summary.split(/\s+/).length);
  const sentences = memories.map((m) => m.summary.split(/(?<=[.!?])\s+(?=[A-Z`])/).length);
  return {
    memories: memories.length,
    topics: new Set(memories.map((m) => m.topic)).size,
    memoriesByType: count(memories.map((m) => m.type)),
    importance: count(memories.map((m) => m.importance)),
    summaryWords: { min: Math.min(...words), median: median(words), max: Math.max(...words) },
    summarySentences: count(sentences.map((n) => String(Math.min(n, 4)))),
    queries: queries.length,
    queriesByKind: count(queries.map((q) => q.kind)),
    queriesByType: count(queries.map((q) => q.type)),
    answersPerQuery: count(queries.map((q) => String(q.answers.length))),
    overlap: Object.fromEntries(
      Object.entries(per).map(([k, s]) => [
        k,
        {
          queries: s.n,
          meanSharedContentStems: mean(s.sharedStems),
          noSharedContentStem: s.zeroStem,
          noSharedContentToken: s.zeroToken,
          sharingARareWord: s.rareShared,
          rareMeans: `document frequency < ${RARE} of ${memories.length}`,
          medianMinDfOfSharedStems: median(s.minDf.filter(Number.isFinite)) ?? null,
          medianDistractorsSharing1Stem: median(s.distractors1),
          medianDistractorsSharing2Stems: median(s.distractors2),
        },
      ]),
    ),
  };
}

/** One memory or query per line: small diffs, readable, well under 2 MB. */
export function serialise(d: Dataset): string {
  const lines = (xs: unknown[]) => xs.map((x) => '    ' + JSON.stringify(x)).join(',\n');
  return `{
  "name": ${JSON.stringify(d.name)},
  "seed": ${d.seed},
  "generator": ${JSON.stringify(d.generator)},
  "stats": ${JSON.stringify(d.stats, null, 2).replace(/\n/g, '\n  ')},
  "memories": [
${lines(d.memories)}
  ],
  "queries": [
${lines(d.queries)}
  ]
}
`;
}

if (require.main === module) {
  const text = serialise(generate());
  if (process.argv.includes('--check')) {
    const onDisk = fs.existsSync(DATASET_PATH) ? fs.readFileSync(DATASET_PATH, 'utf8') : '';
    if (onDisk !== text) {
      console.error(
        `${path.relative(process.cwd(), DATASET_PATH)} differs from what make-dataset.ts generates; rerun it without --check`,
      );
      process.exit(1);
    }
    console.log('dataset.json is up to date');
  } else {
    fs.writeFileSync(DATASET_PATH, text);
    const d = JSON.parse(text) as Dataset;
    console.log(JSON.stringify(d.stats, null, 2));
    console.log(
      `wrote ${path.relative(process.cwd(), DATASET_PATH)} (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB)`,
    );
  }
}
