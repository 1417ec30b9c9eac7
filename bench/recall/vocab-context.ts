// Vocabulary for context/architecture memories: projects, their components, settings, links and progress notes.

export interface Project {
  name: string;
  pm: 'npm' | 'pnpm' | 'yarn';
  stack: string;
  /** What it owns, as the memory says it. */
  purpose: string;
  /** The same, in other words (for queries). */
  purposePara: string;
  team: string;
  host: string;
}

export const PROJECTS: Project[] = [
  { name: 'billing-api', pm: 'pnpm', stack: 'a Fastify service in TypeScript on PostgreSQL', team: 'Revenue', host: 'EKS',
    purpose: 'invoicing, subscription renewals and proration', purposePara: 'charging customers monthly and splitting costs when someone changes plan mid-cycle' },
  { name: 'web-dashboard', pm: 'pnpm', stack: 'a Next.js app in TypeScript', team: 'Frontend', host: 'Vercel',
    purpose: 'the customer-facing dashboard: usage charts, settings and team management', purposePara: 'the browser UI clients sign into to see their consumption and manage colleagues' },
  { name: 'mobile-app', pm: 'yarn', stack: 'a React Native app (iOS and Android)', team: 'Mobile', host: 'App Store and Play Store',
    purpose: 'the native client for phones', purposePara: 'the thing people install on their handsets' },
  { name: 'auth-service', pm: 'pnpm', stack: 'a NestJS service on PostgreSQL and Redis', team: 'Identity', host: 'EKS',
    purpose: 'login, sessions, SSO (SAML/OIDC) and API keys', purposePara: 'signing people in, enterprise single sign-on and integrator credentials' },
  { name: 'search-indexer', pm: 'npm', stack: 'a Node.js worker consuming Kafka', team: 'Discovery', host: 'EKS',
    purpose: 'keeping the Elasticsearch indices in sync with product changes', purposePara: 'updating the full-text lookup whenever catalogue records change' },
  { name: 'data-pipeline', pm: 'npm', stack: 'Python jobs orchestrated by Airflow', team: 'Data', host: 'Cloud Composer',
    purpose: 'nightly ETL from Postgres into the BigQuery warehouse', purposePara: 'copying live records into the analytics store once a day' },
  { name: 'notify-service', pm: 'pnpm', stack: 'a Node.js service with BullMQ workers', team: 'Engagement', host: 'EKS',
    purpose: 'email, push and SMS notifications with per-user preferences', purposePara: 'contacting people on their phone or inbox' },
  { name: 'inventory-api', pm: 'npm', stack: 'an Express service on MySQL', team: 'Fulfilment', host: 'ECS',
    purpose: 'stock levels, reservations and warehouse locations', purposePara: 'tracking how many items sit on shelves and holding them for orders' },
  { name: 'admin-portal', pm: 'yarn', stack: 'a React SPA with a small Express BFF', team: 'Support Tools', host: 'ECS',
    purpose: 'the internal back-office for support staff: refunds, impersonation and account merges', purposePara: 'the in-house console our helpdesk people use to repair client profiles' },
  { name: 'payments-gateway', pm: 'pnpm', stack: 'a Go-fronted TypeScript service on PostgreSQL', team: 'Payments', host: 'EKS',
    purpose: 'card payments, 3-D Secure and seller payouts via Stripe', purposePara: 'accepting credit and debit transactions and paying out to merchants' },
  { name: 'docs-site', pm: 'npm', stack: 'a static site built with webpack 4 and MDX', team: 'DevRel', host: 'Cloudflare Pages',
    purpose: 'public developer documentation and the API reference', purposePara: 'the public manual for integrators' },
  { name: 'design-system', pm: 'pnpm', stack: 'a React component library with Storybook', team: 'Frontend', host: 'the private registry',
    purpose: 'shared React components and design tokens', purposePara: 'the reusable buttons, colours and UI building blocks other frontends import' },
];

export interface Component {
  project: string;
  name: string;
  path: string;
  does: string;
  /** A question about it that avoids its words. */
  para?: string;
  /** A question with one shared identifier. */
  mixed?: string;
  /** Keyword query when path + name are too generic. */
  kw?: string;
}

export const COMPONENTS: Component[] = [
  { project: 'billing-api', name: 'rate limiter', path: 'src/middleware/rateLimit.ts', does: 'caps each API key at 600 requests per minute using a Redis sliding window',
    para: 'where is the code that throttles clients who call too often', mixed: 'rateLimit middleware — how does it count' },
  { project: 'billing-api', name: 'proration calculator', path: 'src/billing/proration.ts', does: 'computes partial-period charges when a plan changes mid-cycle',
    para: 'where do we work out what someone owes after upgrading halfway through a month', mixed: 'proration logic location' },
  { project: 'billing-api', name: 'webhook dispatcher', path: 'src/webhooks/dispatcher.ts', does: 'signs outgoing events with HMAC-SHA256 and retries with backoff',
    para: "which module notifies integrators' URLs and tries again when they're down", mixed: 'dispatcher for outgoing notifications — signing' },
  { project: 'billing-api', name: 'usage metering', path: 'src/metering/ingest.ts', does: 'aggregates usage events per hour into usage_records',
    para: 'where do we tally how much each customer consumed', mixed: 'metering ingestion — granularity' },
  { project: 'billing-api', name: 'dunning job', path: 'src/dunning/run.ts', does: 'retries failed card payments on days 1, 3 and 7, then cancels the subscription',
    para: "what happens when a subscriber's charge attempt keeps bouncing", mixed: 'dunning schedule' },
  { project: 'billing-api', name: 'tax module', path: 'src/tax/', does: 'calls the tax provider for VAT and sales tax per line item',
    para: 'how do we compute levies owed to governments on each bill', mixed: 'VAT computation — where' },
  { project: 'billing-api', name: 'tenant resolver', path: 'src/middleware/tenant.ts', does: "maps the request's subdomain to a tenant id and stores it in AsyncLocalStorage",
    para: 'how does an incoming call know which customer organisation it belongs to', mixed: 'AsyncLocalStorage for the current organisation' },
  { project: 'billing-api', name: 'invoice PDF renderer', path: 'src/pdf/invoice.tsx', does: 'renders invoices with react-pdf in a worker thread',
    para: 'what produces the printable bill documents', mixed: 'react-pdf usage' },
  { project: 'auth-service', name: 'session store', path: 'src/session/store.ts', does: 'keeps sessions in Redis with a 7-day sliding expiry',
    para: 'where are logged-in states persisted and for how long', mixed: 'session persistence duration' },
  { project: 'auth-service', name: 'SAML handler', path: 'src/sso/saml.ts', does: 'validates assertions from enterprise IdPs such as Okta and Azure AD',
    para: 'which part processes responses from corporate identity providers', mixed: 'Okta integration — which file' },
  { project: 'auth-service', name: 'password reset', path: 'src/reset.ts', does: 'issues one-time tokens valid for 30 minutes, hashed at rest',
    para: 'how do forgotten-credential links work and when do they expire', mixed: 'reset link lifetime' },
  { project: 'auth-service', name: 'MFA', path: 'src/mfa/totp.ts', does: 'implements TOTP with 30-second steps and 10 recovery codes',
    para: 'how does the second login factor with authenticator apps work', mixed: 'TOTP backup codes count' },
  { project: 'auth-service', name: 'API key issuer', path: 'src/keys/issue.ts', does: 'generates keys as `ak_live_` + 32 random bytes and stores only a SHA-256 hash',
    para: 'how are integrator credentials created and kept safe at rest', mixed: 'ak_live_ format' },
  { project: 'search-indexer', name: 'product consumer', path: 'src/consumers/products.ts', does: 'turns product change events into Elasticsearch bulk upserts',
    para: 'what transforms catalogue updates into writes to the full-text store', mixed: 'products consumer — bulk writes' },
  { project: 'search-indexer', name: 'synonyms file', path: 'config/synonyms.txt', does: 'holds search synonyms (tee => t-shirt) and is reloaded on deploy',
    para: 'where do we define equivalent words so that looking up one term finds the other', mixed: 'synonyms list location' },
  { project: 'search-indexer', name: 'query builder', path: 'src/query/build.ts', does: 'boosts title matches 3x and applies typo tolerance to terms over 4 characters', kw: 'query builder typo tolerance boosts title',
    para: 'how are relevance weights for product names configured', mixed: 'typo tolerance threshold' },
  { project: 'data-pipeline', name: 'extract step', path: 'pipeline/extract.py', does: 'copies changed rows using updated_at watermarks',
    para: 'how does the overnight job figure out which records changed since the previous run', mixed: 'watermarks for incremental copies' },
  { project: 'data-pipeline', name: 'dedupe step', path: 'pipeline/dedupe.py', does: 'drops duplicate events by (event_id, source) before loading',
    para: 'how do we avoid double-counting repeated occurrences in the warehouse', mixed: 'dedupe key' },
  { project: 'data-pipeline', name: 'schema registry', path: 'schemas/', does: 'holds Avro schemas that are the contract for events; CI checks compatibility',
    para: 'where is the agreed shape of messages between producers and consumers defined', mixed: 'Avro contracts folder' },
  { project: 'notify-service', name: 'notification router', path: 'src/router.ts', does: 'picks email, push or SMS per user preference and respects quiet hours',
    para: 'what decides which channel a person is contacted through and honours do-not-disturb times', mixed: 'quiet hours handling' },
  { project: 'notify-service', name: 'email templates', path: 'templates/', does: 'are MJML templates compiled at build time, one folder per locale',
    para: 'where are the layouts for outgoing messages kept and how are translations organised', mixed: 'MJML layouts location' },
  { project: 'notify-service', name: 'bounce handler', path: 'src/bounces.ts', does: 'marks hard-bounced addresses as undeliverable from the SendGrid event webhook',
    para: "what happens to inboxes our messages permanently can't reach", mixed: 'hard bounce processing' },
  { project: 'inventory-api', name: 'reservation service', path: 'src/reservations/service.ts', does: 'holds stock for 15 minutes during checkout and releases expired holds every minute',
    para: 'where is the logic that keeps items set aside while someone pays, then frees them', mixed: 'reservation expiry logic' },
  { project: 'inventory-api', name: 'warehouse sync', path: 'src/sync/wms.ts', does: 'pulls stock counts from the warehouse management system every 5 minutes over SFTP as CSV',
    para: 'how do shelf counts from the physical storage provider reach us', mixed: 'WMS import frequency' },
  { project: 'inventory-api', name: 'low-stock alerts', path: 'src/alerts/lowStock.ts', does: 'emits an alert when available stock drops under the reorder point',
    para: 'what warns buyers before we run out of a product', mixed: 'reorder point notification' },
  { project: 'admin-portal', name: 'impersonation', path: 'src/impersonate.ts', does: 'lets support log in as a customer, with an audit entry and a 30-minute limit',
    para: 'how do helpdesk staff see the product exactly as a particular user does', mixed: 'impersonate feature limits' },
  { project: 'admin-portal', name: 'refund flow', path: 'src/refunds/', does: 'requires a second approver for refunds over $500',
    para: 'what sign-off is needed to give money back above a threshold', mixed: 'refunds four-eyes rule' },
  { project: 'admin-portal', name: 'audit log', path: 'src/audit.ts', does: 'writes an append-only table that is exported nightly to S3 for compliance',
    para: 'where is the tamper-evident trail of staff actions kept', mixed: 'audit trail export' },
  { project: 'payments-gateway', name: '3DS handler', path: 'src/threeds.ts', does: 'handles 3-D Secure challenges and the redirect back',
    para: "where do we deal with the bank's extra cardholder verification step", mixed: '3-D Secure redirect handling' },
  { project: 'payments-gateway', name: 'payout scheduler', path: 'src/payouts/schedule.ts', does: 'batches seller payouts daily at 06:00 UTC via Stripe Connect',
    para: 'when and how do merchants on the marketplace get their earnings transferred', mixed: 'Stripe Connect transfer timing' },
  { project: 'payments-gateway', name: 'idempotency middleware', path: 'src/middleware/idempotency.ts', does: "stores each Idempotency-Key's response for 24 h so retries never double charge",
    para: 'how do we make sure a repeated purchase attempt is not billed twice', mixed: 'idempotency retention window' },
  { project: 'docs-site', name: 'API reference generator', path: 'scripts/gen-reference.ts', does: 'builds the API reference pages from openapi.yaml',
    para: 'how are the per-endpoint docs in the public manual produced', mixed: 'reference pages from the OpenAPI spec' },
  { project: 'design-system', name: 'tokens package', path: 'packages/tokens', does: 'exports colours, spacing and typography as CSS variables and TS constants', kw: 'packages/tokens CSS variables typography',
    para: 'where do palette and sizing values for all frontends come from', mixed: 'design tokens package contents' },
  { project: 'design-system', name: 'Button component', path: 'packages/react/src/Button.tsx', does: 'is the only component allowed to render <button>; it supports a loading state',
    para: 'which piece must be used for clickable actions and shows a spinner while busy', mixed: 'Button loading state' },
  { project: 'web-dashboard', name: 'feature flag client', path: 'src/flags.ts', does: 'wraps LaunchDarkly and exposes useFlag()', kw: 'src/flags.ts LaunchDarkly useFlag',
    para: 'how do frontend screens check whether an experiment is switched on', mixed: 'useFlag hook' },
  { project: 'web-dashboard', name: 'API client', path: 'src/api/client.ts', does: 'adds auth headers, refreshes the token on 401 and retries once', kw: 'src/api/client.ts refreshes token 401',
    para: 'where does the frontend renew expired credentials transparently', mixed: '401 refresh handling in the client' },
  { project: 'mobile-app', name: 'offline queue', path: 'src/offline/queue.ts', does: 'persists mutations in MMKV while offline and replays them on reconnect',
    para: 'how does the phone client cope with no signal — saving actions to send later', mixed: 'MMKV persistence of pending changes' },
  { project: 'mobile-app', name: 'deep link handler', path: 'src/navigation/linking.ts', does: 'maps acme:// and universal links to screens',
    para: 'how do URLs opened on the handset land on the right page inside our client', mixed: 'universal links routing' },
];

export interface Setting {
  project: string;
  name: string;
  does: string;
  para?: string;
}

export const SETTINGS: Setting[] = [
  { project: 'payments-gateway', name: 'STRIPE_WEBHOOK_SECRET', does: 'verifies the signature of incoming Stripe webhooks', para: 'which config value checks that payment provider callbacks are authentic' },
  { project: 'auth-service', name: 'JWKS_URL', does: 'is where other services fetch the public keys for JWT verification' },
  { project: 'notify-service', name: 'SENDGRID_API_KEY', does: 'authenticates outgoing email sends; rotated quarterly' },
  { project: 'web-dashboard', name: 'NEXT_PUBLIC_LD_CLIENT_ID', does: 'is the LaunchDarkly client-side ID (safe to expose)' },
  { project: 'search-indexer', name: 'ELASTICSEARCH_URL', does: 'points at the cluster; staging uses a single-node instance' },
  { project: 'data-pipeline', name: 'BQ_DATASET', does: 'names the warehouse dataset loads go to (analytics_prod in production)', para: 'which setting chooses where overnight reporting imports land' },
  { project: 'inventory-api', name: 'RESERVATION_TTL_SECONDS', does: 'sets how long checkout holds stock (default 900)', para: 'what configures the duration items stay set aside during payment' },
  { project: 'notify-service', name: 'QUIET_HOURS_DEFAULT', does: 'is the default do-not-disturb window (22:00-07:00 local)', para: 'the default time range when nobody gets pinged at night' },
  { project: 'admin-portal', name: 'IMPERSONATION_MAX_MINUTES', does: 'caps support impersonation sessions (default 30)' },
  { project: 'payments-gateway', name: 'PAYOUT_CUTOFF_UTC', does: 'is the daily cut-off for including a sale in the next payout (05:30)', para: 'until what hour must an order happen to be in the upcoming merchant transfer' },
  { project: 'billing-api', name: 'TAX_PROVIDER_TIMEOUT_MS', does: 'is the timeout for tax lookups (3000) before falling back to cached rates' },
  { project: 'billing-api', name: 'BILLING_GRACE_DAYS', does: 'is how many days an unpaid subscription stays active (default 7)', para: 'how long can a customer keep using the product after failing to pay' },
  { project: 'docs-site', name: 'DOCS_ALGOLIA_APP_ID', does: 'connects the docs search box to Algolia DocSearch' },
  { project: 'design-system', name: 'PUBLIC_ASSET_PREFIX', does: 'is the CDN base URL for icons and fonts' },
  { project: 'auth-service', name: 'SESSION_IDLE_MINUTES', does: 'logs out inactive sessions after 60 minutes', para: 'after how long without activity does someone get signed out' },
  { project: 'mobile-app', name: 'SENTRY_DSN_MOBILE', does: 'routes native crash reports to the mobile Sentry project' },
  { project: 'search-indexer', name: 'BULK_BATCH_SIZE', does: 'is the number of documents per bulk request (1000)' },
  { project: 'notify-service', name: 'SMS_DAILY_CAP', does: 'limits text messages per user per day (5) to control Twilio costs', para: 'the ceiling on cellular notifications for one person in 24 hours' },
];

/** Facts of the form "<project> talks to <other> over <how> to <why>". */
export const LINKS: [string, string, string, string][] = [
  ['billing-api', 'payments-gateway', 'gRPC', 'charge cards on renewal'],
  ['billing-api', 'notify-service', 'BullMQ jobs', 'send invoice emails'],
  ['web-dashboard', 'billing-api', 'REST', 'show invoices and usage'],
  ['web-dashboard', 'auth-service', 'OIDC', 'sign users in'],
  ['mobile-app', 'auth-service', 'OAuth PKCE', 'sign users in'],
  ['search-indexer', 'inventory-api', 'Kafka topic inventory.changes', 'keep stock flags current in the index'],
  ['data-pipeline', 'billing-api', 'a read replica', 'extract invoices nightly'],
  ['admin-portal', 'billing-api', 'an internal REST API', 'issue refunds'],
  ['admin-portal', 'auth-service', 'an admin gRPC API', 'impersonate and merge accounts'],
  ['payments-gateway', 'notify-service', 'Kafka', 'send receipts'],
  ['inventory-api', 'notify-service', 'HTTP webhooks', 'raise low-stock alerts'],
  ['docs-site', 'billing-api', 'the public OpenAPI file', 'render the API reference'],
];

export const PEOPLE = ['Ana', 'Bilal', 'Chen', 'Dara', 'Eva', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kemi', 'Luca', 'Mei', 'Nadia', 'Omar', 'Priya'];

/** Progress notes an agent leaves at the end of a session (filler and distractors). */
export const PROGRESS_DONE = [
  'finished migrating the invoices table to bigint ids',
  'moved the webhook retries to the new queue',
  'added pagination to the members endpoint',
  'removed the legacy v0 routes',
  'wrote the runbook for the nightly export',
  'split the orders service into read and write paths',
  'upgraded the Postgres driver',
  'added OpenTelemetry spans to the checkout flow',
  'fixed the flaky login test',
  'reviewed the accessibility report for the settings page',
  'enabled Renovate for the repository',
  'added a dark mode toggle',
  'deleted unused feature flags',
  'wrote tests for the proration edge cases',
  'documented the deployment steps',
  'benchmarked the search query builder',
  'added rate limit headers to responses',
  'switched CI to pnpm caching',
  'moved secrets to the new vault path',
  'cleaned up the old S3 buckets',
  'added CSV export for audit entries',
  'made the sidebar keyboard accessible',
  'reduced Docker image size by 300 MB',
  'added retry metrics to the dashboard',
  'rewrote the onboarding emails',
  'paired with the Data team on the export format',
  'profiled the cold start',
  'triaged the Sentry backlog',
  'added contract tests for the partner API',
  'renamed the env vars to the new convention',
  'replaced the hand-rolled retry loop',
  'migrated the cron jobs to the new scheduler',
];
export const PROGRESS_NEXT = [
  'backfill the historical rows',
  'remove the feature flag after a week',
  'ask the Data team to review',
  'update the public docs',
  'load-test it on staging',
  'write the migration guide',
  'add alerts for the new metric',
  'delete the compatibility shim',
  'get a security review',
  'announce it in the engineering channel',
];

export const INCIDENT_CAUSES: [string, string][] = [
  ['an expired TLS certificate on the internal load balancer', 'add an alert 21 days before certificate expiry'],
  ['a migration that locked the orders table for 12 minutes', 'run migrations with lock_timeout = 5s'],
  ['a bad config push that set the pool size to 0', 'validate config values in CI'],
  ['a runaway cron job that filled the disk', 'add disk usage alerts at 80%'],
  ['a DNS change that pointed at the old cluster', 'document and peer-review DNS changes'],
  ['a Redis failover that took 90 s', 'load-test failover quarterly'],
  ['a dependency upgrade that changed default timeouts', 'pin timeouts explicitly in code'],
  ['a retry storm after a partner API slowed down', 'add circuit breakers and retry budgets'],
  ['an N+1 query introduced in a hotfix', 'assert query counts in integration tests'],
  ['a feature flag enabled an unfinished flow for everyone', 'require an owner and a review for flag changes'],
  ['the Kafka consumer lagging two hours behind', 'alert on consumer lag over 5 minutes'],
  ['an IAM change that blocked S3 uploads', 'review IAM changes in pull requests'],
  ['a memory leak in the image resizer', 'set memory limits and alert on restarts'],
  ['clock skew on two nodes', 'monitor NTP offset'],
  ['a rate limit misconfiguration that blocked internal callers', 'give internal services their own keys'],
  ['an exhausted connection pool during a traffic spike', 'queue requests instead of failing fast'],
  ['a zonal outage at the cloud provider', 'spread replicas across three zones'],
  ['a staging secret that was also used by production', 'separate staging and production secrets'],
  ['a certificate pinning change in the mobile client', 'ship pin changes behind remote config'],
  ['a full-table reindex started during business hours', 'schedule reindexing at night'],
];

export const OPEN_QUESTIONS = [
  'logs ECONNRESET from Redis around 03:00 every night',
  'p99 latency doubles every Monday morning',
  'the CSV import sometimes skips the last row',
  'push delivery rate on Android dropped to 92%',
  "Sentry shows a spike of 'ResizeObserver loop limit exceeded'",
  'the nightly job occasionally loads zero rows for one table',
  'memory grows slowly over a week until the pod restarts',
  'search results sometimes show out-of-stock items',
  'webhook deliveries to one customer time out',
  'the Jest suite hangs in CI about once a week',
  'some invoices show the wrong currency symbol',
  'login takes 4 s for SSO users of one tenant',
  'Elasticsearch heap sits at 85%',
  'duplicate emails go out right after deploys',
  'Docker build cache misses on the arm64 runners',
  'the app crashes on launch for some iOS 15 users',
  'the bundle grew by 80 KB last sprint',
  'the team members query is slow for big accounts',
  'consumer lag spikes during reindexing',
  'migrations take 10 minutes on the staging snapshot',
  'websocket reconnects loop forever on Safari',
  'the health check flaps during deploys',
  'some users see yesterday’s usage numbers until they reload',
  'the rate limiter returns 429 to our own admin tools',
];

export const ADOPTION_BENEFITS = [
  'it was the quickest to set up',
  'it has the best TypeScript support of the options we tried',
  'it is free at our volume',
  'two of us used it at previous jobs',
  'it has a good VS Code extension',
  'it is the de-facto standard in our stack',
  'its documentation is excellent',
  'it needs no extra infrastructure',
];

/** Domain facts per project (filler that sounds like the rest). */
export const DOMAIN_FACTS: [string, string][] = [
  ['billing-api', 'Invoices are immutable once finalised; corrections are credit notes.'],
  ['billing-api', 'A subscription has exactly one active plan; add-ons are separate subscription items.'],
  ['billing-api', 'Trials last 14 days and convert automatically unless cancelled.'],
  ['billing-api', 'Usage is billed in arrears, seats in advance.'],
  ['web-dashboard', 'The usage chart aggregates by day in the account timezone.'],
  ['web-dashboard', 'Team owners can invite up to 50 members on the Pro plan.'],
  ['web-dashboard', 'Settings pages are server-rendered; charts are client-only.'],
  ['mobile-app', 'The app supports iOS 15+ and Android 8+.'],
  ['mobile-app', 'Release trains ship every second Thursday.'],
  ['mobile-app', 'Biometric unlock is optional and stored in the secure enclave/keystore.'],
  ['auth-service', 'Enterprise tenants can enforce SSO-only login.'],
  ['auth-service', 'API keys are scoped to one workspace and one of read, write or admin.'],
  ['auth-service', 'Refresh tokens rotate on every use; reuse revokes the whole family.'],
  ['search-indexer', 'Out-of-stock products stay searchable but rank lower.'],
  ['search-indexer', 'Each locale has its own index with its own analyzer.'],
  ['data-pipeline', 'PII columns are hashed before loading into the warehouse.'],
  ['data-pipeline', 'The finance dashboards read only from the curated layer, never raw tables.'],
  ['notify-service', 'Marketing emails require explicit opt-in; transactional ones do not.'],
  ['notify-service', 'Push tokens are refreshed on every app start.'],
  ['inventory-api', 'Stock is tracked per warehouse; available = on hand minus reserved.'],
  ['inventory-api', 'Negative stock is allowed only for pre-orders.'],
  ['admin-portal', 'Every admin action needs a reason text that goes into the audit log.'],
  ['admin-portal', 'Support staff cannot see full card numbers, only the last four digits.'],
  ['payments-gateway', 'Payouts are held for 7 days for new sellers.'],
  ['payments-gateway', 'Refunds go back to the original payment method only.'],
  ['payments-gateway', 'Disputes freeze the related payout until resolved.'],
  ['docs-site', 'Code samples are tested in CI against the sandbox API.'],
  ['docs-site', 'Every page has an "Edit on GitHub" link.'],
  ['design-system', 'Components support light, dark and high-contrast themes.'],
  ['design-system', 'Icons come from one SVG sprite generated at build time.'],
];

export const PORTS: Record<string, number> = {
  'billing-api': 4000, 'web-dashboard': 3000, 'mobile-app': 8081, 'auth-service': 4100, 'search-indexer': 4200, 'data-pipeline': 8793,
  'notify-service': 4300, 'inventory-api': 4400, 'admin-portal': 3100, 'payments-gateway': 4500, 'docs-site': 4173, 'design-system': 6006,
};

export const REVIEW_FEEDBACK = [
  'prefers smaller PRs, under 400 changed lines',
  'asks for a test for every new branch in the reducer',
  'wants error messages that say what to do next',
  'flags any new dependency in package.json',
  'asks to avoid default exports',
  'wants SQL changes reviewed by the Data team as well',
  'asks for screenshots of every UI state, including empty and error',
  'checks that new endpoints are in the OpenAPI file',
  'wants log lines to include the request id',
  'pushes back on boolean parameters; prefers option objects',
  'asks for feature flags around risky changes',
  'wants migrations split from code changes',
  'asks for benchmarks when touching hot paths',
  'dislikes nested ternaries',
  'wants TODOs to link a ticket',
];
