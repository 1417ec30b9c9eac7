/** `learn`: ICM's project scan on fixture folders (npm, Cargo workspace, Python, Go), on every mode. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { InvalidInputError, MemoirStore } from '../../src/store';
import { forEachMode } from './modes';

const FIX = path.resolve(__dirname, '../fixtures/learn');

forEachMode('memoirs: learn', (ctx) => {
  async function learned(dir: string, name?: string) {
    const s = await ctx.fresh();
    const m = new MemoirStore(s.conn);
    await m.init();
    if (ctx.mode === 'sqld' || ctx.mode === 'replica') {
      await s.conn.batch(['concept_links', 'concepts', 'memoirs'].map((t) => ({ sql: `DELETE FROM ${t}` })));
    }
    const r = await m.learn(path.join(FIX, dir), name);
    const concepts = await m.listConcepts(r.memoirId);
    const kinds = new Map(concepts.map((c) => [c.name, c.labels.map((l) => `${l.namespace}:${l.value}`).join(',')]));
    const byId = new Map(concepts.map((c) => [c.id, c.name]));
    const links = (await m.linksForMemoir(r.memoirId)).map(
      (l) => `${byId.get(l.sourceId)} -${l.relation}-> ${byId.get(l.targetId)}`,
    );
    return { m, r, concepts, kinds, links };
  }

  test('npm: identity, dependencies (dev too), src modules, entry point, configs, npm scripts', async () => {
    const { r, concepts, kinds, links } = await learned('npm-app');
    assert.equal(r.projectName, 'npm-app');
    assert.equal(r.totalConcepts, concepts.length);
    assert.equal(
      concepts.find((c) => c.name === 'npm-app')!.definition,
      'Node.js project: npm-app v1.2.0 — A Node.js app',
    );
    assert.equal(kinds.get('express'), 'kind:dependency');
    assert.equal(
      kinds.get('npm-app (dependency)'),
      'kind:dependency',
      'a dependency named like the project is kept apart',
    );
    assert.equal(kinds.get('api'), 'kind:module');
    assert.equal(kinds.get('src/index.ts'), 'kind:entrypoint');
    assert.equal(kinds.get('tsconfig.json'), 'kind:config');
    assert.equal(kinds.get('.github/workflows/ci.yml'), 'kind:config');
    assert.equal(kinds.get('npm run build'), 'kind:script');
    assert.ok(concepts.every((c) => c.confidence === 1));
    for (const l of [
      'npm-app -depends_on-> express',
      'api -part_of-> npm-app',
      'src/index.ts -part_of-> npm-app',
      'tsconfig.json -related_to-> npm-app',
      'npm run test -related_to-> npm-app',
    ]) {
      assert.ok(links.includes(l), `${l} in ${links.join(' | ')}`);
    }
    assert.equal(r.linkCount, links.length);
  });

  test('Cargo workspace: members as modules with descriptions, member entry points part_of their crate', async () => {
    const { concepts, kinds, links } = await learned('cargo-ws', 'my-project');
    assert.equal(concepts.find((c) => c.name === 'my-project')!.definition, 'Rust workspace project: unknown v?');
    assert.deepEqual(
      ['serde', 'tokio', 'anyhow'].map((d) => kinds.get(d)),
      ['kind:dependency', 'kind:dependency', 'kind:dependency'],
    );
    assert.equal(concepts.find((c) => c.name === 'tokio')!.definition, 'Dependency: tokio (1)');
    assert.equal(concepts.find((c) => c.name === 'core')!.definition, 'Rust crate: core — Core library');
    assert.equal(concepts.find((c) => c.name === 'cli')!.definition, 'Rust crate: cli — CLI tool');
    assert.ok(links.includes('crates/core/src/lib.rs -part_of-> core'));
    assert.ok(links.includes('crates/cli/src/main.rs -part_of-> cli'));
    assert.equal(kinds.get('Makefile'), 'kind:script');
    assert.equal(kinds.get('rust-toolchain.toml'), 'kind:config');
  });

  test('Python (PEP 621) and Go (block and one-line require)', async () => {
    const py = await learned('py-tool');
    assert.equal(
      py.concepts.find((c) => c.name === 'py-tool')!.definition,
      'Python project: py-tool v0.3.1 — A Python CLI',
    );
    assert.equal(py.kinds.get('requests'), 'kind:dependency');
    assert.equal(py.kinds.get('click'), 'kind:dependency');
    assert.equal(py.kinds.get('pytool'), 'kind:module');
    assert.equal(py.kinds.get('main.py'), 'kind:entrypoint');
    assert.equal(py.kinds.get('scripts/release.sh'), 'kind:script');
    const go = await learned('go-svc');
    assert.equal(go.concepts.find((c) => c.name === 'go-svc')!.definition, 'Go project: example.com/go-svc');
    assert.equal(go.concepts.find((c) => c.name === 'cobra')!.definition, 'Dependency: cobra (v1.8.0)');
    assert.equal(go.kinds.get('pq'), 'kind:dependency');
    assert.equal(go.kinds.get('sync'), 'kind:dependency');
    assert.equal(go.kinds.get('main.go'), 'kind:entrypoint');
    assert.equal(go.kinds.get('Dockerfile'), 'kind:config');
  });

  test('learning again replaces the memoir of that name; a missing folder is refused', async () => {
    const { m, r } = await learned('go-svc', 'svc');
    const again = await m.learn(path.join(FIX, 'npm-app'), 'svc');
    assert.notEqual(again.memoirId, r.memoirId);
    assert.equal(await m.getMemoir(r.memoirId), null);
    assert.equal((await m.listMemoirs()).filter((x) => x.name === 'svc').length, 1);
    assert.ok((await m.searchConcepts('svc', 'express')).length === 1);
    await assert.rejects(m.learn(path.join(FIX, 'no-such-dir')), InvalidInputError);
  });
});
