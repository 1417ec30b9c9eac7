/**
 * ICM's `learn_project` scan (ICM 0.10.57 `crates/icm-core/src/learn.rs`): a project folder becomes a
 * plan of concepts labelled `kind:<project|dependency|module|entrypoint|config|script>` and links
 * (module/entry point part_of, project depends_on dependency, config/script related_to project).
 * Read-only; the store writes the plan in one batch. Beyond ICM: npm `scripts`, Go one-line
 * `require`, Python `requirements.txt`, npm workspaces given as `{packages: […]}`, a name used twice
 * (a dependency named like the project) kept as `name (kind)` instead of failing the whole learn.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { InvalidInputError } from '../errors';
import type { Relation } from './model';
import { parseToml, type TomlTable } from './toml';

export type ConceptKind = 'project' | 'dependency' | 'module' | 'entrypoint' | 'config' | 'script';

export interface LearnPlan {
  name: string;
  concepts: { name: string; definition: string; kind: ConceptKind }[];
  links: { from: string; to: string; relation: Relation }[];
}

export interface LearnResult {
  memoirId: string;
  projectName: string;
  totalConcepts: number;
  linkCount: number;
  plan: LearnPlan;
}

/** ICM keeps the first 15 dependencies. */
export const MAX_DEPENDENCIES = 15;

const ENTRY_NAMES = ['main.rs', 'lib.rs', 'index.ts', 'index.js', 'main.py', '__main__.py', 'main.go', 'mod.rs'];
const CONFIG_FILES: [string, string][] = [
  ['Dockerfile', 'Docker build file'],
  ['docker-compose.yml', 'Docker Compose configuration'],
  ['docker-compose.yaml', 'Docker Compose configuration'],
  ['.gitlab-ci.yml', 'GitLab CI configuration'],
  ['.travis.yml', 'Travis CI configuration'],
  ['Jenkinsfile', 'Jenkins pipeline'],
  ['.circleci/config.yml', 'CircleCI configuration'],
  ['.env.example', 'Environment variables template'],
  ['rust-toolchain.toml', 'Rust toolchain configuration'],
  ['rust-toolchain', 'Rust toolchain configuration'],
  ['.rustfmt.toml', 'Rust formatting configuration'],
  ['clippy.toml', 'Clippy lint configuration'],
  ['tsconfig.json', 'TypeScript configuration'],
  ['.eslintrc.json', 'ESLint configuration'],
  ['.prettierrc', 'Prettier configuration'],
];
const SCRIPT_FILES: [string, string][] = [
  ['Makefile', 'Makefile build system'],
  ['justfile', 'Just command runner'],
  ['Justfile', 'Just command runner'],
  ['Taskfile.yml', 'Task runner configuration'],
  ['Rakefile', 'Ruby Rake build file'],
];

async function readText(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}
async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}
async function isDir(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
/** Directory entries sorted by name (ICM's `read_dir` order is the file system's). */
async function entries(dir: string): Promise<{ name: string; dir: boolean }[]> {
  try {
    const list = await fs.readdir(dir, { withFileTypes: true });
    return list.map((e) => ({ name: e.name, dir: e.isDirectory() })).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return [];
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

interface Manifests {
  cargo: TomlTable | null;
  npm: Record<string, unknown> | null;
  py: TomlTable | null;
  gomod: string | null;
}

async function readManifests(dir: string): Promise<Manifests> {
  const [cargo, npm, py, gomod] = await Promise.all([
    readText(path.join(dir, 'Cargo.toml')),
    readText(path.join(dir, 'package.json')),
    readText(path.join(dir, 'pyproject.toml')),
    readText(path.join(dir, 'go.mod')),
  ]);
  let npmJson: Record<string, unknown> | null;
  try {
    npmJson = npm === null ? null : (obj(JSON.parse(npm)) ?? null);
  } catch {
    npmJson = null;
  }
  return {
    cargo: cargo === null ? null : parseToml(cargo),
    npm: npmJson,
    py: py === null ? null : parseToml(py),
    gomod,
  };
}

function describe(lang: string, name: string, version: string, desc: string): string {
  return `${lang} project: ${name} v${version}${desc ? ` — ${desc}` : ''}`;
}

function identity(m: Manifests, projectName: string): string {
  if (m.cargo) {
    const pkg = obj(m.cargo.package);
    const lang = m.cargo.workspace !== undefined ? 'Rust workspace' : 'Rust';
    return describe(lang, str(pkg?.name) ?? 'unknown', str(pkg?.version) ?? '?', str(pkg?.description) ?? '');
  }
  if (m.npm)
    return describe('Node.js', str(m.npm.name) ?? 'unknown', str(m.npm.version) ?? '?', str(m.npm.description) ?? '');
  if (m.py) {
    const p = obj(m.py.project) ?? obj(obj(m.py.tool)?.poetry);
    if (p) return describe('Python', str(p.name) ?? 'unknown', str(p.version) ?? '?', str(p.description) ?? '');
  }
  const mod = m.gomod && /^module\s+(\S+)/m.exec(m.gomod);
  if (mod) return `Go project: ${mod[1]}`;
  return `Project: ${projectName}`;
}

async function dependencies(dir: string, m: Manifests): Promise<[string, string][]> {
  const cargo: [string, string][] = [];
  for (const table of [obj(obj(m.cargo?.workspace)?.dependencies), obj(m.cargo?.dependencies)]) {
    for (const [name, v] of Object.entries(table ?? {})) cargo.push([name, str(v) ?? str(obj(v)?.version) ?? '']);
  }
  if (cargo.length) return cargo;
  const npm: [string, string][] = [];
  for (const section of ['dependencies', 'devDependencies']) {
    for (const [name, v] of Object.entries(obj(m.npm?.[section]) ?? {})) npm.push([name, str(v) ?? '']);
  }
  if (npm.length) return npm;
  const py: [string, string][] = [];
  const pep621 = obj(m.py?.project)?.dependencies;
  for (const d of Array.isArray(pep621) ? pep621 : []) {
    if (typeof d === 'string') py.push([/^[A-Za-z0-9_-]+/.exec(d.trim())?.[0] ?? d, '']);
  }
  for (const [name, v] of Object.entries(obj(obj(obj(m.py?.tool)?.poetry)?.dependencies) ?? {})) {
    if (name !== 'python') py.push([name, str(v) ?? '']);
  }
  if (!py.length) {
    for (const line of ((await readText(path.join(dir, 'requirements.txt'))) ?? '').split('\n')) {
      const t = line.replace(/#.*/, '').trim();
      const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(t)?.[0];
      if (name && !t.startsWith('-'))
        py.push([
          name,
          t
            .slice(name.length)
            .replace(/^\[.*?\]/, '')
            .trim(),
        ]);
    }
  }
  if (py.length) return py;
  const go: [string, string][] = [];
  let block = false;
  for (const line of (m.gomod ?? '').split('\n')) {
    const t = line.replace(/\/\/.*/, '').trim();
    if (/^require\s*\($/.test(t)) block = true;
    else if (block && t === ')') block = false;
    else {
      const parts = (block ? t : (/^require\s+(.*)$/.exec(t)?.[1] ?? '')).split(/\s+/);
      if (parts.length >= 2 && parts[0]) go.push([parts[0].split('/').pop()!, parts[1]]);
    }
  }
  return go;
}

/** "crates/*" → every folder in crates/; a plain path → itself if it is a folder. */
async function expandGlob(dir: string, pattern: string): Promise<string[]> {
  if (pattern.includes('*')) {
    const parent = path.join(dir, pattern.replace(/\/\*+$/, '').replace(/\*+$/, ''));
    return (await entries(parent)).filter((e) => e.dir).map((e) => path.join(parent, e.name));
  }
  const full = path.join(dir, pattern);
  return (await isDir(full)) ? [full] : [];
}

async function rustMembers(dir: string, m: Manifests): Promise<[string, string][] | null> {
  const members = obj(m.cargo?.workspace)?.members;
  if (!Array.isArray(members)) return null;
  const out: [string, string][] = [];
  for (const pattern of members) {
    if (typeof pattern !== 'string') continue;
    for (const p of await expandGlob(dir, pattern)) {
      const name = path.basename(p);
      const member = parseToml((await readText(path.join(p, 'Cargo.toml'))) ?? '');
      const desc = str(obj(member?.package)?.description);
      out.push([name, desc ? `Rust crate: ${name} — ${desc}` : `Rust crate: ${name}`]);
    }
  }
  return out.length ? out : null;
}

async function modules(dir: string, m: Manifests): Promise<[string, string][]> {
  const rust = await rustMembers(dir, m);
  if (rust) return rust;
  const ws = m.npm?.workspaces;
  const patterns = Array.isArray(ws) ? ws : Array.isArray(obj(ws)?.packages) ? (obj(ws)!.packages as unknown[]) : [];
  const npm: [string, string][] = [];
  for (const p of patterns) {
    if (typeof p !== 'string') continue;
    for (const full of await expandGlob(dir, p)) npm.push([path.basename(full), `Package: ${path.basename(full)}`]);
  }
  if (npm.length) return npm;
  return (await entries(path.join(dir, 'src')))
    .filter((e) => e.dir && !e.name.startsWith('.') && e.name !== '__pycache__')
    .map((e) => [e.name, `Module: ${e.name}`]);
}

/** (relative path, parent module name) of each entry point. */
async function entrypoints(dir: string, m: Manifests): Promise<[string, string | null][]> {
  const out: [string, string | null][] = [];
  for (const n of ENTRY_NAMES) if (await exists(path.join(dir, 'src', n))) out.push([`src/${n}`, null]);
  for (const [mod] of (await rustMembers(dir, m)) ?? []) {
    for (const prefix of ['crates', 'packages', 'libs', 'apps', '']) {
      const base = prefix ? path.join(prefix, mod) : mod;
      if (!(await isDir(path.join(dir, base, 'src')))) continue;
      for (const n of ENTRY_NAMES) {
        if (n !== 'mod.rs' && (await exists(path.join(dir, base, 'src', n)))) out.push([`${base}/src/${n}`, mod]);
      }
    }
  }
  for (const n of ['index.ts', 'index.js', 'main.py', 'main.go'])
    if (await exists(path.join(dir, n))) out.push([n, null]);
  return out;
}

async function configs(dir: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const e of await entries(path.join(dir, '.github', 'workflows'))) {
    if (!e.dir && /\.ya?ml$/.test(e.name))
      out.push([`.github/workflows/${e.name}`, `GitHub Actions workflow: ${e.name}`]);
  }
  for (const [file, desc] of CONFIG_FILES) if (await exists(path.join(dir, file))) out.push([file, desc]);
  return out;
}

async function scripts(dir: string, m: Manifests): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const [file, desc] of SCRIPT_FILES) if (await exists(path.join(dir, file))) out.push([file, desc]);
  for (const e of await entries(path.join(dir, 'scripts'))) {
    if (!e.dir && /\.(sh|py|ts|js)$/.test(e.name)) out.push([`scripts/${e.name}`, `Script: ${e.name}`]);
  }
  for (const [name, cmd] of Object.entries(obj(m.npm?.scripts) ?? {})) {
    if (typeof cmd === 'string') out.push([`npm run ${name}`, `npm script: ${cmd}`]);
  }
  return out;
}

/** Scans `dir` into a plan; `name` defaults to the folder's name. */
export async function learnPlan(dir: string, name?: string): Promise<LearnPlan> {
  if (typeof dir !== 'string' || !dir) throw new InvalidInputError('directory must be a path');
  const abs = path.resolve(dir);
  if (!(await isDir(abs))) throw new InvalidInputError(`not a directory: ${abs}`);
  const projectName = name ?? (path.basename(abs) || 'project');
  const m = await readManifests(abs);
  const plan: LearnPlan = { name: projectName, concepts: [], links: [] };
  const used = new Set<string>();
  const add = (n: string, definition: string, kind: ConceptKind): string => {
    let unique = n;
    for (let i = 2; used.has(unique); i++) unique = i === 2 ? `${n} (${kind})` : `${n} (${kind} ${i})`;
    used.add(unique);
    plan.concepts.push({ name: unique, definition, kind });
    return unique;
  };
  const project = add(projectName, identity(m, projectName), 'project');
  const mods = new Map<string, string>();
  for (const [dep, version] of (await dependencies(abs, m)).slice(0, MAX_DEPENDENCIES)) {
    const c = add(dep, version ? `Dependency: ${dep} (${version})` : `Dependency: ${dep}`, 'dependency');
    plan.links.push({ from: project, to: c, relation: 'depends_on' });
  }
  for (const [mod, def] of await modules(abs, m)) {
    const c = add(mod, def, 'module');
    if (!mods.has(mod)) mods.set(mod, c);
    plan.links.push({ from: c, to: project, relation: 'part_of' });
  }
  for (const [rel, parent] of await entrypoints(abs, m)) {
    const c = add(rel, `Entry point: ${rel}`, 'entrypoint');
    plan.links.push({ from: c, to: (parent && mods.get(parent)) || project, relation: 'part_of' });
  }
  for (const [rel, def] of await configs(abs)) {
    plan.links.push({ from: add(rel, def, 'config'), to: project, relation: 'related_to' });
  }
  for (const [rel, def] of await scripts(abs, m)) {
    plan.links.push({ from: add(rel, def, 'script'), to: project, relation: 'related_to' });
  }
  return plan;
}
