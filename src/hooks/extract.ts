/**
 * Rule-based extraction (ICM's `extract`, icm-reference §10 and §2.11): memories an agent session
 * produced without the agent storing them, in ICM's categories and topics:
 *   preference stated by the user  → `preferences`, critical
 *   decision                       → `decisions-<project>`, high
 *   error resolved                 → `errors-resolved`, high
 *   task completed                 → `context-<project>`, high
 * Pure functions: the same messages always give the same candidates. Conservative on purpose: a rule
 * that fires on chatter floods the store, so each candidate needs a strong cue and a self-contained sentence.
 */
import { oneLine } from '../shared/text';
import { cleanText, jaccard, looksSecret } from './text';
import type { CandidateMemory, SessionState, ToolCall, TranscriptMessage } from './types';

export type Category = 'preference' | 'decision' | 'error' | 'task';

interface Rule {
  category: Category;
  roles: TranscriptMessage['role'][];
  cue: RegExp;
  score: number;
}

const RULES: Rule[] = [
  {
    category: 'preference',
    roles: ['user'],
    cue: /\b(i (?:always |really )?prefer|i'd (?:rather|prefer)|i (?:don't|do not) (?:like|want)|please (?:always|never)|always use|never use|(?:don't|do not) ever|from now on|my preference)\b/i,
    score: 3,
  },
  {
    category: 'decision',
    roles: ['user', 'assistant'],
    cue: /\b(we (?:have )?decided|(?:i|we) decided to|decision:|let's go with|we(?:'ll| will) use|we chose|(?:i|we) (?:picked|chose) \S+ (?:over|instead of)|going with \S+ (?:over|instead of)|settled on)\b/i,
    score: 3,
  },
  {
    category: 'error',
    roles: ['assistant'],
    cue: /\b(the (?:root )?cause (?:was|is)|the fix (?:was|is)|fixed (?:it |this |the )?by|(?:was|were) caused by|the (?:problem|issue|bug) was|resolved (?:it |this |the \S+ )?by)\b/i,
    score: 3,
  },
  {
    category: 'task',
    roles: ['assistant'],
    cue: /^(?:i(?:'ve| have)? (?:implemented|finished|completed|added|migrated|refactored)|(?:implemented|completed|finished|done):?\s)/i,
    score: 2,
  },
];

const TOPIC: Record<Category, (project: string | undefined) => string> = {
  preference: () => 'preferences',
  decision: (p) => (p ? `decisions-${p}` : 'decisions'),
  error: () => 'errors-resolved',
  task: (p) => (p ? `context-${p}` : 'context'),
};
const IMPORTANCE: Record<Category, CandidateMemory['importance']> = {
  preference: 'critical',
  decision: 'high',
  error: 'high',
  task: 'high',
};

export const MIN_SENTENCE = 25;
export const MAX_SENTENCE = 400;
/** Two candidates whose word sets overlap this much are the same memory. */
export const NEAR_DUPLICATE = 0.7;

/** Sentences of a message: split at line breaks and sentence ends; code blocks dropped. */
export function sentences(text: string): string[] {
  const noCode = cleanText(text, 200_000).replace(/```[\s\S]*?```/g, '\n');
  return noCode
    .split(/\n+|(?<=[.!])\s+(?=[A-Z`"'])/u)
    .map((s) => s.replace(/^\s*(?:[-*>#]+|\d+[.)])\s*/u, '').trim())
    .filter((s) => s.length >= MIN_SENTENCE && s.length <= MAX_SENTENCE);
}

/** Keywords for a memory: identifiers and long words of the sentence, at most 6. */
export function keywordsOf(text: string): string[] {
  const words = text.match(/`[^`]{2,40}`|[\p{L}\p{N}_.\-/]{4,40}/gu) ?? [];
  const out: string[] = [];
  for (const raw of words) {
    const w = raw
      .replace(/`/g, '')
      .replace(/^[.\-/]+|[.\-/]+$/g, '')
      .toLowerCase();
    if (w.length < 4 || /^(that|this|with|from|have|were|will|into|because|should|would|could|there)$/.test(w))
      continue;
    if (!out.includes(w)) out.push(w);
    if (out.length >= 6) break;
  }
  return out;
}

/** The category a sentence states, with a score, or null. Questions and secrets never qualify. */
export function classify(
  sentence: string,
  role: TranscriptMessage['role'],
): { category: Category; score: number } | null {
  const s = sentence.trim();
  if (s.endsWith('?') || looksSecret(s)) return null;
  for (const r of RULES) {
    if (!r.roles.includes(role) || !r.cue.test(s)) continue;
    // A named thing (identifier, path, quoted word, number) makes a sentence worth keeping.
    const specific = /`[^`]+`|[\w-]+\.[a-z]{1,5}\b|\b[A-Z][a-z]+[A-Z]\w*|\b\w+[_/]\w+|\d/.test(s) ? 1 : 0;
    return { category: r.category, score: r.score + specific };
  }
  return null;
}

/** Extraction from messages: the best candidates first, near duplicates within the batch dropped. */
export function extractFromMessages(
  messages: readonly TranscriptMessage[],
  opts: { project?: string; max?: number; minScore?: number } = {},
): CandidateMemory[] {
  const found: { c: CandidateMemory; score: number; order: number }[] = [];
  let order = 0;
  for (const m of messages) {
    if (m.role === 'tool') continue;
    for (const s of sentences(m.text)) {
      const hit = classify(s, m.role);
      if (!hit || hit.score < (opts.minScore ?? 3)) continue;
      const summary = oneLine(s, MAX_SENTENCE);
      found.push({
        c: {
          topic: TOPIC[hit.category](opts.project),
          summary,
          importance: IMPORTANCE[hit.category],
          keywords: keywordsOf(s),
        },
        score: hit.score,
        order: order++,
      });
    }
  }
  found.sort((a, b) => b.score - a.score || a.order - b.order);
  const out: CandidateMemory[] = [];
  for (const f of found) {
    if (out.some((o) => o.topic === f.c.topic && jaccard(o.summary, f.c.summary) >= NEAR_DUPLICATE)) continue;
    out.push(f.c);
    if (out.length >= (opts.max ?? 5)) break;
  }
  return out;
}

const ERROR_LINE =
  /\b(error|exception|failed|failure|fatal|traceback|panic|cannot find|not found|no such file|segmentation fault|ENOENT|EACCES|ECONNREFUSED|E[A-Z]{3,}\b)|✗|✖/i;

/** The first line of a tool's output that reads as an error, if any. */
export function errorLine(output: string | undefined): string | undefined {
  if (!output) return undefined;
  for (const line of cleanText(output, 20_000).split('\n')) {
    const l = line.trim();
    if (l && ERROR_LINE.test(l) && !/\b0 (?:errors?|failed|failures)\b/i.test(l)) return oneLine(l, 200);
  }
  return undefined;
}

/** What identifies "the same action" across calls: a shell command, or a tool on a file. */
export function toolKey(tool: ToolCall): string {
  const input = tool.input as Record<string, unknown> | undefined;
  const cmd = input && typeof input === 'object' ? (input.command ?? input.cmd ?? input.script) : undefined;
  if (typeof cmd === 'string' || Array.isArray(cmd)) {
    const text = Array.isArray(cmd) ? cmd.map(String).join(' ') : cmd;
    return `${tool.name.toLowerCase()}:${text.replace(/\s+/g, ' ').trim().slice(0, 300)}`;
  }
  return `${tool.name.toLowerCase()}`;
}

/**
 * Feeds one tool call into the session state. A failed call is remembered; a later success of the same
 * command resolves it into an `errors-resolved` candidate naming the error and the files edited between.
 */
export function observeTool(
  state: SessionState,
  tool: ToolCall,
  editedNow: readonly string[],
  at: number,
): CandidateMemory[] {
  for (const f of editedNow) if (!state.edited.includes(f)) state.edited.push(f);
  if (state.edited.length > 200) state.edited.splice(0, state.edited.length - 200);
  const key = toolKey(tool);
  if (key === tool.name.toLowerCase()) return []; // only commands can be "run again"
  const err = tool.failed ? (errorLine(tool.output) ?? 'failed') : errorLine(tool.output);
  const open = state.openErrors.findIndex((e) => e.key === key);
  if (err) {
    if (open < 0) state.openErrors.push({ key, tool: tool.name, firstLine: err, at });
    if (state.openErrors.length > 20) state.openErrors.shift();
    return [];
  }
  if (open < 0) return [];
  const [e] = state.openErrors.splice(open, 1);
  const cmd = key.slice(key.indexOf(':') + 1);
  const files = state.edited.slice(-5);
  const summary = oneLine(
    `\`${oneLine(cmd, 120)}\` failed with "${e.firstLine}"; it passed again` +
      (files.length ? ` after editing ${files.join(', ')}.` : '.'),
    MAX_SENTENCE,
  );
  if (looksSecret(summary)) return [];
  return [{ topic: 'errors-resolved', summary, importance: 'high', keywords: keywordsOf(`${cmd} ${e.firstLine}`) }];
}
