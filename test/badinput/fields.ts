/**
 * Bad and odd values for a new memory's fields. Each row is stored through store.store(), `mnemos
 * store` and icm_memory_store (test/badinput/fields.test.ts): a rejected row must give the same specific
 * message everywhere and write nothing; an accepted row must read back exactly (then it is removed, so
 * every row starts from the seeded database).
 */
import type { SeedKey } from './fixture';

export interface Want {
  topic: string;
  summary: string;
  keywords: string[];
  rawExcerpt: string | null;
  importance: string;
}
/** An error (its message) or what is stored; `seed` = it merges into that seeded memory, unchanged. */
export type Outcome = RegExp | Partial<Want> | { seed: SeedKey };

export interface FieldCase {
  name: string;
  topic: string;
  content: string;
  keywords?: string[];
  raw?: string;
  importance?: string;
  /** Same outcome for every front end (default: accepted, stored as given). */
  expect?: Outcome;
  /** Front ends that differ, with why in the name or a comment. */
  cli?: Outcome;
  mcp?: Outcome;
  todo?: string;
}

const KB64 = 65_536;
const MIB = 1_048_576;
const kws = (n: number) => Array.from({ length: n }, (_, i) => `kw${i}`);
const MCP_ENUM = /importance must be one of critical, high, medium, low/;

export const FIELD_CASES: FieldCase[] = [
  // ---- topic
  { name: 'an empty topic', topic: '', content: 'c', expect: /topic must not be empty/ },
  { name: 'a topic of one space', topic: ' ', content: 'c', expect: /topic must not be empty/ },
  { name: 'a topic of tabs and newlines', topic: '\t\n\r ', content: 'c', expect: /topic must not be empty/ },
  {
    name: 'a topic of no-break and ideographic spaces',
    topic: '\u00a0\u3000',
    content: 'c',
    expect: /topic must not be empty/,
  },
  {
    name: 'a newline inside the topic',
    topic: 'a\nb',
    content: 'c',
    expect: /topic must not contain newlines or tabs/,
  },
  {
    name: 'a carriage return inside the topic',
    topic: 'a\rb',
    content: 'c',
    expect: /topic must not contain newlines or tabs/,
  },
  { name: 'a tab inside the topic', topic: 'a\tb', content: 'c', expect: /topic must not contain newlines or tabs/ },
  { name: 'a NUL inside the topic', topic: 'a\u0000b', content: 'c', expect: /topic must not contain NUL bytes/ },
  { name: 'a NUL-only topic', topic: '\u0000', content: 'c', expect: /topic must not contain NUL bytes/ },
  { name: 'a topic of 257 bytes', topic: 'x'.repeat(257), content: 'c', expect: /topic exceeds 256 bytes \(257\)/ },
  { name: 'a topic of exactly 256 bytes', topic: 'x'.repeat(256), content: 'c' },
  {
    name: 'a topic of 86 euro signs (258 bytes)',
    topic: '€'.repeat(86),
    content: 'c',
    expect: /topic exceeds 256 bytes \(258\)/,
  },
  { name: 'a topic of 85 euro signs (255 bytes)', topic: '€'.repeat(85), content: 'c' },
  { name: 'a topic of 64 emoji (256 bytes)', topic: '🧠'.repeat(64), content: 'c' },
  {
    name: 'a topic of 65 emoji (260 bytes)',
    topic: '🧠'.repeat(65),
    content: 'c',
    expect: /topic exceeds 256 bytes \(260\)/,
  },
  {
    name: 'a lone high surrogate in the topic',
    topic: 'topic\ud800',
    content: 'c',
    expect: /topic contains an unpaired UTF-16 surrogate/,
  },
  {
    name: 'a lone low surrogate in the topic',
    topic: '\udc00topic',
    content: 'c',
    expect: /topic contains an unpaired UTF-16 surrogate/,
  },
  { name: 'SQL in the topic', topic: "'; DROP TABLE memories; --", content: 'c' },
  { name: 'LIKE wildcards in the topic', topic: '50%_off', content: 'c' },
  { name: 'a topic ending in a star', topic: 'greek*', content: 'a star topic is a name like any other' },
  { name: 'spaces around the topic (trimmed)', topic: '   spaced   ', content: 'c', expect: { topic: 'spaced' } },
  { name: 'a right-to-left override in the topic', topic: '\u202etxt.exe', content: 'c' },
  { name: 'combining marks in the topic', topic: 'cafe\u0301-notes', content: 'c' },
  { name: 'a zero-width space topic (visible to nobody, but not blank)', topic: '\u200b', content: 'c' },
  { name: 'a terminal escape in the topic', topic: '\u001b]0;pwned\u0007', content: 'c' },
  { name: 'an emoji topic', topic: '🧠 brain', content: 'c' },
  // ---- content
  { name: 'empty content', topic: 't', content: '', expect: /content \(summary\) must not be blank/ },
  { name: 'content of one space', topic: 't', content: ' ', expect: /content \(summary\) must not be blank/ },
  {
    name: 'content of tabs, CR and LF',
    topic: 't',
    content: '\n\t \r\n',
    expect: /content \(summary\) must not be blank/,
  },
  {
    name: 'content of Unicode spaces',
    topic: 't',
    content: '\u00a0\u2003\u3000\u2028',
    expect: /content \(summary\) must not be blank/,
  },
  { name: 'a zero-width space as content (not blank)', topic: 't', content: '\u200b' },
  {
    name: 'a NUL inside the content',
    topic: 't',
    content: 'x\u0000y',
    expect: /content \(summary\) must not contain NUL bytes/,
  },
  {
    name: 'a NUL-only content',
    topic: 't',
    content: '\u0000',
    expect: /content \(summary\) must not contain NUL bytes/,
  },
  {
    name: 'a lone high surrogate in the content',
    topic: 't',
    content: 'x\ud800y',
    expect: /content contains an unpaired UTF-16 surrogate/,
  },
  {
    name: 'a lone low surrogate at the end of the content',
    topic: 't',
    content: 'x\udc00',
    expect: /content contains an unpaired UTF-16 surrogate/,
  },
  {
    name: 'a reversed surrogate pair in the content',
    topic: 't',
    content: '\udc00\ud800',
    expect: /content contains an unpaired UTF-16 surrogate/,
  },
  { name: 'content of exactly 64 KiB', topic: 't', content: 'a'.repeat(KB64) },
  {
    name: 'content of 64 KiB + 1 byte',
    topic: 't',
    content: 'a'.repeat(KB64 + 1),
    expect: /summary exceeds 65536 bytes \(65537\); put long text in the raw excerpt/,
  },
  { name: 'content of 64 KiB in two-byte characters', topic: 't', content: 'é'.repeat(KB64 / 2) },
  {
    name: 'content one byte over 64 KiB in two-byte characters',
    topic: 't',
    content: 'é'.repeat(KB64 / 2) + 'a',
    expect: /summary exceeds 65536 bytes \(65537\)/,
  },
  {
    name: 'content of 1 MB',
    topic: 't',
    content: 'm'.repeat(MIB),
    expect: /summary exceeds 65536 bytes \(1048576\); put long text in the raw excerpt/,
  },
  { name: 'emoji-only content', topic: 't', content: '🧠👨‍👩‍👧🇫🇷👍🏽' },
  { name: 'zalgo content', topic: 't', content: 'z\u0300\u0301\u0302\u0303a\u0304\u0305l\u0306g\u0307o' },
  {
    name: 'right-to-left text with overrides and isolates',
    topic: 't',
    content: 'שלום \u202eevil\u202c \u2067مرحبا\u2069',
  },
  { name: 'FTS5 syntax as content', topic: 't', content: '"NEAR(a b)" OR * -x ^y summary:z (' },
  { name: 'SQL as content', topic: 't', content: "'); DROP TABLE memories; --" },
  { name: 'terminal escapes as content', topic: 't', content: '\u001b[2J\u001b]0;title\u0007\u009b31m' },
  { name: 'CRLF line ends kept', topic: 't', content: 'line one\r\nline two\r\n' },
  { name: 'the noncharacters U+FFFE and U+FFFF', topic: 't', content: 'nonchars \ufffe\uffff' },
  { name: 'a byte order mark first', topic: 't', content: '\ufeffbom first' },
  { name: 'a JSON document as content', topic: 't', content: '{"summary": "x", "__proto__": {"polluted": true}}' },
  {
    name: 'content "-" (the CLI reads it from stdin)',
    topic: 't',
    content: '-',
    cli: /content \(summary\) must not be blank/,
  },
  { name: 'content "--"', topic: 't', content: '--' },
  { name: 'content that looks like a flag', topic: 't', content: '-i critical' },
  {
    name: 'a stored memory again, in other case and spacing',
    topic: 'greek',
    content: '  ALPHA beta   gamma are the first greek LETTERS ',
    expect: { seed: 'greek' },
  },
  // ---- keywords
  { name: 'no keywords', topic: 't', content: 'c', keywords: [] },
  { name: 'blank keywords (dropped)', topic: 't', content: 'c', keywords: ['', '  '], expect: { keywords: [] } },
  {
    name: 'a NUL in a keyword',
    topic: 't',
    content: 'c',
    keywords: ['a\u0000'],
    expect: /keywords must not contain NUL bytes/,
  },
  { name: '65 keywords', topic: 't', content: 'c', keywords: kws(65), expect: /at most 64 keywords \(got 65\)/ },
  { name: '64 keywords', topic: 't', content: 'c', keywords: kws(64) },
  {
    name: 'a keyword of 257 bytes',
    topic: 't',
    content: 'c',
    keywords: ['k'.repeat(257)],
    expect: /a keyword exceeds 256 bytes/,
  },
  { name: 'a keyword of 256 bytes', topic: 't', content: 'c', keywords: ['k'.repeat(256)] },
  {
    name: 'duplicate keywords (collapsed, trimmed)',
    topic: 't',
    content: 'c',
    keywords: ['dup', 'dup', ' dup '],
    expect: { keywords: ['dup'] },
  },
  {
    name: 'a lone surrogate in a keyword',
    topic: 't',
    content: 'c',
    keywords: ['kw\ud800'],
    expect: /keyword contains an unpaired UTF-16 surrogate/,
  },
  // The CLI's -k is a comma-separated list, so a comma splits there.
  { name: 'a comma inside a keyword', topic: 't', content: 'c', keywords: ['a,b'], cli: { keywords: ['a', 'b'] } },
  {
    name: 'emoji, RTL and combining marks as keywords',
    topic: 't',
    content: 'c',
    keywords: ['🧠', 'שלום', 'cafe\u0301'],
  },
  { name: 'SQL as a keyword', topic: 't', content: 'c', keywords: ["'; DROP TABLE memories; --"] },
  { name: 'a keyword with a quote and brackets (stored as JSON)', topic: 't', content: 'c', keywords: ['"]', '[{'] },
  // ---- raw excerpt
  { name: 'an empty raw excerpt (none)', topic: 't', content: 'c', raw: '', expect: { rawExcerpt: null } },
  { name: 'a raw excerpt of exactly 1 MiB', topic: 't', content: 'c', raw: 'r'.repeat(MIB) },
  {
    name: 'a raw excerpt of 1 MiB + 1 byte',
    topic: 't',
    content: 'c',
    raw: 'r'.repeat(MIB + 1),
    expect: /raw excerpt exceeds 1048576 bytes/,
  },
  {
    name: 'a raw excerpt of three-byte characters just under 1 MiB',
    topic: 't',
    content: 'c',
    raw: '€'.repeat(349_525),
  },
  {
    name: 'a NUL inside the raw excerpt',
    topic: 't',
    content: 'c',
    raw: 'a\u0000b',
    expect: /raw excerpt must not contain NUL bytes/,
  },
  {
    name: 'a lone surrogate in the raw excerpt',
    topic: 't',
    content: 'c',
    raw: '\ud800',
    expect: /raw excerpt contains an unpaired UTF-16 surrogate/,
  },
  { name: 'binary-looking text in the raw excerpt', topic: 't', content: 'c', raw: '\u0001\u0002\u0003\u00ff\u007f' },
  {
    name: 'raw excerpt "-" (the CLI reads it from stdin)',
    topic: 't',
    content: 'c',
    raw: '-',
    cli: { rawExcerpt: null },
  },
  // ---- importance
  {
    name: 'an unknown importance',
    topic: 't',
    content: 'c',
    importance: 'urgent',
    expect: /importance must be one of critical, high, medium, low/,
  },
  // The store and the CLI read importance case-insensitively; the MCP schema is ICM's exact enum.
  {
    name: 'an upper-case importance',
    topic: 't',
    content: 'c',
    importance: 'HIGH',
    expect: { importance: 'high' },
    mcp: MCP_ENUM,
  },
  {
    name: 'an empty importance',
    topic: 't',
    content: 'c',
    importance: '',
    expect: /importance must be one of critical, high, medium, low/,
  },
  {
    name: 'an importance with a space',
    topic: 't',
    content: 'c',
    importance: ' high',
    expect: /importance must be one of critical, high, medium, low/,
  },
  {
    name: 'SQL as the importance',
    topic: 't',
    content: 'c',
    importance: "high'; --",
    expect: /importance must be one of critical, high, medium, low/,
  },
];

/**
 * Values of the wrong JSON type. MCP: the tool's arguments as an agent sends them; store: the same
 * values through the typed API (as a plain-JS caller could); CLI: as a memory in an `import` document
 * (the CLI's only way to carry typed values), which names the memory (`memory #1: …`).
 */
export interface TypeCase {
  name: string;
  /** icm_memory_store's arguments (content, raw_excerpt); mapped for the store and the import file. */
  args: Record<string, unknown>;
  expect: Outcome;
  store?: Outcome;
  cli?: Outcome;
  mcp?: Outcome;
}
const KW_LIST = /keywords must be a list of strings/;
export const TYPE_CASES: TypeCase[] = [
  // keywords that are not a list of strings. MCP accepts ICM's comma-separated string form.
  {
    name: 'keywords as a comma-separated string',
    args: { topic: 't', content: 'c', keywords: 'a,b' },
    expect: KW_LIST,
    mcp: { keywords: ['a', 'b'] },
  },
  {
    name: 'keywords as an empty string',
    args: { topic: 't', content: 'c', keywords: '' },
    expect: KW_LIST,
    mcp: { keywords: [] },
  },
  { name: 'keywords as a number', args: { topic: 't', content: 'c', keywords: 42 }, expect: KW_LIST },
  { name: 'keywords as an object', args: { topic: 't', content: 'c', keywords: { a: 1 } }, expect: KW_LIST },
  { name: 'keywords as nested arrays', args: { topic: 't', content: 'c', keywords: [['a'], ['b']] }, expect: KW_LIST },
  { name: 'keywords as a list of numbers', args: { topic: 't', content: 'c', keywords: [1, 2] }, expect: KW_LIST },
  {
    name: 'keywords as a list with a null',
    args: { topic: 't', content: 'c', keywords: ['a', null] },
    expect: KW_LIST,
  },
  {
    name: 'keywords as a mixed list with a nested array',
    args: { topic: 't', content: 'c', keywords: ['a', ['b']] },
    expect: KW_LIST,
  },
  { name: 'keywords as true', args: { topic: 't', content: 'c', keywords: true }, expect: KW_LIST },
  // null means "none" to the store and an import; the MCP schema wants a list or a string.
  {
    name: 'keywords as null',
    args: { topic: 't', content: 'c', keywords: null },
    expect: { keywords: [] },
    mcp: KW_LIST,
  },
  // topic / content of the wrong type
  { name: 'a numeric topic', args: { topic: 42, content: 'c' }, expect: /topic must be a string/ },
  { name: 'a null topic', args: { topic: null, content: 'c' }, expect: /topic must be a string/ },
  { name: 'a list as topic', args: { topic: ['a'], content: 'c' }, expect: /topic must be a string/ },
  { name: 'no topic', args: { content: 'c' }, expect: /topic must be a string/, mcp: /topic is required/ },
  {
    name: 'an object as content',
    args: { topic: 't', content: { x: 1 } },
    expect: /content \(summary\) must be a string/,
    mcp: /content must be a string/,
  },
  {
    name: 'a numeric content',
    args: { topic: 't', content: 123 },
    expect: /content \(summary\) must be a string/,
    mcp: /content must be a string/,
  },
  {
    name: 'no content',
    args: { topic: 't' },
    expect: /content \(summary\) must be a string/,
    mcp: /content is required/,
  },
  // importance / raw excerpt of the wrong type
  {
    name: 'a numeric importance',
    args: { topic: 't', content: 'c', importance: 3 },
    expect: /importance must be one of critical, high, medium, low/,
  },
  {
    name: 'a null importance',
    args: { topic: 't', content: 'c', importance: null },
    expect: /importance must be one of critical, high, medium, low/,
  },
  {
    name: 'a numeric raw excerpt',
    args: { topic: 't', content: 'c', raw_excerpt: 42 },
    expect: /raw excerpt must be a string/,
    mcp: /raw_excerpt must be a string/,
  },
  {
    name: 'an object as raw excerpt',
    args: { topic: 't', content: 'c', raw_excerpt: { a: 1 } },
    expect: /raw excerpt must be a string/,
    mcp: /raw_excerpt must be a string/,
  },
  // extra fields are ignored, not stored
  { name: 'an unknown extra field', args: { topic: 't', content: 'c', __proto__x: 1, weight: 99 }, expect: {} },
];
