// Vocabulary for decision memories: technology choices (category × from/to × reason) and config knobs.
// `para` texts are hand-written descriptions that avoid the words the memories use (lexical-gap queries).

export type Trait = 'lib' | 'net' | 'vendor' | 'tool' | 'infra' | 'ui';

export interface Category {
  id: string;
  /** How a developer names the category in a memory. */
  label: string;
  names: string[];
  /** Noun phrases for the same thing without its label or names. */
  para: string[];
  traits: Trait[];
}

export const CATEGORIES: Category[] = [
  {
    id: 'http',
    label: 'HTTP client',
    names: ['axios', 'node-fetch', 'undici', 'got', 'ky', 'superagent'],
    traits: ['lib', 'net'],
    para: ['the library we call other services with', 'what we make outbound requests through'],
  },
  {
    id: 'orm',
    label: 'ORM',
    names: ['Prisma', 'TypeORM', 'Drizzle', 'Sequelize', 'Knex', 'MikroORM'],
    traits: ['lib'],
    para: ['the layer mapping tables to objects', 'how our code reads and writes rows through models'],
  },
  {
    id: 'test',
    label: 'test runner',
    names: ['Jest', 'Vitest', 'Mocha', 'AVA', 'tap'],
    traits: ['tool'],
    para: ['what executes our unit specs', 'the framework that runs the spec suite'],
  },
  {
    id: 'bundler',
    label: 'bundler',
    names: ['webpack', 'esbuild', 'Rollup', 'Vite', 'tsup', 'Parcel'],
    traits: ['tool'],
    para: ['the tool that packs frontend assets for shipping', 'what compiles and concatenates our browser code'],
  },
  {
    id: 'logger',
    label: 'logging library',
    names: ['winston', 'pino', 'bunyan', 'log4js', 'signale'],
    traits: ['lib'],
    para: ['how we emit structured diagnostics', 'the thing that prints our JSON event lines'],
  },
  {
    id: 'dates',
    label: 'date library',
    names: ['moment', 'date-fns', 'dayjs', 'Luxon', 'js-joda'],
    traits: ['lib', 'ui'],
    para: ['what we use to format and shift timestamps', 'the calendar arithmetic helper'],
  },
  {
    id: 'validation',
    label: 'schema validation',
    names: ['Joi', 'zod', 'yup', 'ajv', 'valibot'],
    traits: ['lib'],
    para: ['how we check that request bodies are well formed', 'what verifies incoming payload shapes'],
  },
  {
    id: 'state',
    label: 'state management',
    names: ['Redux', 'Zustand', 'MobX', 'Jotai', 'Recoil'],
    traits: ['lib', 'ui'],
    para: ['where the frontend keeps shared UI data', 'the client-side holder of app-wide values'],
  },
  {
    id: 'queue',
    label: 'job queue',
    names: ['BullMQ', 'RabbitMQ', 'Amazon SQS', 'Kafka', 'Agenda', 'pg-boss'],
    traits: ['infra', 'net'],
    para: ['what runs background work asynchronously', 'how deferred tasks get processed later'],
  },
  {
    id: 'cache',
    label: 'cache',
    names: ['Redis', 'Memcached', 'KeyDB', 'Valkey', 'Dragonfly'],
    traits: ['infra', 'net'],
    para: [
      'the fast in-memory key-value layer in front of the database',
      'where hot lookups are kept to avoid recomputing',
    ],
  },
  {
    id: 'pkgmgr',
    label: 'package manager',
    names: ['npm', 'pnpm', 'Yarn', 'Bun', 'Yarn Berry'],
    traits: ['tool'],
    para: ['the tool that installs our dependencies', 'what resolves and downloads third-party modules'],
  },
  {
    id: 'css',
    label: 'styling approach',
    names: ['Tailwind', 'styled-components', 'CSS Modules', 'Sass', 'vanilla-extract', 'Emotion'],
    traits: ['lib', 'ui'],
    para: ['how we write the look of UI pieces', 'what we use for colours, margins and layout rules'],
  },
  {
    id: 'linter',
    label: 'linter',
    names: ['ESLint', 'Biome', 'oxlint', 'TSLint', 'StandardJS'],
    traits: ['tool'],
    para: ['the static checker that flags bad code patterns', 'what complains about unused variables before review'],
  },
  {
    id: 'formatter',
    label: 'formatter',
    names: ['Prettier', 'dprint', 'Biome', 'clang-format', 'rome'],
    traits: ['tool'],
    para: ['the tool that rewrites whitespace and quotes automatically', 'what normalises code layout on save'],
  },
  {
    id: 'db',
    label: 'primary database',
    names: ['PostgreSQL', 'MySQL', 'MongoDB', 'DynamoDB', 'CockroachDB', 'SQL Server'],
    traits: ['infra', 'vendor'],
    para: ['where the durable records live', 'the main system of record'],
  },
  {
    id: 'auth',
    label: 'auth provider',
    names: ['Auth0', 'Keycloak', 'Clerk', 'Cognito', 'Ory Kratos', 'Firebase Auth'],
    traits: ['vendor', 'net'],
    para: ['who handles sign-in and identity for users', 'the login and account service we delegate to'],
  },
  {
    id: 'web',
    label: 'web framework',
    names: ['Express', 'Fastify', 'Koa', 'Hono', 'NestJS', 'hapi'],
    traits: ['lib', 'net'],
    para: ['the server library that routes incoming calls', 'what our backend endpoints are built on'],
  },
  {
    id: 'ci',
    label: 'CI system',
    names: ['GitHub Actions', 'CircleCI', 'Jenkins', 'GitLab CI', 'Buildkite', 'Travis'],
    traits: ['tool', 'vendor'],
    para: ['what builds and checks every pull request', 'the automation that runs on each push'],
  },
  {
    id: 'hosting',
    label: 'hosting platform',
    names: ['Vercel', 'Fly.io', 'Render', 'AWS ECS', 'Heroku', 'Kubernetes on GKE'],
    traits: ['infra', 'vendor'],
    para: ['where the thing is deployed and served from', 'the provider running live traffic'],
  },
  {
    id: 'flags',
    label: 'feature flag service',
    names: ['LaunchDarkly', 'Unleash', 'GrowthBook', 'Flagsmith', 'ConfigCat'],
    traits: ['vendor', 'net'],
    para: ['how we toggle unfinished work on and off per customer', 'the switchboard for gradual rollouts'],
  },
  {
    id: 'errors',
    label: 'error tracking',
    names: ['Sentry', 'Rollbar', 'Bugsnag', 'Honeybadger', 'Raygun'],
    traits: ['vendor', 'net'],
    para: ['what collects crashes and exceptions from live users', 'where stack traces get reported'],
  },
  {
    id: 'monorepo',
    label: 'monorepo tool',
    names: ['Nx', 'Turborepo', 'Lerna', 'Rush', 'moon'],
    traits: ['tool'],
    para: [
      'what orchestrates builds across the workspace packages',
      'the task runner for the many packages in one repository',
    ],
  },
  {
    id: 'api',
    label: 'API style',
    names: ['REST', 'GraphQL', 'tRPC', 'gRPC', 'JSON-RPC'],
    traits: ['net'],
    para: [
      'how clients and servers exchange calls',
      'the protocol shape of our interfaces between frontends and backends',
    ],
  },
  {
    id: 'e2e',
    label: 'end-to-end testing',
    names: ['Cypress', 'Playwright', 'Puppeteer', 'Selenium', 'WebdriverIO', 'TestCafe'],
    traits: ['tool'],
    para: ['what drives a real browser to check user flows', 'the automation for clicking through the UI'],
  },
  {
    id: 'search',
    label: 'search engine',
    names: ['Elasticsearch', 'Meilisearch', 'Typesense', 'Algolia', 'OpenSearch'],
    traits: ['infra', 'vendor', 'net'],
    para: ['what powers full-text lookup for users', 'the engine behind the find-as-you-type box'],
  },
  {
    id: 'payments',
    label: 'payment processor',
    names: ['Stripe', 'Adyen', 'Braintree', 'Paddle', 'Checkout.com'],
    traits: ['vendor', 'net'],
    para: ["who charges customers' cards", 'the company that moves money at checkout'],
  },
  {
    id: 'email',
    label: 'email provider',
    names: ['SendGrid', 'Postmark', 'Amazon SES', 'Mailgun', 'Resend'],
    traits: ['vendor', 'net'],
    para: ['what delivers transactional messages to inboxes', 'the outbound mail sender'],
  },
  {
    id: 'metrics',
    label: 'metrics backend',
    names: ['Prometheus', 'Datadog', 'New Relic', 'Grafana Cloud', 'Honeycomb'],
    traits: ['vendor', 'infra'],
    para: ['where latency charts and counters come from', 'the observability vendor for time series'],
  },
  {
    id: 'secrets',
    label: 'secrets manager',
    names: ['HashiCorp Vault', 'AWS Secrets Manager', 'Doppler', '1Password Connect', 'Infisical'],
    traits: ['vendor', 'infra'],
    para: ['where credentials and keys are kept', 'how passwords reach the running containers'],
  },
  {
    id: 'image',
    label: 'container base image',
    names: ['alpine', 'distroless', 'debian-slim', 'ubuntu', 'chainguard'],
    traits: ['infra'],
    para: ['the OS layer our Docker builds start from', "what the Dockerfile's FROM line points at"],
  },
  {
    id: 'i18n',
    label: 'i18n library',
    names: ['i18next', 'FormatJS', 'LinguiJS', 'Polyglot', 'typesafe-i18n'],
    traits: ['lib', 'ui'],
    para: ['how we translate UI strings into other languages', 'the localisation toolkit'],
  },
  {
    id: 'charts',
    label: 'charting library',
    names: ['Chart.js', 'Recharts', 'ECharts', 'D3', 'visx', 'Highcharts'],
    traits: ['lib', 'ui'],
    para: ['what draws graphs and plots in the UI', 'the library for bar and line visualisations'],
  },
  {
    id: 'forms',
    label: 'form library',
    names: ['React Hook Form', 'Formik', 'Final Form', 'TanStack Form'],
    traits: ['lib', 'ui'],
    para: ['how we manage input fields and submission state', 'the helper for user-entered fields and their errors'],
  },
  {
    id: 'fetching',
    label: 'data fetching layer',
    names: ['TanStack Query', 'SWR', 'Apollo Client', 'RTK Query', 'urql'],
    traits: ['lib', 'ui', 'net'],
    para: ['how the frontend caches server responses', 'what keeps remote results fresh in React views'],
  },
  {
    id: 'scheduler',
    label: 'cron scheduler',
    names: ['node-cron', 'Temporal', 'Kubernetes CronJob', 'EventBridge Scheduler', 'Airflow'],
    traits: ['infra'],
    para: ['what triggers nightly jobs at fixed times', 'the thing that kicks off periodic tasks'],
  },
  {
    id: 'migrations',
    label: 'migration tool',
    names: ['Flyway', 'Liquibase', 'node-pg-migrate', 'Atlas', 'dbmate', 'Umzug'],
    traits: ['tool'],
    para: ['how schema changes get applied to the tables', 'what evolves the relational structure between releases'],
  },
  {
    id: 'mobile',
    label: 'mobile framework',
    names: ['React Native', 'Flutter', 'Expo', 'Capacitor', 'Ionic'],
    traits: ['ui'],
    para: ['what the phone clients are written with', 'the cross-platform toolkit for iOS and Android'],
  },
  {
    id: 'docs',
    label: 'docs generator',
    names: ['Docusaurus', 'VitePress', 'MkDocs', 'Astro Starlight', 'Nextra', 'GitBook'],
    traits: ['tool'],
    para: ['what builds the documentation website', 'the static generator for our manuals'],
  },
  {
    id: 'tsrun',
    label: 'TypeScript runner',
    names: ['ts-node', 'tsx', 'swc-node', 'Bun', 'esbuild-register'],
    traits: ['tool'],
    para: ['how we execute .ts files directly during development', 'what runs uncompiled sources in dev'],
  },
  {
    id: 'storage',
    label: 'object storage',
    names: ['S3', 'Google Cloud Storage', 'Cloudflare R2', 'MinIO', 'Azure Blob Storage'],
    traits: ['infra', 'vendor'],
    para: ['where uploaded files and images are kept', 'the bucket service for user attachments'],
  },
];

export interface Reason {
  id: string;
  /** Memory text; {old}/{new} are the library names. */
  text: string;
  /** Clauses for queries, without the memory's words. */
  para: string[];
  fits: Trait[];
}

export const REASONS: Reason[] = [
  {
    id: 'unmaintained',
    text: '{old} is unmaintained (no release in two years)',
    fits: ['lib', 'tool', 'ui'],
    para: ['the previous one was abandoned by its authors', 'nobody looked after the earlier package anymore'],
  },
  {
    id: 'licence',
    text: '{old} changed its licence to a non-open-source one',
    fits: ['lib', 'tool', 'infra'],
    para: ["the earlier project's legal terms became restrictive", 'the old choice stopped being free software'],
  },
  {
    id: 'bundle',
    text: '{old} added 180 KB to the bundle',
    fits: ['lib', 'ui'],
    para: [
      'the previous choice made the shipped browser code too heavy',
      'the earlier one bloated what users download',
    ],
  },
  {
    id: 'leak',
    text: '{old} leaked memory under sustained load',
    fits: ['lib', 'net', 'infra'],
    para: [
      'the earlier one kept growing RAM until the process got killed',
      'the old option ate more and more heap over time',
    ],
  },
  {
    id: 'coldstart',
    text: 'cold starts with {old} took over 2 seconds',
    fits: ['lib', 'tool', 'net'],
    para: ['boot was sluggish with the earlier option', 'the previous one made startup painfully slow'],
  },
  {
    id: 'types',
    text: "{old}'s TypeScript types were incomplete and full of any",
    fits: ['lib', 'ui', 'net'],
    para: ['the earlier package had weak static typings', 'the old one gave the compiler almost no help'],
  },
  {
    id: 'cve',
    text: '{old} had a critical CVE with no patch',
    fits: ['lib', 'net', 'infra', 'tool'],
    para: [
      'there was an unfixed security hole in the previous dependency',
      'a serious vulnerability in the old choice stayed open',
    ],
  },
  {
    id: 'esm',
    text: '{old} does not support ESM',
    fits: ['lib', 'tool'],
    para: ['the old one only shipped CommonJS', 'the previous package could not be imported as a native module'],
  },
  {
    id: 'familiar',
    text: '{new} is what most of the team already knows',
    fits: ['lib', 'tool', 'ui', 'vendor', 'infra', 'net'],
    para: [
      'people were already comfortable with the replacement',
      'our engineers had prior experience with the newcomer',
    ],
  },
  {
    id: 'pricing',
    text: "{old}'s pricing tripled at our volume",
    fits: ['vendor'],
    para: ["the vendor's bill went way up", 'the previous supplier became far too expensive'],
  },
  {
    id: 'flaky',
    text: '{old} was flaky in CI, failing about 1 run in 20',
    fits: ['tool'],
    para: [
      'the previous option made automated checks fail randomly',
      'the earlier one produced intermittent red builds',
    ],
  },
  {
    id: 'faster',
    text: '{new} is twice as fast in our benchmark',
    fits: ['lib', 'tool', 'infra', 'net'],
    para: [
      'the replacement performed much better when we measured it',
      'the newcomer halved the timings in our measurements',
    ],
  },
  {
    id: 'node20',
    text: '{old} broke on Node 20',
    fits: ['lib', 'tool'],
    para: [
      'the earlier package stopped working after we upgraded the runtime',
      'the old one was incompatible with the newer JavaScript engine release',
    ],
  },
  {
    id: 'cancel',
    text: '{old} had no way to cancel in-flight requests',
    fits: ['net'],
    para: [
      "you couldn't abort an operation midway with the earlier one",
      'the old option offered no abort for pending calls',
    ],
  },
  {
    id: 'streaming',
    text: '{new} has first-class support for streaming',
    fits: ['net'],
    para: [
      'the replacement handles incremental chunked responses natively',
      'the newcomer can process data piece by piece as it arrives',
    ],
  },
  {
    id: 'boilerplate',
    text: "{old}'s API forced a lot of boilerplate",
    fits: ['lib', 'ui'],
    para: [
      'the previous library needed too much repetitive setup code',
      'the earlier one made us write the same ceremony everywhere',
    ],
  },
  {
    id: 'arm',
    text: '{old} had no support for our ARM build machines',
    fits: ['tool', 'infra'],
    para: [
      "the old choice couldn't run on the new Graviton and Apple silicon hosts",
      'the earlier option lacked binaries for our new processor architecture',
    ],
  },
  {
    id: 'swallow',
    text: '{old} silently swallowed errors',
    fits: ['lib', 'net', 'tool'],
    para: [
      'failures vanished without a trace with the previous tool',
      'problems went unreported when we used the earlier one',
    ],
  },
  {
    id: 'residency',
    text: '{new} lets us self-host and keep data in the EU',
    fits: ['vendor'],
    para: [
      'we needed to run it ourselves for residency reasons in Europe',
      'customer information had to stay within European borders on our own servers',
    ],
  },
  {
    id: 'docs',
    text: "{old}'s docs were outdated and misleading",
    fits: ['lib', 'tool', 'vendor'],
    para: [
      "the earlier tool's manual was stale and wrong",
      'the previous option was badly explained by its own guides',
    ],
  },
  {
    id: 'slowtests',
    text: '{old} made the test suite take 14 minutes',
    fits: ['tool'],
    para: [
      'the earlier one made our checks painfully slow to finish',
      'verification runs dragged on far too long with the previous option',
    ],
  },
  {
    id: 'native',
    text: '{old} required a native build step that kept failing on Windows',
    fits: ['lib', 'tool'],
    para: [
      "compiling the previous dependency's C++ addon broke on developers' PCs",
      'the earlier package needed a compiler toolchain that Microsoft machines lacked',
    ],
  },
  {
    id: 'otel',
    text: '{new} integrates with our OpenTelemetry tracing out of the box',
    fits: ['net', 'infra', 'vendor'],
    para: [
      'the replacement plugs into our distributed request tracking with no extra work',
      'the newcomer emits spans for our observability setup automatically',
    ],
  },
  {
    id: 'concurrency',
    text: '{old} could not handle more than a few hundred concurrent connections',
    fits: ['net', 'infra'],
    para: [
      'the earlier option fell over when many clients hit it simultaneously',
      'the previous one collapsed under lots of parallel users',
    ],
  },
  {
    id: 'churn',
    text: '{old} had a breaking major release every few months',
    fits: ['lib', 'tool', 'ui'],
    para: [
      'the previous package kept changing its interface incompatibly',
      'upgrading the earlier one constantly required rewrites',
    ],
  },
  {
    id: 'daemon',
    text: '{old} needed a separate daemon in every environment',
    fits: ['infra', 'tool'],
    para: [
      'the earlier option required running an extra background process everywhere',
      'the previous one meant operating one more long-lived server per stage',
    ],
  },
  {
    id: 'a11y',
    text: "{old}'s components failed our accessibility audit",
    fits: ['ui'],
    para: [
      'the previous one was unusable with screen readers and keyboards',
      'the earlier choice excluded users with disabilities',
    ],
  },
  {
    id: 'ssr',
    text: '{old} broke server-side rendering',
    fits: ['ui'],
    para: [
      'the previous one only worked in the browser, not when pre-rendering HTML on the backend',
      'pages generated ahead on the backend crashed with the earlier choice',
    ],
  },
  {
    id: 'outage',
    text: '{old} had three multi-hour outages last quarter',
    fits: ['vendor'],
    para: [
      'the previous supplier was down for hours several times recently',
      'the earlier provider kept going offline for long stretches',
    ],
  },
  {
    id: 'support',
    text: "{old}'s support took a week to answer a P1 ticket",
    fits: ['vendor'],
    para: [
      'the previous supplier responded far too slowly when production was on fire',
      'the earlier vendor ignored our urgent help requests for days',
    ],
  },
];

/** Extra sentences that make memories longer and more varied (no query ever depends on them). */
export const DECISION_TAILS = [
  'Migration tracked in {ticket}.',
  'Revisit if {new} stops being maintained.',
  '{person} signed off on this in the architecture review.',
  'All new code must use {new}; remaining {old} imports are being removed.',
  'ADR written in docs/adr/{adr}.md.',
  'Benchmarked on {date}; numbers are in the PR description.',
  'Rollout behind a flag first, then 100% after a week.',
  'Do not reintroduce {old} without discussing it first.',
];

export const DECISION_FORMS = [
  'Switched the {label} from {old} to {new} because {reason}.',
  'Decided: {new} replaces {old} as our {label}; {reason}.',
  'We moved off {old} to {new} for the {label}, since {reason}.',
  'Chose {new} over {old} as the {label}. Reason: {reason}.',
  '{label}: {old} out, {new} in. Why: {reason}.',
];

/** Hard distractors: same names and category, but the decision went the other way. */
export const NEAR_MISS_FORMS = [
  'Evaluated {new} as the {label} but stayed on {old}: {why}.',
  'Spiked {new} for the {label} for two days; not adopted, {old} stays because {why}.',
];
export const NEAR_MISS_WHYS = [
  'the migration cost was too high for this quarter',
  'it lacked a plugin we depend on',
  'the gain was under 5% in our measurements',
  'nobody had time to own the change',
  'its API is still pre-1.0',
];

export interface Knob {
  id: string;
  label: string;
  values: [string, string][];
  para: string[];
}
export const KNOBS: Knob[] = [
  {
    id: 'pool',
    label: 'DB connection pool size',
    values: [
      ['10', '25'],
      ['20', '8'],
      ['5', '15'],
    ],
    para: [
      'how many simultaneous links to Postgres each instance holds',
      'the number of open sessions our process keeps to the relational store',
    ],
  },
  {
    id: 'keepalive',
    label: 'HTTP keep-alive timeout',
    values: [
      ['5 s', '65 s'],
      ['60 s', '10 s'],
    ],
    para: [
      'how long idle client sockets stay open on the web tier',
      'the lingering time of unused persistent TCP links',
    ],
  },
  {
    id: 'bodylimit',
    label: 'request body size limit',
    values: [
      ['100 KB', '5 MB'],
      ['1 MB', '25 MB'],
    ],
    para: ['the biggest upload payload we accept', 'how large an incoming POST may be'],
  },
  {
    id: 'jwt',
    label: 'access token lifetime',
    values: [
      ['1 h', '15 min'],
      ['24 h', '1 h'],
    ],
    para: ['how long a sign-in credential stays valid', 'the expiry of bearer credentials issued at login'],
  },
  {
    id: 'cookie',
    label: 'session cookie max age',
    values: [
      ['30 days', '7 days'],
      ['1 day', '14 days'],
    ],
    para: ['how long people remain logged in on the browser', 'when the browser forgets the logged-in state'],
  },
  {
    id: 'webhookretries',
    label: 'webhook retry count',
    values: [
      ['3', '8'],
      ['10', '5'],
    ],
    para: [
      'how many times we re-send a failed callback to integrators',
      'attempts made when a partner URL does not acknowledge a notification',
    ],
  },
  {
    id: 'ratelimit',
    label: 'rate limit per API key',
    values: [
      ['100/min', '600/min'],
      ['1000/min', '300/min'],
    ],
    para: ['how many calls a client may make each minute', 'the throttling threshold for each integrator credential'],
  },
  {
    id: 'cachettl',
    label: 'cache TTL for product listings',
    values: [
      ['1 h', '5 min'],
      ['30 s', '10 min'],
    ],
    para: ['how long cached catalogue results live', 'when memoised catalogue pages expire'],
  },
  {
    id: 'node',
    label: 'Node.js version',
    values: [
      ['18', '20'],
      ['20', '22'],
      ['16', '18'],
    ],
    para: ['the JavaScript runtime release we run on', 'which V8-based engine generation the services use'],
  },
  {
    id: 'loglevel',
    label: 'production log level',
    values: [
      ['debug', 'info'],
      ['info', 'warn'],
    ],
    para: ['how verbose live diagnostics are', 'the amount of detail printed by running services'],
  },
  {
    id: 'replicas',
    label: 'replica count',
    values: [
      ['2', '4'],
      ['6', '3'],
    ],
    para: ['how many copies of the service run', 'the number of pods serving traffic'],
  },
  {
    id: 'cpulimit',
    label: 'CPU limit',
    values: [
      ['500m', '1 core'],
      ['2 cores', '1 core'],
    ],
    para: ['the processor allowance per container', 'how much compute each pod may burn'],
  },
  {
    id: 'shards',
    label: 'CI test shard count',
    values: [
      ['1', '4'],
      ['8', '4'],
    ],
    para: [
      'how many parallel slices the automated checks are split into',
      'the number of machines sharing the spec run',
    ],
  },
  {
    id: 'bcrypt',
    label: 'bcrypt cost factor',
    values: [
      ['10', '12'],
      ['14', '12'],
    ],
    para: ['how expensive computing stored credential digests is', 'the work factor for password hashing'],
  },
  {
    id: 'pagesize',
    label: 'default page size',
    values: [
      ['100', '25'],
      ['20', '50'],
    ],
    para: [
      'how many items a list endpoint returns per call by default',
      'the number of rows in one batch of paginated results',
    ],
  },
  {
    id: 'stmttimeout',
    label: 'Postgres statement_timeout',
    values: [
      ['none', '30 s'],
      ['5 min', '60 s'],
    ],
    para: [
      'how long a single SQL query may run before being cancelled',
      'the cap on execution time for one database command',
    ],
  },
  {
    id: 'concurrency',
    label: 'email worker concurrency',
    values: [
      ['1', '10'],
      ['50', '20'],
    ],
    para: ['how many outgoing messages are processed in parallel', 'the number of simultaneous mail jobs'],
  },
  {
    id: 'backups',
    label: 'backup retention',
    values: [
      ['7 days', '35 days'],
      ['90 days', '30 days'],
    ],
    para: ['how long we keep database snapshots', 'the age after which restore points are deleted'],
  },
  {
    id: 'tls',
    label: 'minimum TLS version',
    values: [
      ['1.0', '1.2'],
      ['1.2', '1.3'],
    ],
    para: ['the oldest encrypted transport protocol clients may use', 'which handshake generations we still accept'],
  },
  {
    id: 'wsidle',
    label: 'WebSocket idle timeout',
    values: [
      ['60 s', '300 s'],
      ['10 min', '2 min'],
    ],
    para: ['when quiet realtime connections get closed', 'how long a silent live socket survives'],
  },
  {
    id: 'heap',
    label: 'max-old-space-size',
    values: [
      ['2048', '4096'],
      ['8192', '3072'],
    ],
    para: ['the heap ceiling given to the V8 engine', 'how much RAM the JavaScript process may allocate'],
  },
  {
    id: 'flagpoll',
    label: 'feature flag polling interval',
    values: [
      ['30 s', '5 min'],
      ['5 min', '15 s'],
    ],
    para: ['how often toggles are refreshed from the rollout service', 'the refresh period for switch values'],
  },
  {
    id: 'retrybackoff',
    label: 'retry backoff base',
    values: [
      ['100 ms', '500 ms'],
      ['1 s', '250 ms'],
    ],
    para: ['the first wait before trying a failed call again', 'the initial delay in our exponential repeat strategy'],
  },
  {
    id: 'uploads',
    label: 'max image upload dimensions',
    values: [
      ['4096 px', '8192 px'],
      ['10000 px', '4000 px'],
    ],
    para: ['the largest picture resolution we accept', 'how big user photos may be in pixels'],
  },
];

export interface KnobWhy {
  id: string;
  text: string;
  para: string[];
}
export const KNOB_WHYS: KnobWhy[] = [
  {
    id: 'peak',
    text: 'requests queued at peak traffic',
    para: ['things backed up during the busiest hours', 'calls piled up at rush time'],
  },
  {
    id: 'provider',
    text: "we hit the provider's limit",
    para: ["the upstream vendor's cap was exceeded", 'the third party throttled us'],
  },
  {
    id: 'security',
    text: 'the security review asked for it',
    para: ['the auditors required it', 'a compliance assessment demanded it'],
  },
  {
    id: 'p99',
    text: 'p99 latency was over 2 s',
    para: ['the slowest responses took far too long', 'tail response times were terrible'],
  },
  {
    id: 'memory',
    text: 'memory usage doubled',
    para: ['RAM consumption grew too much', 'the process footprint ballooned'],
  },
  {
    id: 'nightly',
    text: 'the old value caused timeouts in the nightly import',
    para: ['overnight ingestion kept failing for time reasons', 'the batch load after midnight kept expiring'],
  },
  {
    id: 'cost',
    text: 'we were paying for idle capacity',
    para: ['we spent money on unused resources', 'the cloud bill showed waste'],
  },
  {
    id: 'lb',
    text: "to match the load balancer's setting",
    para: ['we wanted to agree with the proxy in front', 'the ingress and the app had to be aligned'],
  },
  {
    id: 'incident',
    text: 'incident {inc} showed the old value was wrong',
    para: ['a postmortem found the previous setting harmful', 'an outage review recommended it'],
  },
  {
    id: 'complaints',
    text: 'customers complained in support tickets',
    para: ['users kept grumbling to the helpdesk', 'clients raised it with our service desk repeatedly'],
  },
  {
    id: 'flaky',
    text: 'it made CI flaky',
    para: ['automated checks failed at random because of it', 'builds were intermittently red'],
  },
  {
    id: 'mobile',
    text: 'mobile clients on slow networks timed out',
    para: ['phones on poor connections gave up waiting', 'app users with weak signal saw failures'],
  },
];
