/**
 * A deterministic corpus of developer memories as agents and people write them: decisions with
 * reasons, resolved errors with their messages, code context with identifiers and paths,
 * preferences, conventions, meeting notes — across a dozen projects, with a long-tailed vocabulary
 * (common words everywhere, identifiers and error codes rare). Plus a recall workload of 1–3 word
 * queries drawn from the corpus, and some that match nothing.
 */
import type { Importance, NewMemory } from '../../src/store';

export { rng } from './rng';
import { rng } from './rng';

const PROJECTS = [
  'mnemos',
  'billing-api',
  'web-dashboard',
  'auth-service',
  'data-pipeline',
  'mobile-app',
  'infra',
  'search-indexer',
  'notifications',
  'payments',
  'cli-tools',
  'ml-platform',
];
const LIBS = [
  'react',
  'postgres',
  'redis',
  'kafka',
  'docker',
  'kubernetes',
  'terraform',
  'webpack',
  'esbuild',
  'vite',
  'graphql',
  'grpc',
  'protobuf',
  'jest',
  'vitest',
  'playwright',
  'sqlite',
  'libsql',
  'turso',
  'prisma',
  'drizzle',
  'express',
  'fastify',
  'nginx',
  's3',
  'lambda',
  'oauth',
  'jwt',
  'websocket',
  'tokio',
  'serde',
  'onnxruntime',
  'transformers',
  'pandas',
  'numpy',
  'pytest',
  'django',
  'flask',
  'rails',
  'spring',
  'gradle',
  'cargo',
  'clippy',
  'eslint',
  'prettier',
  'tailwind',
  'svelte',
  'vue',
  'nextjs',
  'zod',
  'axios',
  'undici',
  'pnpm',
  'bun',
  'deno',
  'celery',
  'rabbitmq',
  'elasticsearch',
  'opensearch',
  'clickhouse',
  'duckdb',
  'sentry',
  'grafana',
  'prometheus',
  'opentelemetry',
  'vault',
  'consul',
  'envoy',
  'istio',
  'helm',
  'argocd',
];
const VERBS = [
  'get',
  'set',
  'fetch',
  'load',
  'parse',
  'build',
  'create',
  'update',
  'delete',
  'handle',
  'resolve',
  'validate',
  'render',
  'sync',
  'flush',
  'retry',
  'encode',
  'decode',
  'compute',
  'normalize',
  'merge',
  'split',
  'apply',
  'emit',
  'watch',
  'schedule',
  'cancel',
  'migrate',
  'hydrate',
  'serialize',
];
const NOUNS = [
  'User',
  'Session',
  'Token',
  'Memory',
  'Config',
  'Request',
  'Response',
  'Cache',
  'Index',
  'Query',
  'Batch',
  'Event',
  'Payload',
  'Schema',
  'Cursor',
  'Embedding',
  'Vector',
  'Topic',
  'Invoice',
  'Order',
  'Account',
  'Webhook',
  'Job',
  'Queue',
  'Snapshot',
  'Manifest',
  'Route',
  'Widget',
  'Report',
  'Tenant',
];
const DIRS = [
  'src/store',
  'src/api',
  'src/ui',
  'src/lib',
  'src/workers',
  'pkg/server',
  'internal/db',
  'app/models',
  'lib/utils',
  'services/auth',
  'crates/core',
  'cmd/cli',
];
const EXT = ['ts', 'tsx', 'rs', 'go', 'py', 'rb', 'java', 'kt'];
const ERRORS = [
  "TypeError: Cannot read properties of undefined (reading '{prop}')",
  'ECONNREFUSED 127.0.0.1:{port}',
  'SQLITE_BUSY: database is locked',
  "ENOENT: no such file or directory, open '{path}'",
  'Error: connect ETIMEDOUT {ip}:{port}',
  'panic: runtime error: index out of range [{n}] with length {n2}',
  'RangeError: Maximum call stack size exceeded',
  "error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'",
  'HTTP 429 Too Many Requests from {lib}',
  'OOMKilled: container {proj} exceeded its {n}Mi memory limit',
  'ERROR: deadlock detected while updating {noun}',
  'UnhandledPromiseRejection: {noun}Error in {ident}',
  "Access to fetch at '{url}' has been blocked by CORS policy",
  'SIGSEGV in {lib} while calling {ident}',
  "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value'",
  'java.lang.NullPointerException at {noun}Service.{ident}',
  "KeyError: '{prop}' in {ident}",
  'x509: certificate signed by unknown authority',
  'EADDRINUSE: address already in use :::{port}',
  'fatal: refusing to merge unrelated histories',
];
const REASONS = [
  'it halves the p95 latency',
  'the team already knows it',
  'it supports transactions',
  'its license is Apache-2.0',
  'it works offline',
  'it avoids a network hop',
  'the old one leaked memory under load',
  'it has first-class TypeScript types',
  'it is what production already runs',
  'benchmarks showed 3x throughput',
  'it keeps the bundle under 1 MB',
  'the maintainers respond quickly',
  'it needs no native build step',
  'it scales to millions of rows',
];
const FIXES = [
  'added a retry with jitter',
  'awaited the promise before closing',
  'guarded against an empty array',
  'raised the timeout to 30 s',
  'moved the call out of the render loop',
  'escaped the user input',
  'pinned the dependency to {ver}',
  'closed the cursor in a finally block',
  'switched to a prepared statement',
  'set the busy timeout',
  'added the missing index on {prop}',
  'freed the buffer after use',
  'bumped the pool size to {n}',
  'reordered the migrations',
];
const PREFS = [
  'run the tests before pushing',
  'use pnpm, not npm, in this repo',
  'prefer small pull requests',
  'write commit messages in the imperative',
  'keep functions under 40 lines',
  'use tabs in Go and spaces elsewhere',
  'log with structured JSON',
  'avoid default exports',
  'name tests after the behaviour they pin',
  'put SQL next to the function that runs it',
  'answer in English even when asked in French',
  'show diffs rather than whole files',
];
const PEOPLE = ['Alice', 'Bob', 'Chen', 'Dana', 'Emeka', 'Fatima', 'Gustavo', 'Hana', 'Ivan', 'Jonas', 'Keiko', 'Luis'];
const COMMON =
  'the a to of and in for on with when after before because so it this that we our should must can not is are was be by from as at into only then also every each new old first last all any more less fast slow small large local remote shared default safe'.split(
    ' ',
  );
const PROPS = [
  'id',
  'length',
  'userId',
  'token',
  'status',
  'createdAt',
  'items',
  'config',
  'data',
  'rows',
  'offset',
  'cursor',
  'headers',
  'body',
];
const LANGS = ['typescript', 'rust', 'go', 'python', 'sql', 'bash'];

export interface CorpusMemory extends NewMemory {
  importance: Importance;
  keywords: string[];
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}
/** Long tail: low indexes far more often (≈ Zipf with s≈1). */
function pickZipf<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.min(xs.length - 1, Math.floor(Math.pow(xs.length + 1, r())) - 1)];
}

export function generateCorpus(n: number, seed = 42): CorpusMemory[] {
  const r = rng(seed);
  const seen = new Set<string>();
  const out: CorpusMemory[] = [];
  const ident = () => {
    const v = pickZipf(r, VERBS);
    const noun = pickZipf(r, NOUNS);
    const style = r();
    return style < 0.6
      ? `${v}${noun}`
      : style < 0.85
        ? `${v}_${noun.toLowerCase()}`
        : `${noun}${pick(r, ['Manager', 'Service', 'Store', 'Client', 'Handler', 'Repository'])}`;
  };
  const filePath = () =>
    `${pick(r, DIRS)}/${ident()
      .replace(/_/g, '-')
      .replace(/^[A-Z]/, (c) => c.toLowerCase())}.${pick(r, EXT)}`;
  const ver = () => `${1 + Math.floor(r() * 5)}.${Math.floor(r() * 20)}.${Math.floor(r() * 10)}`;
  const fill = (s: string) =>
    s
      .replace(/\{prop\}/g, () => pick(r, PROPS))
      .replace(/\{port\}/g, () => String(3000 + Math.floor(r() * 6000)))
      .replace(/\{path\}/g, filePath)
      .replace(/\{ip\}/g, () => `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`)
      .replace(/\{n2?\}/g, () => String(Math.floor(r() * 512)))
      .replace(/\{lib\}/g, () => pickZipf(r, LIBS))
      .replace(/\{proj\}/g, () => pick(r, PROJECTS))
      .replace(/\{noun\}/g, () => pickZipf(r, NOUNS))
      .replace(/\{ident\}/g, ident)
      .replace(/\{url\}/g, () => `https://${pick(r, PROJECTS)}.example.com/api/${pick(r, PROPS)}`)
      .replace(/\{ver\}/g, ver);
  const tail = () =>
    r() < 0.5 ? ` ${Array.from({ length: 2 + Math.floor(r() * 8) }, () => pick(r, COMMON)).join(' ')}.` : '';

  while (out.length < n) {
    const proj = pickZipf(r, PROJECTS);
    const kind = r();
    let topic: string;
    let summary: string;
    let keywords: string[];
    let importance: Importance = pick(r, ['medium', 'medium', 'medium', 'low', 'high'] as const);
    if (kind < 0.25) {
      const a = pickZipf(r, LIBS);
      const b = pickZipf(r, LIBS);
      const noun = pickZipf(r, NOUNS).toLowerCase();
      topic = `decisions-${proj}`;
      summary = `Decided to use ${a} instead of ${b} for the ${noun} layer because ${pick(r, REASONS)}.${tail()}`;
      keywords = [a, b, noun];
      importance = r() < 0.4 ? 'high' : importance;
    } else if (kind < 0.5) {
      const err = fill(pick(r, ERRORS));
      const where = ident();
      const p = filePath();
      topic = 'errors-resolved';
      summary = `Fixed ${err} in ${where} (${p}): ${fill(pick(r, FIXES))}.${tail()}`;
      keywords = [where, p.split('/').pop()!.split('.')[0], err.split(/[:\s]/)[0]];
    } else if (kind < 0.75) {
      const a = ident();
      const b = ident();
      const p = filePath();
      topic = `context-${proj}`;
      summary = `${a} in ${p} ${pick(r, VERBS)}s the ${pickZipf(r, NOUNS).toLowerCase()} ${pick(r, ['before', 'after', 'while', 'instead of'])} ${b}; it talks to ${pickZipf(r, LIBS)} ${pick(r, ['directly', 'through a pool', 'over HTTP', 'in a worker'])}.${tail()}`;
      keywords = [a, b, p];
    } else if (kind < 0.85) {
      topic = r() < 0.5 ? 'preferences' : `conventions-${proj}`;
      summary = `${pick(r, ['Always', 'Please', 'Remember to', 'Never forget to'])} ${pick(r, PREFS)} in ${proj}${r() < 0.5 ? ` (${pickZipf(r, LIBS)} ${ver()})` : ''}.${tail()}`;
      keywords = [proj];
      importance = r() < 0.3 ? 'critical' : 'high';
    } else if (kind < 0.95) {
      const who = pick(r, PEOPLE);
      topic = `meetings-${proj}`;
      summary = `Agreed with ${who} to ${pick(r, VERBS)} the ${pickZipf(r, NOUNS).toLowerCase()} ${pick(r, ['API', 'schema', 'pipeline', 'dashboard', 'migration'])} before release ${ver()}; ${pickZipf(r, LIBS)} stays.${tail()}`;
      keywords = [who.toLowerCase(), 'release'];
    } else {
      const lang = pick(r, LANGS);
      topic = `snippets-${lang}`;
      summary = `How to ${pick(r, VERBS)} a ${pickZipf(r, NOUNS).toLowerCase()} with ${pickZipf(r, LIBS)} in ${lang}: see ${ident()}.${tail()}`;
      keywords = [lang, 'snippet'];
    }
    const key = `${topic}\0${summary}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ topic, summary, keywords: [...new Set(keywords)], importance });
  }
  return out;
}

const STOP = new Set(COMMON);
/** `count` queries of 1–3 words drawn from memories of the corpus; `missRate` of them match nothing. */
export function queryWorkload(
  corpus: readonly CorpusMemory[],
  count = 200,
  seed = 7,
  missRate = 0.1,
): { query: string; miss: boolean }[] {
  const r = rng(seed);
  const out: { query: string; miss: boolean }[] = [];
  while (out.length < count) {
    if (r() < missRate) {
      const words = Array.from({ length: 1 + Math.floor(r() * 3) }, () => `zq${Math.floor(r() * 1e6).toString(36)}x`);
      out.push({ query: words.join(' '), miss: true });
      continue;
    }
    const m = corpus[Math.floor(r() * corpus.length)];
    const words = m.summary.split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length >= 3 && !STOP.has(w.toLowerCase()));
    if (!words.length) continue;
    const k = 1 + Math.floor(r() * 3);
    const start = Math.floor(r() * words.length);
    const q = words.slice(start, start + k);
    out.push({ query: (r() < 0.3 ? q.map((w) => w.toLowerCase()) : q).join(' '), miss: false });
  }
  return out;
}
