// Hand-written fact seeds: resolved errors, gotchas, commands, conventions, preferences.
// A seed becomes 1–3 memories ({{p}} = a project, {{pm}} = its package manager, {{a|b}} = pick one).
// q.k = keyword-exact query, q.p = paraphrased query (no shared content words), q.x = mixed (one shared term).
// A query naming {{p}} is answered by the first instance only; otherwise by every instance of the seed.

export type FactType =
  | 'decision'
  | 'config'
  | 'error'
  | 'gotcha'
  | 'command'
  | 'convention'
  | 'preference'
  | 'architecture'
  | 'progress'
  | 'near-miss'
  | 'adoption'
  | 'incident'
  | 'open-question'
  | 'team';
export type Importance = 'critical' | 'high' | 'medium' | 'low';

export interface Seed {
  type: FactType;
  topic: string;
  m: string[];
  kw: string[];
  q?: { k?: string; p?: string; x?: string };
  imp?: Importance;
  proj?: string[];
  max?: number;
}

const S = (
  type: FactType,
  topic: string,
  m: string | string[],
  kw: string[],
  q?: Seed['q'],
  o: Partial<Seed> = {},
): Seed => ({ type, topic, m: Array.isArray(m) ? m : [m], kw, q, ...o });

const E = (m: string | string[], kw: string[], q?: Seed['q'], o: Partial<Seed> = {}) =>
  S('error', 'errors-resolved', m, kw, q, { imp: 'high', ...o });
const G = (m: string | string[], kw: string[], q?: Seed['q'], o: Partial<Seed> = {}) =>
  S('gotcha', 'gotchas', m, kw, q, { imp: 'medium', ...o });
const C = (m: string | string[], kw: string[], q?: Seed['q'], o: Partial<Seed> = {}) =>
  S('command', 'runbook-{{p}}', m, kw, q, { imp: 'low', ...o });
const V = (m: string | string[], kw: string[], q?: Seed['q'], o: Partial<Seed> = {}) =>
  S('convention', 'conventions', m, kw, q, { imp: 'high', ...o });
const P = (m: string | string[], kw: string[], q?: Seed['q'], o: Partial<Seed> = {}) =>
  S('preference', 'preferences', m, kw, q, { imp: 'high', ...o });

export const ERRORS: Seed[] = [
  E(
    [
      '`ECONNRESET` from the Postgres pool in {{p}} after idle periods: the load balancer drops idle TCP connections after {{350|300}} s. Fix: set idleTimeoutMillis to {{30000|60000}} so the pool recycles them first.',
      'Resolved {{p}} `ECONNRESET` errors on the pg pool: idle sockets were being cut by the LB at {{350|300}} s; idleTimeoutMillis is now {{30000|60000}}.',
    ],
    ['ECONNRESET', 'postgres', 'pg-pool', 'idleTimeoutMillis'],
    {
      k: 'ECONNRESET postgres pool idleTimeoutMillis',
      p: 'the relational store link dies after sitting unused for a few minutes — how was that solved',
      x: 'ECONNRESET after quiet stretches, what was the cure',
    },
  ),
  E(
    '`Error: listen EADDRINUSE: address already in use :::{{3000|8080}}` when starting {{p}} locally — a previous dev server was still running. Fix: `lsof -ti :{{3000|8080}} | xargs kill`, or start on another port.',
    ['EADDRINUSE', 'port', 'dev-server'],
    {
      k: 'EADDRINUSE address already in use',
      p: "my local backend won't boot because something else occupies the socket number",
      x: 'EADDRINUSE on boot — getting rid of the leftover process',
    },
  ),
  E(
    'Jest `SyntaxError: Cannot use import statement outside a module` in {{p}} after upgrading {{nanoid|uuid|p-limit}} to an ESM-only version. Fixed by excluding it in transformIgnorePatterns in jest.config.js.',
    ['jest', 'esm', 'transformIgnorePatterns'],
    {
      k: 'Cannot use import statement outside a module transformIgnorePatterns',
      p: 'unit specs crash on a dependency that only ships the standardised package format after a version bump',
      x: 'transformIgnorePatterns — why did we touch it',
    },
  ),
  E(
    "`TypeError: Cannot read properties of undefined (reading 'map')` on the {{orders|invoices|members}} page: the API returned null instead of [] when empty. Fixed by defaulting to [] in the selector and making the endpoint return an empty array.",
    ['TypeError', 'undefined', 'empty-state'],
    {
      k: "Cannot read properties of undefined reading 'map'",
      p: 'a listing screen blew up whenever there were zero entries to show',
      x: 'crash on a blank screen — reading map',
    },
  ),
  E(
    "CORS error `No 'Access-Control-Allow-Origin' header` calling {{p}} from localhost:5173: the Vite dev origin wasn't in ALLOWED_ORIGINS. Added it to .env.development.",
    ['CORS', 'ALLOWED_ORIGINS', 'vite'],
    {
      k: 'Access-Control-Allow-Origin ALLOWED_ORIGINS',
      p: 'the browser refused cross-site responses while I worked on the frontend on my laptop',
      x: 'CORS blocked during development, what fixed it',
    },
  ),
  E(
    '`ERR_REQUIRE_ESM` when the release CLI imports chalk 5: chalk 5 is ESM-only. Pinned chalk@4 until the CLI moves to ESM.',
    ['ERR_REQUIRE_ESM', 'chalk'],
    {
      k: 'ERR_REQUIRE_ESM chalk',
      p: 'our terminal tool stopped launching because a colouring package went module-only',
      x: 'ERR_REQUIRE_ESM — which version did we pin',
    },
  ),
  E(
    'Docker build of {{p}} failed with `node-gyp` errors compiling bcrypt on alpine. Switched to bcryptjs (pure JS) instead of installing python3, make and g++ in the image.',
    ['docker', 'node-gyp', 'bcrypt', 'alpine'],
    {
      k: 'node-gyp bcrypt alpine',
      p: "the container image wouldn't build because a password hashing addon needed a C toolchain",
      x: 'bcrypt would not compile in the container — workaround',
    },
  ),
  E(
    'Prisma `P2002 Unique constraint failed on the fields: (`email`)` on signup races: two requests for the same email. We now catch P2002 and return 409 instead of 500.',
    ['prisma', 'P2002', 'signup', '409'],
    {
      k: 'P2002 unique constraint email',
      p: 'two simultaneous registrations with the same address produced a server failure',
      x: 'P2002 during registration — how do we answer now',
    },
    { proj: ['auth-service'] },
  ),
  E(
    '`FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory` during `tsc` in CI for {{p}}. Fix: NODE_OPTIONS=--max-old-space-size=4096 in the build job, plus incremental builds.',
    ['tsc', 'heap', 'max-old-space-size', 'CI'],
    {
      k: 'JavaScript heap out of memory tsc max-old-space-size',
      p: 'type checking exhausted RAM on the build server',
      x: 'NODE_OPTIONS for the compiler crash on the build machine',
    },
  ),
  E(
    "Stripe webhook verification failed (`No signatures found matching the expected signature for payload`) because express.json() parsed the body first. The /webhooks/stripe route now uses express.raw({ type: 'application/json' }).",
    ['stripe', 'webhook', 'signature', 'express.raw'],
    {
      k: 'Stripe webhook signature express.raw',
      p: 'payment callbacks were rejected as forged because the incoming request content had already been decoded',
      x: 'webhook authenticity check failing — parsing order',
    },
    { proj: ['payments-gateway', 'billing-api'] },
  ),
  E(
    'Intermittent `ETIMEDOUT` calling the {{Salesforce|HubSpot}} API from {{p}}: their rate limiter silently drops connections. Added exponential backoff with jitter (max 5 retries) in src/clients/crm.ts.',
    ['ETIMEDOUT', 'backoff', 'jitter', 'crm'],
    {
      k: 'ETIMEDOUT backoff jitter',
      p: 'requests to the customer-relationship vendor hang now and then; what did we add to cope',
      x: 'ETIMEDOUT from the sales tool vendor — remedy',
    },
  ),
  E(
    'React warning `Each child in a list should have a unique "key" prop` in {{OrderTable|InvoiceList|MemberGrid}}: rows used the array index as key and got mixed up after sorting. Use the row id as key.',
    ['react', 'key-prop', 'sorting'],
    {
      k: 'unique key prop each child in a list',
      p: 'table entries displayed wrong contents after reordering in the UI',
      x: 'reordering glitch — React key',
    },
    { proj: ['web-dashboard', 'admin-portal'] },
  ),
  E(
    '`SQLITE_BUSY: database is locked` in {{p}} tests when two workers wrote the same file. Each test worker now gets its own temp database, WAL mode and busy_timeout=5000.',
    ['SQLITE_BUSY', 'sqlite', 'WAL', 'busy_timeout'],
    {
      k: 'SQLITE_BUSY database is locked busy_timeout',
      p: 'parallel specs tripped over each other writing the same embedded db file',
      x: 'SQLITE_BUSY in concurrent workers — fix',
    },
  ),
  E(
    '{{p}} pod in CrashLoopBackOff with exit code 137: OOMKilled at the 256Mi limit during startup cache warmup. Raised the limit to 512Mi and made warmup lazy.',
    ['kubernetes', 'CrashLoopBackOff', 'OOMKilled', '137'],
    {
      k: 'CrashLoopBackOff exit code 137 OOMKilled',
      p: 'the container kept restarting because it used too much RAM while booting',
      x: 'OOMKilled restarts — what did we change',
    },
  ),
  E(
    '`Hydration failed because the initial UI does not match what was rendered on the server` in web-dashboard: Date.now() was called during render. Time formatting moved into useEffect.',
    ['nextjs', 'hydration', 'ssr'],
    {
      k: 'Hydration failed initial UI does not match',
      p: 'HTML generated on the backend differed from the browser version because of the current clock',
      x: 'hydration mismatch caused by the clock',
    },
    { proj: ['web-dashboard'] },
  ),
  E(
    '`Error: self signed certificate in certificate chain` when {{p}} calls internal services through the corporate proxy. Set NODE_EXTRA_CA_CERTS to the company root CA bundle; never NODE_TLS_REJECT_UNAUTHORIZED=0.',
    ['tls', 'NODE_EXTRA_CA_CERTS', 'proxy'],
    {
      k: 'self signed certificate in certificate chain NODE_EXTRA_CA_CERTS',
      p: 'trust failures behind the office gateway — how do we add our own issuing authority',
      x: 'NODE_EXTRA_CA_CERTS, why is it set',
    },
  ),
  E(
    "GitHub Actions cache never hit for {{p}}: the key used hashFiles('package-lock.json') but the repo uses pnpm-lock.yaml. Fixed the key.",
    ['github-actions', 'cache', 'pnpm-lock.yaml'],
    {
      k: 'actions cache key hashFiles pnpm-lock.yaml',
      p: 'automation re-downloaded dependencies every time because the restore lookup pointed at the wrong lockfile',
      x: 'cache miss on every build — lockfile name',
    },
  ),
  E(
    'iOS build of mobile-app failed with `Undefined symbols for architecture arm64` after adding {{react-native-maps|react-native-reanimated}}. `pod install --repo-update` and clearing DerivedData fixed it.',
    ['ios', 'arm64', 'cocoapods', 'DerivedData'],
    {
      k: 'Undefined symbols for architecture arm64 pod install',
      p: 'the iPhone compile broke with linker complaints after we added a native package',
      x: 'arm64 linker error — getting the phone build going again',
    },
    { proj: ['mobile-app'] },
  ),
  E(
    'Android release build crashed on launch with `java.lang.ClassNotFoundException` because R8 stripped {{okhttp3|com.facebook.react}} classes. Added keep rules to proguard-rules.pro.',
    ['android', 'R8', 'proguard', 'ClassNotFoundException'],
    {
      k: 'ClassNotFoundException R8 proguard-rules.pro',
      p: "the production binary for Google's phone OS died at startup because the shrinker removed needed code",
      x: 'proguard keep rules — why were they added',
    },
    { proj: ['mobile-app'] },
  ),
  E(
    'Timezone bug: the nightly report in {{p}} used server local time (UTC) and cut off orders after 7 pm Eastern. All date math now uses the account IANA zone via Luxon.',
    ['timezone', 'UTC', 'IANA', 'report'],
    {
      k: 'nightly report UTC IANA zone Luxon',
      p: 'the end-of-day summary was missing evening sales for American customers',
      x: 'report missing evening orders — zone handling',
    },
  ),
  E(
    '`MaxListenersExceededWarning: Possible EventEmitter memory leak detected` in {{p}}: every request added a listener on the shared Redis client. Subscription moved to startup.',
    ['EventEmitter', 'MaxListenersExceededWarning', 'redis'],
    {
      k: 'MaxListenersExceededWarning EventEmitter memory leak',
      p: 'a warning about subscribers piling up on a common connection object, one per incoming call',
      x: 'EventEmitter warning from per-call subscriptions',
    },
  ),
  E(
    'webpack output grew to 9 MB because every moment locale was bundled. Added IgnorePlugin for ./locale (moment was replaced later).',
    ['webpack', 'moment', 'locales', 'IgnorePlugin'],
    undefined,
    { proj: ['web-dashboard', 'admin-portal'] },
  ),
  E(
    '`413 Payload Too Large` uploading CSV imports to {{p}}: nginx client_max_body_size was 1m. Raised it to 25m with the ingress annotation.',
    ['nginx', '413', 'client_max_body_size', 'ingress'],
    {
      k: '413 Payload Too Large client_max_body_size',
      p: 'big spreadsheet files were bounced by the reverse proxy in front of us',
      x: 'nginx refusing large imports — setting we changed',
    },
  ),
  E(
    'Flaky Playwright test checkout.spec.ts timed out on the payment iframe: it waited for networkidle, which never comes with the analytics beacon. It now waits for the iframe locator instead.',
    ['playwright', 'flaky', 'networkidle', 'iframe'],
    {
      k: 'Playwright networkidle checkout.spec.ts iframe',
      p: 'a browser automation check kept timing out because a tracking ping kept the page busy forever',
      x: 'flaky checkout spec waiting forever',
    },
    { proj: ['web-dashboard'] },
  ),
  E(
    '`ER_LOCK_DEADLOCK` in inventory-api when two reservations decremented the same SKU rows in different order. Rows are now locked sorted by sku_id (SELECT … FOR UPDATE ORDER BY sku_id).',
    ['mysql', 'deadlock', 'ER_LOCK_DEADLOCK', 'sku'],
    {
      k: 'ER_LOCK_DEADLOCK FOR UPDATE sku_id',
      p: 'two concurrent holds on the same products wedged each other; what ordering rule fixed it',
      x: 'deadlock when reserving items simultaneously',
    },
    { proj: ['inventory-api'] },
  ),
  E(
    "Redis `OOM command not allowed when used memory > 'maxmemory'` on the cache cluster: keys had no TTL. Session keys now get a 24 h TTL and maxmemory-policy is allkeys-lru.",
    ['redis', 'maxmemory', 'TTL', 'allkeys-lru'],
    {
      k: 'OOM maxmemory allkeys-lru TTL',
      p: 'the in-memory key-value server refused writes because it filled up with entries that never expired',
      x: 'maxmemory errors — eviction policy chosen',
    },
  ),
  E(
    'Unhandled promise rejection crashed {{p}} on Node 20: a fire-and-forget analytics call rejected. Added .catch(logger.warn) and a process-level unhandledRejection handler.',
    ['unhandledRejection', 'promise', 'analytics'],
    {
      k: 'unhandledRejection analytics promise crash',
      p: 'the service died because a background tracking call failed and nobody awaited it',
      x: 'crash from a forgotten async tracking call — rejection',
    },
  ),
  E(
    'ESLint `Parsing error: Cannot read file tsconfig.json` in VS Code for {{p}}: parserOptions.project was resolved against the cwd. Set tsconfigRootDir: __dirname.',
    ['eslint', 'tsconfig', 'tsconfigRootDir', 'vscode'],
    {
      k: 'Parsing error Cannot read file tsconfig.json tsconfigRootDir',
      p: "the editor's static checker couldn't locate the compiler configuration when opened from the monorepo root",
      x: 'ESLint not finding the TS config in the editor',
    },
  ),
  E(
    '`gyp ERR! find Python` installing dependencies on Windows for {{p}}: sharp needed to compile. Upgrading sharp to 0.33 (prebuilt win32-x64 binaries) removed the need for Python.',
    ['windows', 'sharp', 'gyp', 'python'],
    undefined,
  ),
  E(
    'Emails from notify-service landed in spam: the SPF record lacked the SendGrid include and DKIM was not set up. Added include:sendgrid.net and the DKIM CNAMEs.',
    ['email', 'SPF', 'DKIM', 'sendgrid', 'deliverability'],
    {
      k: 'SPF DKIM SendGrid spam',
      p: 'our automated messages went to junk folders; DNS authentication entries were incomplete',
      x: 'messages flagged as junk — SendGrid DNS entries',
    },
    { proj: ['notify-service'] },
  ),
  E(
    'iOS push notifications silently stopped: the APNs auth key (.p8) was revoked when a developer left. Created a new key, stored it in Vault, rotated it in notify-service.',
    ['apns', 'ios', 'push', 'p8'],
    {
      k: 'APNs auth key p8 revoked',
      p: 'iPhone alerts stopped arriving after a colleague departed and their credential got cancelled',
      x: 'push stopped on iOS — key rotation',
    },
    { proj: ['notify-service'] },
  ),
  E(
    '`Error: connect ECONNREFUSED 127.0.0.1:6379` running {{p}} tests: Redis was not running. Run `docker compose up -d redis` before the tests, or point REDIS_URL at the shared dev instance.',
    ['ECONNREFUSED', 'redis', '6379', 'docker-compose'],
    {
      k: 'ECONNREFUSED 127.0.0.1:6379',
      p: 'specs fail because the in-memory key-value server is not up on my machine',
      x: 'ECONNREFUSED in specs — start what first',
    },
  ),
  E(
    'Invoice totals were off by a cent because prices were summed as floats. All money is now integer minor units (cents); Dinero.js formats it for display.',
    ['money', 'rounding', 'cents', 'Dinero.js'],
    {
      k: 'rounding cent floats integer minor units Dinero.js',
      p: 'amounts on bills were a penny wrong; how do we represent currency now',
      x: 'invoice totals a penny off — representation',
    },
    { proj: ['billing-api'] },
  ),
  E(
    'Elasticsearch `circuit_breaking_exception [parent] Data too large` during reindex in search-indexer. Bulk batch size lowered from 5000 to 1000 docs, refresh_interval=-1 during reindex.',
    ['elasticsearch', 'circuit_breaking_exception', 'reindex', 'bulk'],
    {
      k: 'circuit_breaking_exception Data too large reindex',
      p: 'rebuilding the full-text store tripped a memory safety limit; we send smaller chunks now',
      x: 'Elasticsearch refusing big bulk batches',
    },
    { proj: ['search-indexer'] },
  ),
  E(
    "MySQL `Too many connections` after scaling {{p}} to 40 replicas × pool size 10. ProxySQL now sits in front and each replica's pool is 4.",
    ['mysql', 'too-many-connections', 'proxysql', 'pool'],
    {
      k: 'Too many connections ProxySQL pool',
      p: 'after adding lots more instances, the relational server refused new sessions because of the sheer number of clients',
      x: 'MySQL refusing sessions after scale-out',
    },
  ),
  E(
    'Vite HMR did not work inside Docker on macOS: file events do not propagate through the bind mount. Set server.watch.usePolling: true.',
    ['vite', 'HMR', 'docker', 'usePolling'],
    {
      k: 'HMR Docker usePolling',
      p: "hot reload didn't pick up edits when the frontend ran in a container on a Mac",
      x: 'Vite not noticing edits in a container',
    },
    { proj: ['web-dashboard', 'docs-site', 'design-system'] },
  ),
  E(
    '`JWT expired` right after login for some users: server clocks had drifted 3 minutes. Enabled chrony on the nodes and allowed 30 s clock tolerance in jose verify.',
    ['jwt', 'clock-skew', 'chrony', 'jose'],
    {
      k: 'JWT expired clock tolerance chrony',
      p: 'people got logged out immediately because machines disagreed about the current time',
      x: 'token rejected just after sign-in — skew',
    },
    { proj: ['auth-service'] },
  ),
  E(
    'Safari users could not stay logged in to web-dashboard: ITP dropped the third-party session cookie set by the auth domain. Auth moved to a same-site subdomain with SameSite=Lax.',
    ['safari', 'ITP', 'cookie', 'SameSite'],
    {
      k: 'Safari ITP session cookie SameSite=Lax',
      p: "Apple's browser kept forgetting who was signed in because of its cross-site tracking protection",
      x: 'Safari logging people out — cookie policy',
    },
    { proj: ['web-dashboard'] },
  ),
  E(
    "`Cannot find module '@acme/design-system'` in CI but not locally: the package was only linked by the pnpm workspace and CI built packages out of order. Added dependsOn ^build in turbo.json.",
    ['turborepo', 'pnpm-workspace', 'dependsOn'],
    {
      k: "Cannot find module '@acme/design-system' dependsOn turbo.json",
      p: 'the shared UI kit was missing in automation because packages were compiled in the wrong sequence',
      x: 'CI missing the component library — build ordering',
    },
  ),
  E(
    'GraphQL N+1 in {{p}}: the orders query made one SQL query per line item. Added DataLoader batching keyed by order_id; p95 dropped from 1.8 s to 220 ms.',
    ['graphql', 'N+1', 'DataLoader', 'performance'],
    {
      k: 'GraphQL N+1 DataLoader',
      p: 'a listing endpoint issued one database round trip per nested element; how did we group them',
      x: 'N+1 in the orders resolver, solution',
    },
  ),
  E(
    "Memory leak in {{p}}: an in-process LRU had no max size and cached every tenant's config. Capped at 1,000 entries with lru-cache's max option.",
    ['memory-leak', 'lru-cache', 'tenant'],
    {
      k: 'lru-cache max memory leak tenant config',
      p: 'RAM grew without bound because a local memo kept every customer organisation settings forever',
      x: 'unbounded in-process LRU — cap',
    },
  ),
  E(
    '`npm ERR! code ERESOLVE unable to resolve dependency tree` after adding {{@tanstack/react-query|@testing-library/react}}: peer dependency on React 17. Used --legacy-peer-deps once, then upgraded React to 18.',
    ['npm', 'ERESOLVE', 'peer-dependencies', 'react'],
    {
      k: 'ERESOLVE unable to resolve dependency tree legacy-peer-deps',
      p: 'installing a new package failed due to conflicting requirements on the UI framework version',
      x: 'ERESOLVE when adding a package, what we did',
    },
  ),
  E(
    '`Error: EMFILE: too many open files, watch` in the dev watcher on Linux for {{p}}. Raised fs.inotify.max_user_watches to 524288 in /etc/sysctl.conf.',
    ['EMFILE', 'inotify', 'linux', 'watcher'],
    {
      k: 'EMFILE too many open files inotify max_user_watches',
      p: "the file observer behind my workstation's hot reload crashed because the OS ran out of descriptors for observing the tree",
      x: 'EMFILE on my workstation — kernel limit bumped',
    },
  ),
  E(
    'BigQuery load jobs from data-pipeline failed with `Provided Schema does not match Table`: a new nullable column had been added in Postgres. Enabled schemaUpdateOptions ALLOW_FIELD_ADDITION.',
    ['bigquery', 'schema', 'ALLOW_FIELD_ADDITION'],
    {
      k: 'Provided Schema does not match Table ALLOW_FIELD_ADDITION',
      p: 'warehouse loads broke when a new optional attribute appeared upstream',
      x: 'BigQuery loads failing after a new column',
    },
    { proj: ['data-pipeline'] },
  ),
  E(
    'Breakpoints did not bind in VS Code for {{p}}: source maps pointed at dist/ with the wrong sourceRoot. Set sourceMaps: true and outFiles in launch.json and inlineSources in tsconfig.',
    ['debugging', 'source-maps', 'launch.json', 'vscode'],
    {
      k: 'breakpoints source maps launch.json outFiles',
      p: "pausing execution in the editor never worked because compiled output couldn't be translated back to the originals",
      x: 'breakpoints ignored — what changed in launch.json',
    },
  ),
  E(
    '`DEPTH_ZERO_SELF_SIGNED_CERT` hitting the local HTTPS mock server in {{p}} tests. Tests now use a plain HTTP mock instead of disabling TLS verification globally.',
    ['tls', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'mock'],
    undefined,
  ),
  E(
    'Daylight saving bug: a cron scheduled at 02:30 {{Europe/Berlin|America/New_York}} ran twice or was skipped on the DST change. Scheduled jobs in {{p}} now run in UTC.',
    ['cron', 'DST', 'UTC', 'scheduling'],
    {
      k: 'cron DST 02:30 UTC',
      p: 'a nightly task executed two times or not at all when the clocks moved in spring and autumn',
      x: 'cron skipped when the clocks changed',
    },
  ),
  E(
    "Unicode bug: search-indexer lowercased Turkish 'İ' wrongly, so 'İstanbul' did not match. Now uses toLocaleLowerCase with the document language plus ICU folding.",
    ['unicode', 'turkish', 'lowercase', 'ICU'],
    {
      k: 'Turkish İstanbul toLocaleLowerCase ICU',
      p: 'a city name with a dotted capital letter was unfindable because of case conversion',
      x: 'Turkish dotted I not matching',
    },
    { proj: ['search-indexer'] },
  ),
  E(
    '`413 Request Entity Too Large` from API Gateway for base64 image uploads over 10 MB. Clients now upload straight to S3 with presigned URLs.',
    ['api-gateway', '413', 'presigned-url', 's3'],
    {
      k: '413 Request Entity Too Large presigned',
      p: 'big photos sent inline through the managed API front door were refused; they now go directly to the bucket',
      x: 'large picture uploads rejected by API Gateway',
    },
    { proj: ['mobile-app', 'web-dashboard'] },
  ),
  E(
    'Race in mobile-app: two taps on Pay submitted two orders. The button is disabled while the mutation is pending and requests carry an Idempotency-Key header.',
    ['double-submit', 'idempotency', 'Idempotency-Key'],
    {
      k: 'two taps Pay Idempotency-Key',
      p: 'customers were charged twice when they hit purchase in rapid succession',
      x: 'duplicate orders from the phone — idempotency',
    },
    { proj: ['mobile-app'] },
  ),
  E(
    '`Network Error` from axios only on the Android emulator for mobile-app: it cannot reach localhost; use 10.0.2.2 for the host machine.',
    ['android', 'emulator', '10.0.2.2', 'localhost'],
    {
      k: 'Android emulator localhost 10.0.2.2',
      p: 'the phone simulator could not talk to the backend running on my laptop',
      x: 'emulator unable to reach the dev API — special address',
    },
    { proj: ['mobile-app'] },
  ),
  E(
    'Slow test suite in {{p}} (12 min): every test truncated all tables. Switched to a transaction rolled back per test; now 3 min.',
    ['tests', 'performance', 'transactions', 'truncate'],
    {
      k: 'truncated all tables transaction rolled back per test',
      p: 'specs took ages because each one wiped the whole schema; now each is undone at the end',
      x: 'slow suite from table wiping — rollback',
    },
  ),
  E(
    '`ERR_OSSL_EVP_UNSUPPORTED` building the old webpack 4 docs-site on Node 17+. Temporary NODE_OPTIONS=--openssl-legacy-provider until the webpack 5 upgrade.',
    ['openssl', 'ERR_OSSL_EVP_UNSUPPORTED', 'webpack4'],
    {
      k: 'ERR_OSSL_EVP_UNSUPPORTED openssl-legacy-provider',
      p: 'the old documentation build crashed on newer runtimes due to a crypto hashing change',
      x: 'docs build failing on newer Node — legacy flag',
    },
    { proj: ['docs-site'] },
  ),
  E(
    'CSV export in admin-portal garbled accents in Excel: the UTF-8 BOM was missing. The file now starts with \\uFEFF.',
    ['csv', 'excel', 'utf-8', 'BOM'],
    {
      k: 'CSV Excel UTF-8 BOM',
      p: 'spreadsheets opened with mangled diacritics on Windows',
      x: 'export broke accents — byte order mark',
    },
    { proj: ['admin-portal'] },
  ),
  E(
    'Kafka consumer in search-indexer kept rebalancing: processing one batch took longer than max.poll.interval.ms (5 min). Reduced max.poll.records to 100.',
    ['kafka', 'rebalance', 'max.poll.interval.ms', 'max.poll.records'],
    {
      k: 'Kafka rebalancing max.poll.interval.ms max.poll.records',
      p: 'the event reader kept getting kicked out of its group because handling a chunk was too slow',
      x: 'Kafka consumer group churn — what we tuned',
    },
    { proj: ['search-indexer'] },
  ),
  E(
    'Git LFS files showed up as pointer files in CI checkouts of design-system: actions/checkout needs `lfs: true`.',
    ['git-lfs', 'actions/checkout', 'CI'],
    {
      k: 'Git LFS pointer actions/checkout lfs: true',
      p: 'large binary assets arrived as tiny placeholder text files in automated builds',
      x: 'LFS placeholders in the build — checkout option',
    },
    { proj: ['design-system'] },
  ),
  E(
    'TypeScript `TS2589: Type instantiation is excessively deep and possibly infinite` with zod schemas in {{p}}. Split the giant schema and annotated intermediate types.',
    ['typescript', 'TS2589', 'zod'],
    {
      k: 'TS2589 Type instantiation is excessively deep zod',
      p: 'the compiler gave up on a huge nested validator definition; we broke it into parts',
      x: 'TS2589 with a huge validator',
    },
  ),
  E(
    "Sentry events for web-dashboard lacked source maps: the release name in the upload didn't match the SDK's release. Both now use the git SHA.",
    ['sentry', 'source-maps', 'release'],
    {
      k: 'Sentry source maps release git SHA',
      p: "production crash reports showed minified stack frames because the build identifiers didn't line up",
      x: 'Sentry minified traces — naming builds',
    },
    { proj: ['web-dashboard'] },
  ),
  E(
    'WebSocket disconnects every 60 s behind the ALB in notify-service: idle timeout. Added a 25 s ping/pong heartbeat.',
    ['websocket', 'ALB', 'idle-timeout', 'heartbeat'],
    {
      k: 'WebSocket ALB idle timeout heartbeat',
      p: 'realtime connections dropped exactly once a minute when nothing was sent',
      x: 'socket closing each minute behind the AWS balancer',
    },
    { proj: ['notify-service'] },
  ),
  E(
    '`ERR_PNPM_OUTDATED_LOCKFILE` in CI for {{p}}: package.json was edited without running install. CI runs `pnpm install --frozen-lockfile` and a pre-commit hook checks the lockfile.',
    ['pnpm', 'lockfile', 'frozen-lockfile'],
    {
      k: 'ERR_PNPM_OUTDATED_LOCKFILE frozen-lockfile',
      p: 'automation refused to set up dependencies because someone changed the manifest by hand without regenerating the resolution file',
      x: 'pnpm complaining the lock is stale in CI',
    },
  ),
  // Distractors: same error codes and words, different story, no fix that answers the queries above.
  E(
    '`ECONNRESET` from the Stripe API during their incident on {{2024-02-01|2024-06-12}}; nothing to fix on our side, retries covered it.',
    ['ECONNRESET', 'stripe', 'incident'],
    undefined,
    { proj: ['payments-gateway'] },
  ),
  E(
    '`413` responses from the docs search proxy were Algolia rejecting over-long queries; we truncate the query to 512 characters.',
    ['413', 'algolia', 'docs'],
    undefined,
    { proj: ['docs-site'] },
  ),
  E(
    "Redis `READONLY You can't write against a read only replica` after a failover in {{p}}: the client kept the old primary. Enabled Sentinel-aware reconnects.",
    ['redis', 'READONLY', 'failover', 'sentinel'],
  ),
  E(
    'Postgres `remaining connection slots are reserved for non-replication superuser connections` in {{p}} during a deploy overlap; old and new pods both held full pools.',
    ['postgres', 'connection-slots', 'deploy'],
  ),
  E('Jest `--detectOpenHandles` reported an open Redis handle in {{p}} tests; we now quit the client in afterAll.', [
    'jest',
    'detectOpenHandles',
    'redis',
  ]),
  E(
    'Elasticsearch `version_conflict_engine_exception` in search-indexer on concurrent updates; we use external versioning with updated_at.',
    ['elasticsearch', 'version_conflict', 'versioning'],
    undefined,
    { proj: ['search-indexer'] },
  ),
  E(
    '`ETIMEDOUT` from the tax provider in billing-api during month-end; the timeout is 3 s and we fall back to the cached rate.',
    ['ETIMEDOUT', 'tax', 'timeout', 'fallback'],
    undefined,
    { proj: ['billing-api'] },
  ),
  E(
    '`TypeError: fetch failed` with cause `UND_ERR_CONNECT_TIMEOUT` in {{p}}: undici default connect timeout is 10 s and the VPN was slow.',
    ['undici', 'fetch', 'UND_ERR_CONNECT_TIMEOUT'],
  ),
  E(
    'Kubernetes readiness probe failures in {{p}} after the Node 20 upgrade: the probe path changed to /readyz but the manifest still said /health.',
    ['kubernetes', 'readiness', 'probe'],
  ),
  E(
    'iOS build failed with `No signing certificate "iOS Distribution" found` after the yearly certificate expired; renewed it with fastlane match.',
    ['ios', 'signing', 'fastlane', 'certificate'],
    undefined,
    { proj: ['mobile-app'] },
  ),
  E(
    'Android build failed with `Duplicate class kotlin.collections.jdk8` after a Gradle upgrade; aligned kotlin-stdlib versions.',
    ['android', 'gradle', 'kotlin'],
    undefined,
    { proj: ['mobile-app'] },
  ),
  E(
    '`SequelizeConnectionAcquireTimeoutError` in {{p}} under load: a transaction was left open on an error path. Wrapped it in sequelize.transaction(async …).',
    ['sequelize', 'pool', 'transaction'],
  ),
];

export const GOTCHAS: Seed[] = [
  G(
    "Jest fake timers don't flush pending promises: use `await jest.advanceTimersByTimeAsync(ms)`, not advanceTimersByTime.",
    ['jest', 'fake-timers'],
    {
      k: 'jest fake timers advanceTimersByTimeAsync',
      p: "mocked clocks in specs don't settle queued asynchronous work unless you call the async variant",
      x: 'fake timers with promises — which call',
    },
  ),
  G(
    '`Array.prototype.sort` compares numbers as strings by default: always pass a comparator `(a, b) => a - b`.',
    ['javascript', 'sort'],
    {
      k: 'sort comparator numbers strings',
      p: 'ordering integers puts 10 before 9 in JS unless you tell it how',
      x: 'sort without a comparator pitfall',
    },
  ),
  G(
    '`JSON.stringify` drops undefined fields, turns Dates into strings and throws on BigInt. Use serialize() from src/lib/json.ts.',
    ['json', 'serialization', 'bigint'],
    {
      k: 'JSON.stringify undefined BigInt serialize',
      p: 'converting objects to text silently loses missing values and blows up on huge integers',
      x: 'JSON.stringify losing fields',
    },
  ),
  G(
    'In Postgres, `NOT IN (subquery)` returns nothing when the subquery yields a NULL. Use NOT EXISTS.',
    ['postgres', 'sql', 'null'],
    {
      k: 'NOT IN NULL NOT EXISTS',
      p: 'an exclusion filter produced zero results because one compared value was unknown/empty',
      x: 'Postgres anti-join giving no rows',
    },
  ),
  G(
    "`new Date('2024-03-10')` parses as UTC midnight, but `new Date('2024-03-10T00:00')` is local time.",
    ['javascript', 'date', 'timezone'],
    {
      k: "new Date('2024-03-10') UTC local time",
      p: 'a day-only string and a day-plus-hour string get interpreted in different zones',
      x: 'Date constructor zone surprise',
    },
  ),
  G(
    'Docker on macOS: bind-mounted node_modules are very slow; keep node_modules in a named volume.',
    ['docker', 'macos', 'node_modules'],
    {
      k: 'bind-mounted node_modules named volume',
      p: 'dependencies shared from the Mac host into a container make everything crawl',
      x: 'Docker on Mac being slow — where to keep packages',
    },
  ),
  G('`pull.rebase=true` is expected in this repo; a merge commit in a PR means someone pulled without it.', [
    'git',
    'rebase',
  ]),
  G(
    "React useEffect runs twice in development under StrictMode; don't 'fix' it by removing StrictMode, make effects idempotent.",
    ['react', 'useEffect', 'StrictMode'],
    {
      k: 'useEffect runs twice StrictMode',
      p: 'hooks fire double only in dev builds; that is deliberate',
      x: 'StrictMode double invocation',
    },
  ),
  G('Redis `KEYS *` blocks the server on large datasets; use SCAN with a cursor.', ['redis', 'KEYS', 'SCAN'], {
    k: 'Redis KEYS SCAN',
    p: 'listing every entry in the key-value server froze production; iterate incrementally instead',
    x: 'KEYS command blocking — alternative',
  }),
  G(
    'Stripe amounts are integers in the smallest currency unit, but JPY has no minor unit: ¥500 is amount=500, not 50000.',
    ['stripe', 'JPY', 'zero-decimal'],
    {
      k: 'Stripe JPY zero-decimal amount',
      p: 'yen charges must not be multiplied by a hundred',
      x: 'zero-decimal currencies with Stripe',
    },
  ),
  G(
    "`process.env` values are always strings: `if (process.env.FEATURE_X)` is true for 'false'.",
    ['env', 'process.env', 'booleans'],
    {
      k: "process.env FEATURE_X 'false' strings",
      p: 'an environment toggle whose value reads 0 or off still counts as enabled',
      x: 'process.env toggle truthiness trap',
    },
  ),
  G(
    'TypeScript `const enum` breaks under isolatedModules; we use union string literal types instead of enums.',
    ['typescript', 'enum', 'isolatedModules'],
    {
      k: 'const enum isolatedModules union string literal',
      p: 'per-file transpilation cannot inline those named constant sets, so we model the choices another way',
      x: 'why no TypeScript enums',
    },
  ),
  G(
    'Elasticsearch `match` on keyword fields is exact; query the `.text` subfield for full-text.',
    ['elasticsearch', 'keyword', 'match'],
    undefined,
    { topic: 'gotchas' },
  ),
  G(
    '`Promise.all` rejects on the first failure and leaves the others running; use Promise.allSettled for best-effort fan-out.',
    ['promise', 'allSettled'],
    {
      k: 'Promise.all allSettled',
      p: 'running several async calls together aborts the combined result as soon as one fails',
      x: 'Promise.all short-circuit on failure',
    },
  ),
  G(
    'Kubernetes liveness probes that hit the database cause cascading restarts during a DB blip; liveness checks only the process, readiness may check dependencies.',
    ['kubernetes', 'liveness', 'readiness'],
    {
      k: 'liveness readiness probe database',
      p: 'health endpoints depending on the relational store made every pod reboot when it hiccupped',
      x: 'liveness probe restarts during outages',
    },
  ),
  G(
    'Our API returns money as strings ("12.30") so clients avoid float issues; never parseFloat them for arithmetic.',
    ['money', 'api', 'strings'],
    {
      k: 'money strings parseFloat',
      p: 'currency amounts arrive as text on purpose; do not convert them to decimals to add them up',
      x: 'why amounts are strings in responses',
    },
  ),
  G("`fetch` doesn't reject on HTTP 4xx/5xx; check `res.ok`.", ['fetch', 'http', 'res.ok'], {
    k: 'fetch res.ok 4xx reject',
    p: 'the browser request API treats server failure statuses as success unless you inspect the flag',
    x: 'fetch not throwing on a 500',
  }),
  G(
    'Store timestamps as `timestamptz`; `timestamp without time zone` silently drops offsets.',
    ['postgres', 'timestamptz', 'timezone'],
    {
      k: 'timestamptz timestamp without time zone',
      p: 'a column type for instants that forgets the hours-from-Greenwich information will bite you',
      x: 'Postgres column type for instants',
    },
  ),
  G("Prisma `updateMany` doesn't return the rows; follow it with findMany or use $queryRaw with RETURNING.", [
    'prisma',
    'updateMany',
    'RETURNING',
  ]),
  G(
    '`localStorage` throws in Safari private mode; wrap access in try/catch.',
    ['safari', 'localStorage', 'private-mode'],
    {
      k: 'localStorage Safari private mode',
      p: "the browser's persistent key-value API raises an exception in incognito on Apple's browser",
      x: 'localStorage crash in incognito',
    },
  ),
  G(
    'LaunchDarkly returns the fallback value until the client is initialised; await waitForInitialization() before rendering gated routes.',
    ['launchdarkly', 'feature-flags'],
    {
      k: 'LaunchDarkly waitForInitialization fallback',
      p: 'toggles read too early give the default answer, so protected screens flash the wrong version',
      x: 'flags wrong on first render',
    },
  ),
  G(
    "webpack's `process.env.X` replacement only works on the literal expression; `const { X } = process.env` is not replaced.",
    ['webpack', 'DefinePlugin', 'env'],
  ),
  G("CSS `position: sticky` doesn't work when any ancestor has `overflow: hidden`.", ['css', 'sticky', 'overflow'], {
    k: 'position sticky overflow hidden',
    p: "a header that should stay pinned while scrolling wasn't, because a parent clips its content",
    x: 'sticky header not sticking — parent clipping',
  }),
  G('`npm ci` deletes node_modules first; never run it in a loop in scripts.', ['npm', 'npm-ci']),
  G(
    "Bash `set -e` doesn't trigger inside `if` conditions or in pipelines without pipefail; our scripts start with `set -euo pipefail`.",
    ['bash', 'pipefail', 'scripts'],
    {
      k: 'set -euo pipefail',
      p: 'shell programs kept going after a failing command in a piped chain',
      x: 'bash strict mode header',
    },
  ),
  G(
    'S3 `ListObjectsV2` returns at most 1000 keys; always follow ContinuationToken.',
    ['s3', 'pagination', 'ListObjectsV2'],
    {
      k: 'ListObjectsV2 1000 ContinuationToken',
      p: 'enumerating bucket contents stops after the first thousand unless you keep paging',
      x: 'S3 listing truncated',
    },
  ),
  G(
    'React Native: console.log in release builds slows the JS thread; babel-plugin-transform-remove-console strips them.',
    ['react-native', 'console.log', 'performance'],
    undefined,
    { topic: 'gotchas' },
  ),
  G(
    'Never use `Math.random()` for tokens; use crypto.randomUUID() or crypto.randomBytes().',
    ['security', 'random', 'crypto'],
    {
      k: 'Math.random crypto.randomBytes tokens',
      p: 'generating secrets with a non-cryptographic entropy source is unsafe',
      x: 'random for session identifiers — which API',
    },
  ),
  G(
    'GitHub Actions `pull_request_target` runs with secrets on fork code; never check out the PR head in those workflows.',
    ['github-actions', 'security', 'pull_request_target'],
    {
      k: 'pull_request_target secrets fork checkout',
      p: 'a CI trigger for outside contributions has access to credentials, so never build their branch there',
      x: 'dangerous workflow trigger for forks',
    },
  ),
  G("Mongo's default ObjectId encodes creation time; don't put it in public URLs where ordering leaks volume.", [
    'mongodb',
    'ObjectId',
    'privacy',
  ]),
  G(
    '`Intl.NumberFormat` output contains a narrow no-break space in fr-FR; snapshot tests must not hardcode plain spaces.',
    ['intl', 'snapshot', 'i18n'],
    {
      k: 'Intl.NumberFormat fr-FR no-break space snapshot',
      p: 'French formatted amounts include an invisible special whitespace that breaks stored expected renderings',
      x: 'snapshot failures with French number formatting',
    },
  ),
  G(
    'Vitest runs test files in parallel workers by default; tests sharing a database need `--pool=forks` with a single fork.',
    ['vitest', 'parallel', 'database'],
  ),
  G(
    'The staging database is restored from a production snapshot every Sunday 03:00 UTC; anything you create in staging disappears.',
    ['staging', 'database', 'snapshot'],
    {
      k: 'staging restored production snapshot Sunday',
      p: 'records I made in the pre-release environment vanished over the weekend',
      x: 'staging wiped weekly — why',
    },
    { imp: 'high' },
  ),
  G('Cloudflare caches 404s for 3 minutes by default; a deploy that adds a missing asset may keep 404ing briefly.', [
    'cloudflare',
    'cache',
    '404',
  ]),
  G(
    'Docker: `COPY . .` before `npm ci` busts the layer cache on every change; copy package*.json first.',
    ['docker', 'layer-cache', 'Dockerfile'],
    {
      k: 'Docker COPY npm ci layer cache',
      p: 'image builds reinstalled every dependency after any source edit; reorder the instructions',
      x: 'Dockerfile ordering for faster rebuilds',
    },
  ),
  G(
    'Our JWTs are RS256 and the signing key rotates monthly: services fetch the JWKS, never hardcode the public key.',
    ['jwt', 'RS256', 'JWKS'],
    {
      k: 'RS256 JWKS rotates monthly',
      p: 'the verification material for bearer credentials changes every few weeks, so download it rather than pasting it into code',
      x: 'JWKS instead of a pinned key',
    },
    { imp: 'high' },
  ),
  G("`git stash` doesn't include untracked files unless you pass -u.", ['git', 'stash']),
  G(
    "strictNullChecks is off in legacy admin-portal code; don't assume types exclude null there.",
    ['typescript', 'strictNullChecks', 'legacy'],
    undefined,
    { topic: 'gotchas' },
  ),
  G(
    'Android 13 requires the POST_NOTIFICATIONS runtime permission; without asking, pushes are silently dropped.',
    ['android', 'notifications', 'permissions'],
    {
      k: 'Android 13 POST_NOTIFICATIONS permission',
      p: 'newer phone OS versions discard alerts unless the user explicitly consents',
      x: 'push not showing on Android 13',
    },
  ),
  G(
    'The rate limiter counts per API key, not per IP; internal services must send their own key or they share the public quota.',
    ['rate-limit', 'api-key'],
  ),
  G(
    'Lambda reuses the execution environment: module-level DB connections persist between invocations — good for pooling, bad for per-request state.',
    ['lambda', 'serverless', 'connections'],
  ),
  G(
    'BullMQ silently deduplicates jobs with the same jobId; include a timestamp if you really mean to re-enqueue.',
    ['bullmq', 'jobId', 'queue'],
    {
      k: 'BullMQ jobId deduplicated',
      p: 're-adding background work with an identical identifier is quietly ignored',
      x: 'BullMQ not enqueuing repeated work',
    },
  ),
  G(
    '`main` is protected: force-push is blocked and 2 approvals are needed; hotfixes go through release/* branches.',
    ['git', 'branch-protection', 'hotfix'],
    {
      k: 'main protected force-push release/* hotfix',
      p: 'urgent production corrections take a separate route because the default line is locked down',
      x: 'how hotfixes bypass the protected branch',
    },
    { imp: 'high' },
  ),
  G(
    'Chrome autofill ignores autocomplete="off" on login forms; use autocomplete="new-password" on the signup password field.',
    ['chrome', 'autofill', 'forms'],
  ),
  G('ts-node ignores tsconfig `paths` aliases unless tsconfig-paths/register is loaded.', [
    'ts-node',
    'paths',
    'aliases',
  ]),
  G(
    'PgBouncer in transaction mode breaks prepared statements and SET; with Prisma add `?pgbouncer=true` to the URL.',
    ['pgbouncer', 'prisma', 'prepared-statements'],
    {
      k: 'PgBouncer transaction mode prepared statements',
      p: 'the connection multiplexer in front of Postgres is incompatible with session-level features',
      x: 'Prisma behind PgBouncer — flag',
    },
  ),
  G('Excel shows IDs like 00123 as 123; CSV exports wrap IDs as ="00123".', ['excel', 'csv', 'leading-zeros']),
  G('{{p}}: the health endpoint is unauthenticated on purpose; everything else under /v1 requires a bearer token.', [
    'auth',
    'healthz',
    'bearer',
  ]),
  G('Daylight saving: never schedule anything between 02:00 and 03:00 local time.', ['cron', 'DST']),
];

export const COMMANDS: Seed[] = [
  C(
    '`{{pm}} run db:reset && {{pm}} run db:seed` rebuilds the local {{p}} database with fixtures.',
    ['db:reset', 'db:seed', 'fixtures'],
    {
      k: 'db:reset db:seed',
      p: 'how do I wipe my development relational store and fill it with sample records',
      x: 'reset the local DB with fixtures',
    },
  ),
  C(
    'Regenerate the GraphQL types with `{{pm}} run codegen` after editing any .graphql file in {{p}}.',
    ['codegen', 'graphql'],
    {
      k: 'codegen graphql types',
      p: 'how to refresh generated typings after changing the schema definition files',
      x: 'codegen after editing the schema',
    },
  ),
  C(
    'Tail production logs for {{p}}: `kubectl logs -n prod deploy/{{p}} -f --since=10m`.',
    ['kubectl', 'logs', 'prod'],
    {
      k: 'kubectl logs -n prod',
      p: 'how can I watch live output of the running service in the cluster',
      x: 'kubectl command to follow output',
    },
  ),
  C('Open a psql shell on the {{p}} staging database: `fly postgres connect -a {{p}}-staging-db`.', [
    'psql',
    'fly',
    'staging',
  ]),
  C('Run a single test file in {{p}}: `{{pm}} test -- src/{{orders|invoices|auth}}/service.test.ts -t "name"`.', [
    'tests',
    'single-test',
  ]),
  C(
    'Bump the mobile-app build number: `fastlane run increment_build_number`, then `fastlane beta`.',
    ['fastlane', 'build-number', 'beta'],
    {
      k: 'fastlane increment_build_number beta',
      p: 'how to publish a new internal tester version of the phone client',
      x: 'fastlane steps for a tester release',
    },
    { proj: ['mobile-app'] },
  ),
  C(
    'Create a migration in {{p}}: `npx prisma migrate dev --name <change>`; never edit migrations that were applied.',
    ['prisma', 'migrate', 'migrations'],
    {
      k: 'prisma migrate dev --name',
      p: 'how do I add a new schema change file to the relational store',
      x: 'new Prisma schema change — command',
    },
  ),
  C(
    'Local Stripe webhooks: `stripe listen --forward-to localhost:4000/webhooks/stripe` prints a fresh whsec_ secret for dev.',
    ['stripe', 'webhooks', 'stripe-cli'],
    {
      k: 'stripe listen --forward-to whsec_',
      p: 'how to receive payment provider callbacks on my laptop while developing',
      x: 'Stripe CLI for callbacks during development',
    },
    { proj: ['payments-gateway'] },
  ),
  C(
    'Rebuild the search index from scratch: `node scripts/reindex.js --alias products --batch 1000` (about 40 min).',
    ['reindex', 'elasticsearch', 'alias'],
    {
      k: 'reindex.js alias products',
      p: 'how to repopulate the full-text store from zero',
      x: 'rebuild search from nothing — script',
    },
    { proj: ['search-indexer'] },
  ),
  C(
    'Port-forward the prod Redis of {{p}} for debugging: `kubectl port-forward svc/redis 6380:6379 -n prod` (use the read-only user).',
    ['kubectl', 'port-forward', 'redis'],
  ),
  C(
    'Release the design-system: `pnpm changeset`, merge the version PR, CI publishes to the registry.',
    ['changesets', 'release', 'publish'],
    {
      k: 'pnpm changeset version PR publish',
      p: 'what are the steps to ship a new version of the shared UI kit',
      x: 'changesets flow for the component library',
    },
    { proj: ['design-system'] },
  ),
  C(
    'Profile a slow endpoint: `node --cpu-prof dist/server.js`, then open the .cpuprofile in Chrome DevTools.',
    ['profiling', 'cpu-prof', 'devtools'],
    {
      k: 'node --cpu-prof cpuprofile',
      p: 'how do I find where the server spends processor time on a sluggish request',
      x: 'CPU profile of a slow route',
    },
  ),
  C('Update snapshots in {{p}}: `{{pm}} test -- -u`, then review every changed snapshot in the diff.', [
    'snapshots',
    'tests',
  ]),
  C(
    'Run the data-pipeline job locally for one day: `python -m pipeline.run --date 2024-05-01 --dry-run`.',
    ['pipeline', 'dry-run', 'python'],
    {
      k: 'pipeline.run --date --dry-run',
      p: 'how to execute the overnight ETL on my machine for a single past day without writing anything',
      x: 'dry run of the nightly job for one date',
    },
    { proj: ['data-pipeline'] },
  ),
  C(
    'Decrypt the staging env file: `sops -d secrets/staging.enc.yaml > .env.staging` (needs your age key).',
    ['sops', 'secrets', 'staging', 'age'],
    {
      k: 'sops -d staging.enc.yaml age',
      p: 'how to unlock the encrypted configuration for the pre-production environment',
      x: 'sops to read pre-release settings',
    },
  ),
  C('Find which process holds a port: `lsof -i :{{3000|4000|8080}}`.', ['lsof', 'ports']),
  C(
    'Bisect a regression in {{p}}: `git bisect start HEAD v{{2.3.0|1.8.0}} && git bisect run {{pm}} test`.',
    ['git', 'bisect', 'regression'],
    {
      k: 'git bisect run',
      p: 'automatically find which commit introduced a breakage by running the suite',
      x: 'find the bad commit with bisect',
    },
  ),
  C(
    'Clear the Metro bundler cache: `npx react-native start --reset-cache`.',
    ['metro', 'react-native', 'cache'],
    {
      k: 'react-native start --reset-cache Metro',
      p: 'the phone JS packager serves stale code; how do I flush it',
      x: 'Metro serving old code',
    },
    { proj: ['mobile-app'] },
  ),
  C(
    'Generate the API client from the OpenAPI spec: `npx openapi-typescript openapi.yaml -o src/api/schema.d.ts`.',
    ['openapi', 'codegen', 'types'],
    {
      k: 'openapi-typescript openapi.yaml schema.d.ts',
      p: 'how are typed request helpers produced from the interface description document',
      x: 'OpenAPI to TypeScript — command',
    },
  ),
  C('Load-test staging: `k6 run --vus 50 --duration 5m load/checkout.js`.', ['k6', 'load-test', 'staging'], {
    k: 'k6 run vus duration',
    p: 'how do we simulate fifty concurrent shoppers against pre-production',
    x: 'stress the checkout flow — tool invocation',
  }),
  C(
    'Find large files in git history: `git rev-list --objects --all | git cat-file --batch-check | sort -k3 -n | tail`.',
    ['git', 'large-files'],
  ),
  C(
    'Connect to the prod read replica (read-only) for {{p}}: `psql $PROD_REPLICA_URL` from the bastion host, never from a laptop.',
    ['psql', 'replica', 'bastion'],
    {
      k: 'psql PROD_REPLICA_URL bastion',
      p: 'how do I safely query live data without risking writes',
      x: 'read replica access — from where',
    },
  ),
  C(
    'Purge the Cloudflare cache for docs-site after a hotfix: POST to the zone purge_cache endpoint with purge_everything, using CF_API_TOKEN from Vault.',
    ['cloudflare', 'purge', 'cache'],
    {
      k: 'purge_cache purge_everything CF_API_TOKEN',
      p: 'the public manual still shows the old page after a fix; how do I invalidate the edge copies',
      x: 'Cloudflare still serving old docs',
    },
    { proj: ['docs-site'] },
  ),
  C(
    'Run Storybook for design-system: `pnpm storybook` on port 6006; visual tests with `pnpm chromatic`.',
    ['storybook', 'chromatic', 'visual-tests'],
    {
      k: 'pnpm storybook chromatic 6006',
      p: 'how do I browse the UI kit pieces in isolation and compare screenshots',
      x: 'Storybook for the component library',
    },
    { proj: ['design-system'] },
  ),
  C(
    'Replay failed webhooks: `node scripts/replay-webhooks.js --since 2h --status failed` in payments-gateway.',
    ['webhooks', 'replay'],
    {
      k: 'replay-webhooks.js --status failed',
      p: 'how to resend provider callbacks that errored in the last couple of hours',
      x: 'replay webhooks after an outage',
    },
    { proj: ['payments-gateway'] },
  ),
  C(
    'Scale {{p}} manually during incidents: `kubectl scale deploy/{{p}} --replicas=10 -n prod`; the HPA takes over again later.',
    ['kubectl', 'scale', 'incident'],
  ),
  C('Type-check without emitting: `npx tsc --noEmit -p .`; CI fails on any error.', ['tsc', 'typecheck']),
  C('Seed a test tenant in {{p}} with realistic data: `{{pm}} run seed:tenant -- --orders 500`.', [
    'seed',
    'tenant',
    'fixtures',
  ]),
  C(
    'Debug the e2e suite headed: `npx playwright test --headed --debug checkout.spec.ts`.',
    ['playwright', 'debug', 'e2e'],
    {
      k: 'playwright test --headed --debug',
      p: 'how do I watch the browser automation step by step when a UI check fails',
      x: 'Playwright visible mode to investigate',
    },
  ),
  C('Dump the prod schema (no data) for a migration review: `pg_dump --schema-only $DATABASE_URL > schema.sql`.', [
    'pg_dump',
    'schema',
  ]),
  C('Upgrade dependencies interactively in {{p}}: `pnpm up -i --latest`, one PR per major version.', [
    'pnpm',
    'upgrade',
    'dependencies',
  ]),
  C(
    'Check bundle size for {{p}}: `{{pm}} run build && npx source-map-explorer dist/assets/*.js`.',
    ['bundle-size', 'source-map-explorer'],
    {
      k: 'source-map-explorer bundle size',
      p: 'how to see which modules make the shipped frontend so heavy',
      x: 'analyse what bloats the bundle',
    },
  ),
  C('Tag a release: `git tag -a v$(node -p "require(\'./package.json\').version") -m release && git push --tags`.', [
    'git',
    'tag',
    'release',
  ]),
  C('Local HTTPS certificate: `mkcert -install && mkcert localhost 127.0.0.1`.', ['mkcert', 'https', 'localhost'], {
    k: 'mkcert localhost',
    p: 'how do I get a browser-trusted TLS identity for serving encrypted pages on my machine',
    x: 'local https cert tool',
  }),
  C(
    'Android logs: `adb logcat *:E ReactNativeJS:V` shows only errors plus JS logs.',
    ['adb', 'logcat', 'android'],
    {
      k: 'adb logcat ReactNativeJS',
      p: 'how to read crash output from the phone with only the important lines',
      x: 'logcat filtered to the important stuff',
    },
    { proj: ['mobile-app'] },
  ),
  C(
    'Production migrations for {{p}} run through the `migrate` GitHub Actions workflow (workflow_dispatch), never by hand.',
    ['migrations', 'github-actions', 'workflow_dispatch'],
    {
      k: 'migrate workflow_dispatch',
      p: 'how do schema changes get applied to live systems — manually or automated',
      x: 'running migrations in prod — which workflow',
    },
  ),
  C(
    'Debug Node inside Docker: `docker compose run --service-ports -e NODE_OPTIONS=--inspect=0.0.0.0:9229 {{p}}`, then attach VS Code.',
    ['docker', 'inspect', '9229', 'debugging'],
  ),
  C(
    'Per-tenant row counts on the replica: `SELECT tenant_id, count(*) FROM orders GROUP BY 1 ORDER BY 2 DESC LIMIT 20;`.',
    ['sql', 'tenant', 'replica'],
  ),
  C(
    'Regenerate design tokens from Figma: `pnpm tokens:sync` (needs FIGMA_TOKEN).',
    ['figma', 'tokens', 'design-tokens'],
    {
      k: 'tokens:sync FIGMA_TOKEN',
      p: "pull the latest colours and spacing from the designers' tool into code",
      x: 'sync tokens from the design app',
    },
    { proj: ['design-system'] },
  ),
  C('Start the whole stack for {{p}} locally: `docker compose up -d && {{pm}} run dev`.', ['docker-compose', 'dev']),
  C(
    'Build the docs-site preview: `{{pm}} run build && {{pm}} run preview`, served on port 4173.',
    ['docs', 'preview'],
    undefined,
    { proj: ['docs-site'] },
  ),
];

export const CONVENTIONS: Seed[] = [
  V('Branch names: `feat/<ticket>-<slug>`, `fix/<ticket>-<slug>`, `chore/<slug>`.', ['git', 'branches'], {
    k: 'branch names feat fix chore',
    p: 'what should I call a version-control line of work for an issue',
    x: 'naming for branches',
  }),
  V(
    'Commit messages follow Conventional Commits (`feat(scope): …`); commitlint enforces it in the commit-msg hook.',
    ['git', 'conventional-commits', 'commitlint'],
    {
      k: 'Conventional Commits commitlint',
      p: 'what format must the description of each change I record in version control obey',
      x: 'commit message format rule',
    },
  ),
  V(
    'React components: one per file, PascalCase filename, named export (no default exports).',
    ['react', 'components', 'exports'],
    {
      k: 'PascalCase named export default exports',
      p: 'what casing do UI piece files use and how are they exposed',
      x: 'component file naming rule',
    },
  ),
  V(
    'SQL tables are snake_case plural (`order_items`), primary key `id` (UUIDv7), timestamps `created_at`/`updated_at` as timestamptz.',
    ['sql', 'naming', 'schema'],
    {
      k: 'snake_case plural UUIDv7 created_at',
      p: 'how should new relational structures be labelled and identified',
      x: 'table naming convention',
    },
  ),
  V(
    'API errors use RFC 7807 problem+json with a stable `code` field; never leak stack traces.',
    ['api', 'errors', 'rfc7807'],
    {
      k: 'RFC 7807 problem+json',
      p: 'what shape do failure responses from our endpoints take',
      x: 'error body format',
    },
  ),
  V(
    'Feature flags are named `<team>.<feature>` and need an owner and an expiry date in the flag description.',
    ['feature-flags', 'naming'],
    {
      k: 'feature flags <team>.<feature> owner expiry',
      p: 'what rules apply when creating a new rollout toggle',
      x: 'flag naming and cleanup rule',
    },
  ),
  V(
    'Env vars are UPPER_SNAKE_CASE, prefixed with the service (`BILLING_`), and documented in .env.example.',
    ['env', 'configuration'],
    {
      k: '.env.example UPPER_SNAKE_CASE prefix',
      p: 'how should settings read from the environment be named and where are they listed',
      x: 'naming env variables',
    },
  ),
  V(
    'Tests live next to the code as `*.test.ts`; end-to-end tests in /e2e; fixtures in __fixtures__.',
    ['tests', 'layout'],
    { k: '*.test.ts e2e __fixtures__', p: 'where do spec files go relative to the source', x: 'test file placement' },
  ),
  V(
    'PRs need a linked ticket, how it was tested, and screenshots for UI changes; squash-merge only.',
    ['pull-requests', 'review'],
    {
      k: 'squash-merge PR screenshots linked ticket',
      p: 'what must a change request include before it can land',
      x: 'pull request checklist requirements',
    },
  ),
  V(
    'Money fields are integer cents plus an ISO 4217 currency code (`amount_cents`, `currency`).',
    ['money', 'schema', 'currency'],
    {
      k: 'amount_cents ISO 4217 currency',
      p: 'how do we model prices in records and payloads',
      x: 'money field convention',
    },
  ),
  V(
    'Log lines are JSON with `level`, `msg`, `request_id`, `tenant_id`; no PII (emails, card numbers) in logs.',
    ['logging', 'pii'],
    {
      k: 'request_id tenant_id PII',
      p: 'what must structured diagnostics carry and what may never be written there',
      x: 'logging fields and personal data',
    },
  ),
  V(
    'REST endpoints are plural nouns in kebab-case, versioned by URL prefix `/v1/`; actions are sub-resources (`/v1/invoices/{id}/void`).',
    ['rest', 'api', 'naming'],
    {
      k: 'kebab-case /v1/ plural nouns',
      p: 'what is the shape of our HTTP route paths and how do we introduce incompatible revisions',
      x: 'endpoint naming convention',
    },
  ),
  V('Dates in APIs are ISO 8601 strings in UTC with `Z`; never epoch numbers.', ['api', 'dates', 'iso8601'], {
    k: 'ISO 8601 UTC Z epoch',
    p: 'how should moments in time be serialised in responses',
    x: 'date format in payloads',
  }),
  V('Imports are ordered: node built-ins, external, internal alias `@/`, relative; eslint-plugin-import enforces it.', [
    'imports',
    'eslint',
  ]),
  V(
    'Every DB migration must be backward compatible with the previous release (expand → migrate → contract).',
    ['migrations', 'compatibility'],
    {
      k: 'expand migrate contract backward compatible',
      p: 'schema changes have to keep the previously deployed version working',
      x: 'migration compatibility rule',
    },
    { imp: 'critical' },
  ),
  V('Use `type` aliases for unions and `interface` for object shapes that get extended.', ['typescript', 'types']),
  V(
    'CSS class names in design-system use BEM with the `ds-` prefix (`ds-button--primary`).',
    ['css', 'BEM', 'design-system'],
    {
      k: 'BEM ds- prefix',
      p: 'what labelling scheme do style selectors follow in the shared UI kit',
      x: 'class naming in the UI kit',
    },
  ),
  V('Breaking changes in design-system need a migration note in CHANGELOG.md and a major version bump.', [
    'semver',
    'changelog',
  ]),
  V(
    'Secrets never go in git: .env is gitignored, gitleaks runs in pre-commit and CI.',
    ['secrets', 'gitleaks'],
    {
      k: 'gitleaks .env pre-commit',
      p: 'how do we stop credentials being pushed to the repository',
      x: 'secret scanning hook',
    },
    { imp: 'critical' },
  ),
  V(
    "billing-api's domain layer returns Result<T, E>; exceptions only for programmer errors.",
    ['error-handling', 'result-type'],
    undefined,
    { topic: 'conventions-billing-api' },
  ),
  V('Code review needs an approval from a code owner (CODEOWNERS); authors merge their own PRs.', [
    'review',
    'CODEOWNERS',
  ]),
  V('Every caught-and-ignored exception is reported with Sentry.captureException and a `reason` tag.', [
    'sentry',
    'error-handling',
  ]),
  V(
    'i18n keys are dot-separated by screen (`checkout.summary.total`); never concatenate translated strings.',
    ['i18n', 'keys'],
    {
      k: 'i18n keys dot-separated',
      p: 'how are the identifiers for localisable phrases organised',
      x: 'translation key structure',
    },
  ),
  V(
    'Dependencies are pinned to exact versions (save-exact=true in .npmrc); Renovate opens weekly grouped PRs.',
    ['dependencies', 'renovate'],
    {
      k: 'save-exact .npmrc Renovate',
      p: 'how are third-party package versions locked and kept current',
      x: 'dependency pinning policy',
    },
  ),
  V(
    'Every interactive element must be keyboard reachable and have an accessible name; axe checks run in CI.',
    ['accessibility', 'axe'],
    {
      k: 'keyboard accessible name axe',
      p: 'what do we require so that people using assistive tech can operate the UI',
      x: 'keyboard rule for controls',
    },
  ),
  V('Use async/await rather than `.then()` chains, except in one-liners.', ['async', 'style']),
  V('Public functions get a TSDoc comment explaining why, not what.', ['docs', 'comments']),
  V('IDs in URLs are prefixed ULIDs (`inv_01H…`, `cus_01H…`).', ['ids', 'ulid'], {
    k: 'prefixed ULIDs inv_ cus_',
    p: 'what do identifiers in links look like',
    x: 'ID format in URLs',
  }),
  V(
    'Every outbound call has a timeout: 5 s by default, set explicitly with AbortSignal.timeout().',
    ['timeouts', 'http'],
    {
      k: 'AbortSignal.timeout 5 s',
      p: 'how long do we wait for remote services before giving up by default',
      x: 'default deadline for outgoing requests',
    },
  ),
  V(
    'Database access only through repositories in src/repositories; no queries in route handlers.',
    ['architecture', 'repositories'],
    {
      k: 'src/repositories route handlers',
      p: 'where may code talk to the relational store and where not',
      x: 'repository pattern rule',
    },
  ),
  V(
    'mobile-app screens are named `<Feature>Screen.tsx` and registered in src/navigation/routes.ts.',
    ['react-native', 'navigation'],
    undefined,
    { topic: 'conventions-mobile-app' },
  ),
  V('Each service exposes /healthz (liveness) and /readyz (readiness).', ['healthz', 'readyz', 'kubernetes'], {
    k: '/healthz /readyz',
    p: 'what paths do orchestrator checks hit on every service',
    x: 'liveness probe endpoint path',
  }),
  V("Dates shown to users use the locale and timezone from their profile, never the browser's.", [
    'i18n',
    'timezone',
    'dates',
  ]),
  V('Release tags are `v<major>.<minor>.<patch>`; release notes are generated from commit messages.', [
    'release',
    'semver',
  ]),
  V('Workspace packages are named `@acme/<name>`.', ['monorepo', 'naming']),
  V(
    'search-indexer: index names carry a version suffix (`products_v7`) behind an alias; reindex into a new version and swap the alias.',
    ['elasticsearch', 'aliases'],
    {
      k: 'products_v7 alias swap',
      p: 'how do we rebuild the full-text store without downtime for readers',
      x: 'zero-downtime reindex convention',
    },
    { topic: 'conventions-search-indexer' },
  ),
  V(
    'data-pipeline: every table loaded into the warehouse has `_loaded_at` and `_source` columns.',
    ['warehouse', 'bigquery', 'lineage'],
    undefined,
    { topic: 'conventions-data-pipeline' },
  ),
  V(
    'payments-gateway: every state change of a payment is an append-only event in payment_events; the payments row is a projection.',
    ['event-sourcing', 'payments'],
    {
      k: 'payment_events append-only projection',
      p: 'how is the history of each charge recorded — do we overwrite or only add',
      x: 'event log for payments',
    },
    { topic: 'conventions-payments-gateway' },
  ),
];

export const PREFERENCES: Seed[] = [
  P('Prefer early returns over nested if/else blocks.', ['style', 'control-flow'], {
    k: 'early returns nested if/else',
    p: 'how does the user like conditional logic structured — guard clauses?',
    x: 'preference on nesting conditions',
  }),
  P('Use pnpm in new projects, not npm or yarn.', ['pnpm', 'tooling']),
  P('2-space indentation everywhere, including YAML and JSON; no tabs.', ['formatting', 'indentation'], {
    k: '2-space indentation tabs',
    p: 'what whitespace width per nesting level do they want',
    x: 'indent width preference',
  }),
  P(
    'Wants concise answers: code first, then at most three bullet points of explanation.',
    ['communication', 'answers'],
    {
      k: 'concise answers bullet points',
      p: 'how long should replies be — short, snippets before prose?',
      x: 'answer length preference',
    },
    { imp: 'critical' },
  ),
  P('Prefers map/filter/reduce over for loops unless performance matters.', ['style', 'functional']),
  P(
    "Don't add new dependencies without asking; prefer the standard library.",
    ['dependencies'],
    {
      k: 'new dependencies without asking standard library',
      p: 'may the agent pull in third-party packages freely?',
      x: 'adding packages — ask first?',
    },
    { imp: 'critical' },
  ),
  P('Always add a test with every bug fix, in the same commit.', ['testing', 'bugfix'], {
    k: 'test with every bug fix same commit',
    p: 'when correcting a defect, what else must accompany the change',
    x: 'regression test expectation',
  }),
  P('Likes descriptive variable names; no single letters except loop indices.', ['naming', 'style'], {
    k: 'descriptive variable names single letters',
    p: 'taste for how identifiers are labelled in code',
    x: 'naming preference for locals',
  }),
  P('Prefers Vitest over Jest for new TypeScript projects.', ['vitest', 'jest', 'testing']),
  P(
    "Explain trade-offs before an architectural change; don't refactor unasked.",
    ['collaboration', 'refactoring'],
    {
      k: 'trade-offs refactor unasked',
      p: 'should the agent restructure code without permission?',
      x: 'refactoring without being asked',
    },
    { imp: 'critical' },
  ),
  P(
    'Editor: VS Code with Vim keybindings; format on save with Prettier.',
    ['editor', 'vim', 'vscode'],
    {
      k: 'Vim keybindings format on save',
      p: 'what modal editing setup does the developer use',
      x: 'editor setup with Vim',
    },
    { topic: 'preferences-editor' },
  ),
  P('Prefers hand-written SQL over ORM query builders for reporting queries.', ['sql', 'orm', 'reporting'], {
    k: 'hand-written SQL ORM reporting',
    p: 'for analytics-style lookups, raw statements or a mapper?',
    x: 'SQL by hand for reports',
  }),
  P('British spelling in docs and UI copy (colour, behaviour).', ['writing', 'spelling'], {
    k: 'British spelling colour behaviour',
    p: 'which English variant for written text',
    x: 'spelling variant, UK vs US English',
  }),
  P('Commit often with small diffs; never commit commented-out code.', ['git', 'commits']),
  P('Prefers `const` arrow functions for callbacks but function declarations for top-level exports.', [
    'style',
    'functions',
  ]),
  P('No emojis in commit messages or code comments.', ['style', 'commits'], {
    k: 'emojis commit messages',
    p: 'are pictographs acceptable in change descriptions',
    x: 'emoji usage in commits',
  }),
  P(
    'Works in CET (Europe/Berlin); no meetings before 10:00.',
    ['schedule', 'timezone'],
    {
      k: 'CET Europe/Berlin meetings 10:00',
      p: 'what hours suit the developer for calls',
      x: 'meeting time preference',
    },
    { topic: 'preferences' },
  ),
  P('Prefers throwing early with actionable messages over returning null.', ['error-handling']),
  P('TODOs must include a ticket number (`TODO(BIL-123)`).', ['todos', 'tickets'], {
    k: 'TODO ticket number',
    p: 'how should reminders left in code reference tracking items',
    x: 'TODO format preference',
  }),
  P(
    'Likes strict TypeScript: strict: true, noUncheckedIndexedAccess, no `any` without a comment.',
    ['typescript', 'strict'],
    {
      k: 'strict noUncheckedIndexedAccess any',
      p: 'how rigorous should the compiler settings be',
      x: 'TypeScript strictness preference',
    },
  ),
  P('Prefers Markdown tables over long bullet lists for comparisons.', ['writing', 'markdown']),
  P("Runs tests in watch mode locally; don't start long-running processes in the terminal.", ['testing', 'terminal']),
  P('When unsure, ask one clarifying question rather than guessing.', ['collaboration'], {
    k: 'ask one clarifying question',
    p: 'what should the assistant do if the request is ambiguous',
    x: 'guessing vs asking preference',
  }),
  P('Postgres for anything relational; SQLite only for local tools and tests.', ['postgres', 'sqlite', 'databases']),
  P('Shell: zsh with oh-my-zsh; aliases gco, gst, gp.', ['shell', 'zsh'], undefined, { topic: 'preferences-editor' }),
  P('Prefers `git switch` and `git restore` over `git checkout`.', ['git']),
  P('Avoid classes for stateless logic; plain functions and modules.', ['style', 'architecture'], {
    k: 'avoid classes stateless functions modules',
    p: 'object-oriented wrappers or bare procedures for behaviour without internal data?',
    x: 'class usage preference',
  }),
  P('PR descriptions as: Why, What, How tested.', ['pull-requests', 'writing']),
  P(
    'Font: JetBrains Mono 14, ligatures off.',
    ['editor', 'font'],
    { k: 'JetBrains Mono ligatures', p: 'what typeface does the user code in', x: 'editor typeface choice' },
    { topic: 'preferences-editor' },
  ),
  P('Dark theme everywhere; screenshots in docs may be dark.', ['editor', 'theme'], undefined, {
    topic: 'preferences-editor',
  }),
  P('Wants the agent to run the type-checker before saying a change is done.', ['workflow', 'typecheck'], {
    k: 'run the type-checker before done',
    p: 'what verification is expected before the assistant reports completion',
    x: 'compile check before finishing',
  }),
];
