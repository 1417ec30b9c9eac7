/**
 * Deterministic developer memories for the peer benchmark: decisions, resolved errors, conventions and
 * task context, each carrying distinctive identifiers (tickets, commit hashes, error codes, env vars,
 * helper names, branches). Plus the queries with a known answer:
 *   needle  — one identifier that occurs (as a substring, case-insensitive) in exactly one memory;
 *   natural — 2–3 plain words; exactly one memory contains all of them as whole words. Half are a
 *             contiguous phrase of that memory ("phrase"), half the same kind of words out of order
 *             or not adjacent ("words"), the way a person types a search.
 * The corpus for N is the first N memories of one stream, so 1,000 is a prefix of 10,000.
 * Queries are chosen per N, and their uniqueness is checked against every server's searchable
 * text (topic/entity type, content, entity name), not assumed.
 */

export type Kind = 'decision' | 'error' | 'convention' | 'context';

export interface BenchMemory {
  index: number;
  kind: Kind;
  topic: string;
  importance: 'critical' | 'high' | 'medium' | 'low';
  content: string;
  keywords: string[];
  /** Entity name the knowledge-graph peers store it under. */
  entityName: string;
  /** Identifiers in the content that may serve as needles. */
  identifiers: string[];
  /** Plain words of the content (no identifiers), in content order, for natural queries. */
  slotWords: string[];
}

export interface BenchQuery {
  kind: 'needle' | 'natural';
  /** natural only: contiguous phrase of the answer, or words out of order / apart. */
  form?: 'phrase' | 'words';
  text: string;
  answer: number;
}

export interface Corpus {
  memories: BenchMemory[];
  queries: BenchQuery[];
}

export { rng } from '../lib/rng';
import { rng } from '../lib/rng';

const PROJECTS = ['atlas', 'borealis', 'cobalt', 'dynamo', 'ember', 'fjord', 'granite', 'harbor'];
const PROJECT_KEY: Record<string, string> = {
  atlas: 'ATL',
  borealis: 'BOR',
  cobalt: 'COB',
  dynamo: 'DYN',
  ember: 'EMB',
  fjord: 'FJD',
  granite: 'GRN',
  harbor: 'HBR',
};
const SUBSYSTEMS = [
  'invoice',
  'session',
  'webhook',
  'payment',
  'ledger',
  'upload',
  'thumbnail',
  'email',
  'audit',
  'billing',
  'cart',
  'checkout',
  'inventory',
  'report',
  'export',
  'tenant',
  'quota',
  'notification',
  'schedule',
  'metrics',
  'permission',
  'profile',
  'catalog',
  'shipment',
  'refund',
  'coupon',
  'subscription',
  'search',
  'avatar',
  'pricing',
];
const ROLES = [
  'renderer',
  'store',
  'dispatcher',
  'worker',
  'queue',
  'service',
  'controller',
  'scheduler',
  'resolver',
  'validator',
  'importer',
  'exporter',
  'gateway',
  'indexer',
  'poller',
  'syncer',
  'migrator',
  'client',
  'parser',
  'aggregator',
];
const TECHS = [
  'Redis',
  'Postgres',
  'SQLite',
  'Kafka',
  'RabbitMQ',
  'NATS',
  'gRPC',
  'GraphQL',
  'protobuf',
  'msgpack',
  'zstd',
  'Rust',
  'Go',
  'esbuild',
  'Vite',
  'pnpm',
  'Prisma',
  'Drizzle',
  'Knex',
  'OpenTelemetry',
  'Prometheus',
  'Grafana',
  'Sentry',
  'Temporal',
  'BullMQ',
  'MinIO',
  'Elasticsearch',
  'Meilisearch',
  'DuckDB',
  'ClickHouse',
];
const PURPOSES = [
  'caching',
  'fanout',
  'retries',
  'ordering',
  'deduplication',
  'throttling',
  'storage',
  'indexing',
  'serialization',
  'compression',
  'tracing',
  'alerting',
  'batching',
  'sharding',
  'backfills',
];
const REASONS = [
  'it halves p99 latency in the load test',
  'the team already runs it in production',
  'it survives a node restart without losing jobs',
  'its client has no native dependencies',
  'licensing of the alternative changed',
  'it keeps ordering per account',
  'benchmarks showed a third of the memory use',
  'it works offline on developer laptops',
  'the managed offering is cheaper at our volume',
  'it gives exactly-once delivery with idempotency keys',
  'its schema evolution rules are stricter',
  'the alternative needed a JVM sidecar',
];
const SYMPTOMS = [
  'deadlock',
  'timeout',
  'memory leak',
  'race condition',
  'double charge',
  'stale read',
  'null dereference',
  'connection reset',
  'OOM kill',
  'integer overflow',
  'clock skew',
  'infinite retry',
  'duplicate events',
  'lost update',
  'slow query',
  'cache stampede',
  'encoding error',
  'timezone drift',
  'descriptor leak',
  'panic',
  'segfault',
  'hang',
  'crash loop',
  'starvation',
  'backpressure stall',
  'schema drift',
  'partial write',
  'truncated payload',
  'zombie process',
  'port exhaustion',
  'handshake failure',
  'DNS flake',
  'certificate expiry',
  'rounding error',
  'normalisation bug',
  'heap fragmentation',
  'lock contention',
  'thundering herd',
  'phantom rows',
  'checksum mismatch',
];
const CONDITIONS = [
  'under load',
  'after deploy',
  'on cold start',
  'during failover',
  'with large batches',
  'on ARM runners',
  'when the tenant has no quota',
  'after the daylight saving change',
  'with concurrent writers',
  'on retry',
  'behind the corporate proxy',
  'in the nightly job',
  'when the queue is empty',
  'with emoji in names',
  'at month end',
  'on Windows paths',
  'with IPv6 only',
  'after token refresh',
  'with gzip enabled',
  'in read-only mode',
];
const CAUSES = [
  'two workers took the locks in opposite order',
  'the retry loop had no backoff cap',
  'a cached prepared statement outlived its connection',
  'the client reused a closed socket',
  'floating point was used for cents',
  'the cursor was not advanced after an empty page',
  'the timeout was in seconds, the caller passed milliseconds',
  'an unbounded in-memory buffer grew per request',
  'the migration ran before the old pods drained',
  'the hash was computed before trimming whitespace',
  'the handler was registered twice on hot reload',
  'UTC and local time were mixed in one comparison',
];
const FIXES = [
  'acquire the locks sorted by account id',
  'cap retries at five with jittered backoff',
  'prepare statements per connection',
  'check the socket state before reuse',
  'store amounts as integer cents',
  'advance the cursor on every page',
  'convert the timeout at the boundary',
  'stream the body with a fixed-size buffer',
  'gate the migration on a drained rollout',
  'trim before hashing and rehash old rows',
  'register the handler once in the module scope',
  'compare instants in UTC only',
];
const RULES = [
  'log with structured fields only',
  'never retry non-idempotent calls',
  'wrap every handler in the tracing span helper',
  'keep amounts as integer cents',
  'return typed errors, never strings',
  'validate inputs at the module boundary',
  'page with keyset cursors, never offsets',
  'name metrics with the service prefix',
  'put feature flags behind one accessor',
  'pin dependency versions exactly',
  'store timestamps as RFC 3339 in UTC',
  'read secrets from the environment only',
];
const VERBS = [
  'flush',
  'resolve',
  'drain',
  'reconcile',
  'hydrate',
  'rebuild',
  'prune',
  'retry',
  'encode',
  'verify',
  'shard',
  'compact',
  'replay',
  'snapshot',
  'throttle',
  'rotate',
  'seal',
  'warm',
  'expire',
  'dedupe',
];
const SETTINGS = [
  'RETRY_BUDGET_MS',
  'POOL_SIZE',
  'BATCH_LIMIT',
  'TTL_SECONDS',
  'MAX_INFLIGHT',
  'FLUSH_INTERVAL_MS',
  'LOCK_TIMEOUT_MS',
  'SHARD_COUNT',
  'PAGE_SIZE',
  'QUEUE_DEPTH',
];
const ERROR_PREFIXES = [
  'ERR_LOCK',
  'ERR_STREAM',
  'ERR_QUOTA',
  'ERR_STATE',
  'ERR_DECODE',
  'ERR_TLS',
  'ERR_POOL',
  'ERR_SCHEMA',
  'ERR_CLOCK',
  'ERR_IO',
];
const TASKS = [
  'the migration',
  'the rewrite',
  'the cleanup',
  'the split',
  'the rollout',
  'the backfill',
  'the upgrade',
  'the audit',
];
const LEFT = [
  'load testing',
  'the docs page',
  'a rollback script',
  'dashboard panels',
  'the flag removal',
  'a follow-up for old rows',
];

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
const hex = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');

/** Lower-cased whole words (letters/digits) of a text: the unit "contains all words" is checked on. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The text each server searches for a memory (Mnemos: topic+summary+keywords; peers: name+type+observation). */
export function searchable(m: BenchMemory): string {
  return `${m.topic}\n${m.entityName}\n${m.content}\n${m.keywords.join(' ')}`.toLowerCase();
}

/** The first `n` memories of the stream (deterministic for a seed). */
export function generateMemories(n: number, seed = 20240611): BenchMemory[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const used = new Set<string>();
  const unique = (make: () => string): string => {
    let s = '';
    for (let i = 0; i < 1000; i++) {
      s = make();
      if (!used.has(s.toLowerCase())) {
        used.add(s.toLowerCase());
        return s;
      }
    }
    // Past ≈ 30,000 memories some spaces run out (env names, tickets): a numbered variant, after the same
    // draws as before, so smaller corpora are unchanged. Needles stay unique: generateQueries checks.
    for (let k = 2; ; k++) {
      const v = `${s}${k}`;
      if (!used.has(v.toLowerCase())) {
        used.add(v.toLowerCase());
        return v;
      }
    }
  };
  const ticket = (project: string) => unique(() => `${PROJECT_KEY[project]}-${1000 + Math.floor(r() * 9000)}`);
  const sha = () => unique(() => hex(r, 7));
  const out: BenchMemory[] = [];
  for (let index = 0; index < n; index++) {
    const project = pick(PROJECTS);
    const subsys = pick(SUBSYSTEMS);
    const role = pick(ROLES);
    const x = r();
    const kind: Kind = x < 0.35 ? 'decision' : x < 0.7 ? 'error' : x < 0.9 ? 'convention' : 'context';
    const file = `src/${subsys}/${role}.ts`;
    let m: Omit<BenchMemory, 'index' | 'entityName' | 'slotWords'> & { slots: string[] };
    if (kind === 'decision') {
      const tech = pick(TECHS);
      let alt = pick(TECHS);
      while (alt === tech) alt = pick(TECHS);
      const purpose = pick(PURPOSES);
      const t = ticket(project);
      const env = unique(
        () => `${project.toUpperCase()}_${subsys.toUpperCase()}_${role.toUpperCase()}_${pick(SETTINGS)}`,
      );
      const content = `Decided to use ${tech} instead of ${alt} for ${subsys} ${role} ${purpose} in ${project}: ${pick(REASONS)}. Tracked in ${t}; tuned by ${env}.`;
      m = {
        kind,
        topic: `decisions-${project}`,
        importance: 'high',
        content,
        keywords: [tech.toLowerCase(), subsys, role, purpose],
        identifiers: [t, env],
        slots: [tech, alt, subsys, role, purpose],
      };
    } else if (kind === 'error') {
      const symptom = pick(SYMPTOMS);
      const code = unique(() => `${pick(ERROR_PREFIXES)}_${hex(r, 4).toUpperCase()}`);
      const commit = sha();
      const content = `${code}: ${subsys} ${role} ${symptom} ${pick(CONDITIONS)} in ${project}. Cause: ${pick(CAUSES)}. Fix: ${pick(FIXES)} in ${file} (commit ${commit}).`;
      m = {
        kind,
        topic: 'errors-resolved',
        importance: 'high',
        content,
        keywords: [subsys, role, ...words(symptom)],
        identifiers: [code, commit],
        slots: [subsys, role, ...symptom.split(' ')],
      };
    } else if (kind === 'convention') {
      const fn = unique(() => `${pick(VERBS)}${cap(subsys)}${cap(role)}${r() < 0.5 ? '' : cap(pick(PURPOSES))}`);
      const t = ticket(project);
      const preference = r() < 0.25;
      const content = `Convention in ${project}: ${pick(RULES)} for the ${subsys} ${role}; the helper ${fn}() in ${file} does it. Agreed in ${t}.`;
      m = {
        kind,
        topic: preference ? 'preferences' : `conventions-${project}`,
        importance: preference ? 'critical' : 'medium',
        content,
        keywords: [subsys, role, 'convention'],
        identifiers: [fn, t],
        slots: [subsys, role],
      };
    } else {
      const t = ticket(project);
      const branch = unique(() => `feat/${subsys}-${role}-${t.toLowerCase()}`);
      const task = pick(TASKS);
      const content = `Finished ${task} of the ${subsys} ${role} in ${project} on branch ${branch}; still open: ${pick(LEFT)} (${t}).`;
      m = {
        kind,
        topic: `context-${project}`,
        importance: 'medium',
        content,
        keywords: [subsys, role, words(task)[1]],
        identifiers: [branch, t],
        slots: [words(task)[1], subsys, role],
      };
    }
    const { slots, ...rest } = m;
    out.push({
      index,
      entityName: `${kind}-${String(index).padStart(5, '0')}`,
      slotWords: slots.map((s) => s.toLowerCase()),
      ...rest,
    });
  }
  return out;
}

/** Whole-word inverted index: word → ids of memories whose searchable text contains it. */
function wordIndex(memories: BenchMemory[]): Map<string, number[]> {
  const idx = new Map<string, number[]>();
  for (const m of memories) {
    for (const w of new Set(words(searchable(m)))) {
      const list = idx.get(w);
      if (list) list.push(m.index);
      else idx.set(w, [m.index]);
    }
  }
  return idx;
}

function withAll(idx: Map<string, number[]>, ws: string[]): number[] {
  const lists = ws.map((w) => idx.get(w.toLowerCase()) ?? []).sort((a, b) => a.length - b.length);
  let cur = new Set(lists[0]);
  for (const l of lists.slice(1)) {
    const s = new Set(l);
    cur = new Set([...cur].filter((i) => s.has(i)));
  }
  return [...cur];
}

function substringCount(memories: BenchMemory[], needle: string): number {
  const n = needle.toLowerCase();
  let c = 0;
  for (const m of memories) if (searchable(m).includes(n)) c++;
  return c;
}

/** `needles` identifier queries and `naturals` word queries over the first N memories, each with exactly one answer. */
export function generateQueries(memories: BenchMemory[], needles = 100, naturals = 100, seed = 77): BenchQuery[] {
  const r = rng(seed + memories.length);
  const idx = wordIndex(memories);
  const queries: BenchQuery[] = [];
  const usedTargets = new Set<number>();
  let guard = 0;
  while (queries.length < needles) {
    if (++guard > needles * 100) throw new Error('could not find enough unique needles');
    const m = memories[Math.floor(r() * memories.length)];
    if (usedTargets.has(m.index)) continue;
    const id = m.identifiers[Math.floor(r() * m.identifiers.length)];
    if (substringCount(memories, id) !== 1) continue;
    usedTargets.add(m.index);
    queries.push({ kind: 'needle', text: id, answer: m.index });
  }
  guard = 0;
  usedTargets.clear(); // a natural query may share its answer with a needle, never with another natural query
  let phrases = 0;
  let scattered = 0;
  while (phrases + scattered < naturals) {
    if (++guard > naturals * 1000) throw new Error('could not find enough unique natural queries');
    const m = memories[Math.floor(r() * memories.length)];
    if (usedTargets.has(m.index)) continue;
    const wantPhrase = phrases < naturals / 2;
    const content = words(m.content);
    let q: string[] | undefined;
    if (wantPhrase) {
      // A contiguous run of 2–3 slot words as it reads in the memory (e.g. "webhook dispatcher deadlock").
      const len = r() < 0.5 ? 2 : 3;
      const starts: number[] = [];
      for (let i = 0; i + len <= content.length; i++) {
        if (content.slice(i, i + len).every((w) => m.slotWords.includes(w))) starts.push(i);
      }
      if (!starts.length) continue;
      const s = starts[Math.floor(r() * starts.length)];
      q = content.slice(s, s + len);
    } else {
      // 2–3 slot words, not a contiguous run in the memory's order (e.g. "deadlock ledger" for "ledger worker deadlock").
      const len = r() < 0.5 ? 2 : 3;
      const pool = [...new Set(m.slotWords)];
      if (pool.length < len) continue;
      q = [];
      while (q.length < len) {
        const w = pool[Math.floor(r() * pool.length)];
        if (!q.includes(w)) q.push(w);
      }
      const text = q.join(' ');
      if (content.join(' ').includes(text)) continue;
    }
    const text = q.join(' ');
    const hits = withAll(idx, q);
    if (hits.length !== 1 || hits[0] !== m.index) continue;
    if (wantPhrase && substringCount(memories, text) !== 1) continue;
    usedTargets.add(m.index);
    queries.push({ kind: 'natural', form: wantPhrase ? 'phrase' : 'words', text, answer: m.index });
    if (wantPhrase) phrases++;
    else scattered++;
  }
  return queries;
}

export function generateCorpus(n: number): Corpus {
  const memories = generateMemories(n);
  return { memories, queries: generateQueries(memories) };
}
