/**
 * Bad ids, topics, filters, limits, cursors, factors and import files for the commands that take them
 * (test/badinput/ops.test.ts runs each through the store, the CLI and, where the MCP server has that
 * operation, its tool).
 */
import type { SeedKey } from './fixture';
import { SEED_ID, SEED_KEYS } from './fixture';

export interface IdCase {
  name: string;
  id: string;
  /** not_found: a well-formed question with no answer (exit 1); invalid: refused before any lookup (exit 2). */
  kind: 'not_found' | 'invalid';
  message: RegExp;
}
const NF = /no memory with id/;
export const ID_CASES: IdCase[] = [
  { name: 'SQL after a quote', id: "'; DROP TABLE memories; --", kind: 'not_found', message: NF },
  { name: 'OR 1=1', id: "' OR 1=1 --", kind: 'not_found', message: NF },
  { name: 'a seed id with OR appended', id: `${SEED_ID.greek}' OR '1'='1`, kind: 'not_found', message: NF },
  { name: 'a LIKE wildcard', id: '%', kind: 'not_found', message: NF },
  { name: 'a seed id with a wildcard appended', id: `${SEED_ID.greek}%`, kind: 'not_found', message: NF },
  { name: 'a star', id: '*', kind: 'not_found', message: NF },
  { name: 'a well-formed unknown ULID', id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', kind: 'not_found', message: NF },
  { name: 'a seed id in lower case', id: SEED_ID.greek.toLowerCase(), kind: 'not_found', message: NF },
  { name: 'an id of 128 characters', id: 'x'.repeat(128), kind: 'not_found', message: NF },
  { name: 'a lone surrogate', id: '\ud800', kind: 'not_found', message: NF },
  { name: 'an emoji', id: '🧠', kind: 'not_found', message: NF },
  { name: 'an id with a newline', id: 'id\nwith a newline', kind: 'not_found', message: NF },
  { name: 'an id that looks like a flag', id: '-rf', kind: 'not_found', message: NF },
  { name: 'an empty id', id: '', kind: 'invalid', message: /id must be a non-empty string/ },
  { name: 'a blank id', id: '   ', kind: 'invalid', message: /id must be a non-empty string/ },
  { name: 'a NUL inside the id', id: 'a\u0000b', kind: 'invalid', message: /id is not a memory id/ },
  { name: 'an id of 129 characters', id: 'x'.repeat(129), kind: 'invalid', message: /id is not a memory id/ },
];

export interface TopicOpCase {
  name: string;
  topic: string;
  /** Refused as a topic (exit 2) with this message; otherwise it names no topic: nothing is deleted. */
  invalid?: RegExp;
}
export const TOPIC_OP_CASES: TopicOpCase[] = [
  { name: 'a seeded topic with a star (exact names only)', topic: 'greek*' },
  { name: 'a star', topic: '*' },
  { name: 'a percent sign', topic: '%' },
  { name: 'an underscore', topic: '_' },
  { name: 'a LIKE pattern', topic: 'gre%' },
  { name: 'the percent topic with its underscore as a wildcard', topic: '100%-done' },
  { name: 'SQL after a quote', topic: "'; DROP TABLE memories; --" },
  { name: 'a seeded topic in upper case', topic: 'GREEK' },
  { name: 'an empty topic', topic: '', invalid: /topic must not be empty/ },
  { name: 'a topic with a newline', topic: 'greek\nsql', invalid: /topic must not contain newlines or tabs/ },
  { name: 'a topic of 300 bytes', topic: 'x'.repeat(300), invalid: /topic exceeds 256 bytes \(300\)/ },
  {
    name: 'a topic with a lone surrogate',
    topic: 'greek\ud800',
    invalid: /topic contains an unpaired UTF-16 surrogate/,
  },
];

export interface FilterCase {
  name: string;
  topic: string;
  /** Seeds listed by store.list / `mnemos list -t`. */
  list: SeedKey[];
  /** Seeds icm_memory_recall returns (ICM's topic filter is "contains", case-insensitive; "prefix*" a prefix). */
  mcp?: SeedKey[];
}
const ALL = [...SEED_KEYS];
export const FILTER_CASES: FilterCase[] = [
  { name: 'a percent prefix matches only topics starting with %', topic: '%*', list: [] },
  { name: 'an underscore prefix matches only topics starting with _', topic: '_*', list: [] },
  { name: 'a prefix with a literal % and _', topic: '100%_*', list: ['percent'] },
  { name: 'underscores are not wildcards in a prefix', topic: '100__*', list: [] },
  { name: 'a percent is not a wildcard in a prefix', topic: 'gre%*', list: [] },
  { name: 'a backslash is not an escape in a prefix', topic: '\\*', list: [] },
  { name: 'a lone star lists every topic', topic: '*', list: ALL },
  { name: 'an exact topic', topic: 'greek', list: ['greek', 'greek2'] },
  { name: 'a prefix', topic: 'gree*', list: ['greek', 'greek2'] },
  // ICM's recall filter matches a substring either way round: this filter contains "greek".
  { name: 'SQL after a quote', topic: "greek' OR '1'='1", list: [], mcp: ['greek', 'greek2'] },
  { name: 'SQL after a quote, in a prefix', topic: "greek' OR '1'='1*", list: [] },
  { name: 'an exact topic in upper case', topic: 'GREEK', list: [], mcp: ['greek', 'greek2'] },
  { name: 'a percent sign (contains, for MCP)', topic: '%', list: [], mcp: ['percent'] },
];
/** One query that reaches every seed (each has one of these words). */
export const EVERY_SEED_QUERY = 'alpha delta SELECT NEAR summary café שלום brain 日本語 Windows ANSI percent';

export interface LimitCase {
  name: string;
  store: unknown;
  cli: string;
  /** Sent as JSON: NaN and Infinity become null. */
  mcp: unknown;
  /** Error message, or the most results allowed. */
  expectStore: RegExp | number;
  expectCli: RegExp | number;
  expectMcp: RegExp | number;
}
const LIM = /limit must be a positive number/;
const LIM_CLI = /limit must be a whole number ≥ 1/;
const LIM_MCP = /limit must be a number/;
export const LIMIT_CASES: LimitCase[] = [
  { name: 'zero', store: 0, cli: '0', mcp: 0, expectStore: LIM, expectCli: LIM_CLI, expectMcp: 1 },
  { name: 'minus one', store: -1, cli: '-1', mcp: -1, expectStore: LIM, expectCli: LIM_CLI, expectMcp: 1 },
  { name: 'a fraction', store: 1.5, cli: '1.5', mcp: 1.5, expectStore: 1, expectCli: LIM_CLI, expectMcp: 1 },
  { name: 'NaN', store: NaN, cli: 'NaN', mcp: NaN, expectStore: LIM, expectCli: LIM_CLI, expectMcp: LIM_MCP },
  {
    name: 'Infinity',
    store: Infinity,
    cli: 'Infinity',
    mcp: Infinity,
    expectStore: LIM,
    expectCli: LIM_CLI,
    expectMcp: LIM_MCP,
  },
  {
    name: 'a billion (clamped)',
    store: 1e9,
    cli: '1000000000',
    mcp: 1e9,
    expectStore: 1000,
    expectCli: 1000,
    expectMcp: 100,
  },
  { name: 'a number as a string', store: '2', cli: ' 2 ', mcp: '2', expectStore: 2, expectCli: 2, expectMcp: LIM_MCP },
  { name: 'letters', store: 'abc', cli: 'abc', mcp: 'abc', expectStore: LIM, expectCli: LIM_CLI, expectMcp: LIM_MCP },
  {
    name: 'SQL',
    store: '1; DROP TABLE memories',
    cli: '1; DROP TABLE memories',
    mcp: '1; DROP TABLE memories',
    expectStore: LIM,
    expectCli: LIM_CLI,
    expectMcp: LIM_MCP,
  },
];

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
export interface CursorCase {
  name: string;
  cursor: string;
  invalid?: true;
}
export const CURSOR_CASES: CursorCase[] = [
  { name: 'garbage', cursor: 'garbage!!', invalid: true },
  { name: 'base64 of a one-element list', cursor: b64([1]), invalid: true },
  { name: 'base64 of an object', cursor: b64({ a: 1 }), invalid: true },
  { name: 'base64 of not-JSON', cursor: b64('not json'), invalid: true },
  { name: 'a 100 kB cursor', cursor: 'A'.repeat(100_000), invalid: true },
  // A weight-order cursor is [weight, rowid]: anything else is refused, not read as a key.
  { name: 'base64 of a pair of the wrong types', cursor: b64(['x', 'y']), invalid: true },
  { name: 'base64 of a huge number and a NUL', cursor: b64([1e308, '\u0000']), invalid: true },
  { name: 'base64 of SQL', cursor: b64([1, "' OR 1=1 --"]), invalid: true },
  { name: 'base64 of a huge weight and rowid', cursor: b64([1e308, 1e308]) },
  { name: 'base64 of a NULL-weight position', cursor: b64([null, 3]) },
];

export interface FactorCase {
  name: string;
  command: 'decay' | 'prune';
  value: number;
  cli: string;
  message: RegExp;
  cliMessage: RegExp;
}
const DEC = /decay factor must be in \[0, 1\)/;
const DEC_CLI = /factor must be a number in \[0, 1\)/;
const PRU = /prune threshold must be in \(0, 1\]/;
const PRU_CLI = /threshold must be a number in \(0, 1\]/;
export const FACTOR_CASES: FactorCase[] = [
  { name: 'decay by 1', command: 'decay', value: 1, cli: '1', message: DEC, cliMessage: DEC_CLI },
  { name: 'decay by a negative factor', command: 'decay', value: -0.1, cli: '-0.1', message: DEC, cliMessage: DEC_CLI },
  { name: 'decay by NaN', command: 'decay', value: NaN, cli: 'NaN', message: DEC, cliMessage: DEC_CLI },
  { name: 'decay by Infinity', command: 'decay', value: Infinity, cli: 'Infinity', message: DEC, cliMessage: DEC_CLI },
  { name: 'decay by 1.5', command: 'decay', value: 1.5, cli: '1.5', message: DEC, cliMessage: DEC_CLI },
  { name: 'prune below 0', command: 'prune', value: 0, cli: '0', message: PRU, cliMessage: PRU_CLI },
  { name: 'prune below 1.5', command: 'prune', value: 1.5, cli: '1.5', message: PRU, cliMessage: PRU_CLI },
  { name: 'prune below -1', command: 'prune', value: -1, cli: '-1', message: PRU, cliMessage: PRU_CLI },
  { name: 'prune below NaN', command: 'prune', value: NaN, cli: 'x', message: PRU, cliMessage: PRU_CLI },
];

const mem = (over: Record<string, unknown>) => ({
  id: '01JBADNEW00000000000000001',
  topic: 'imported',
  summary: 'an imported memory',
  importance: 'medium',
  keywords: [],
  ...over,
});
const doc = (memories: unknown[]) => JSON.stringify({ format: 'mnemos-export', version: 1, memories });
export interface ImportCase {
  name: string;
  text: string;
  message?: RegExp;
  /** Accepted: what import reports. */
  result?: { imported: number; skipped: number };
}
export const IMPORT_CASES: ImportCase[] = [
  { name: 'text that is not JSON', text: 'not json', message: /stdin is not JSON/ },
  { name: 'a JSON list', text: '[]', message: /not a Mnemos export/ },
  { name: 'JSON null', text: 'null', message: /not a Mnemos export/ },
  { name: 'memories as a string', text: '{"memories": "x"}', message: /not a Mnemos export/ },
  { name: 'another format', text: '{"format": "other", "memories": []}', message: /unknown export format "other"/ },
  {
    name: 'a bad second memory: nothing is written',
    text: doc([mem({}), mem({ id: '01JBADNEW00000000000000002', topic: '' })]),
    message: /memory #2: topic must not be empty/,
  },
  {
    name: 'a 1 MB summary',
    text: doc([mem({ summary: 's'.repeat(1 << 20) })]),
    message: /memory #1: summary exceeds 65536 bytes/,
  },
  { name: 'a NUL in the id', text: doc([mem({ id: 'a\u0000b' })]), message: /memory #1: id is not a memory id/ },
  {
    name: 'a lone surrogate escape in the summary',
    text: doc([mem({ summary: 'SURROGATE' })]).replace('"SURROGATE"', '"\\ud800"'),
    message: /memory #1: content contains an unpaired UTF-16 surrogate/,
  },
  { name: 'a number instead of a memory', text: doc([42]), message: /memory #1: not an object/ },
  { name: '100,000 nested lists', text: '['.repeat(100_000) + ']'.repeat(100_000), message: /not a Mnemos export/ },
  {
    name: "a seed's id with other content (skipped, the seed is kept)",
    text: doc([mem({ id: SEED_ID.greek, topic: 'greek', summary: 'overwritten?' })]),
    result: { imported: 0, skipped: 1 },
  },
  {
    name: "a seed's topic and content under a new id (skipped)",
    text: doc([mem({ topic: 'greek', summary: 'alpha beta gamma are the first Greek letters' })]),
    result: { imported: 0, skipped: 1 },
  },
  { name: 'an empty list of memories', text: doc([]), result: { imported: 0, skipped: 0 } },
];
