import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VectorArena } from '../../src/store/kernel';
import { openStore, VectorIndex } from '../../src/store';

function rand(n: number, seed: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(seed * 12.9898 + i * 78.233) * 0.5;
  return v;
}

for (const dim of [384, 64, 32, 12]) {
  test(`the ${dim}-d scan matches a plain dot product (${dim % 8 === 0 ? 'WebAssembly SIMD' : 'JavaScript fallback'})`, () => {
    const a = new VectorArena(dim);
    assert.equal(a.simd, dim % 8 === 0);
    const n = 1000;
    for (let grow = 1; grow <= n; grow *= 3) a.ensure(grow); // grows keep earlier rows
    a.ensure(n);
    const rows = a.rows();
    for (let r = 0; r < n; r++) rows.set(rand(dim, r), r * dim);
    a.ensure(n * 2); // memory grows: stored rows survive
    const q = rand(dim, 4242);
    const scores = a.scan(q, n);
    const data = a.rows();
    for (let r = 0; r < n; r += 37) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += data[r * dim + j] * q[j];
      assert.ok(Math.abs(s - scores[r]) < 1e-4, `row ${r}: ${s} vs ${scores[r]}`);
      assert.ok(Math.abs(data[r * dim] - rand(dim, r)[0]) < 1e-7);
    }
  });
}

test('index search returns the exact nearest rows after growth and removals', () => {
  const vs = Array.from({ length: 300 }, (_, i) => rand(64, i + 1));
  const q = vs[123];
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, j) => s + x * b[j], 0) / norm(a) / norm(b);
  const expected = vs
    .map((v, i) => ({ id: `id${i}`, c: cos(v, q) }))
    .sort((a, b) => b.c - a.c)
    .slice(0, 5);
  // The store normalises before writing, so the index holds unit vectors.
  const idx2 = new VectorIndex('m');
  vs.forEach((v, i) =>
    (idx2 as unknown as { put(id: string, v: Float32Array): void }).put(
      `id${i}`,
      v.map((x) => x / norm(v)),
    ),
  );
  const got = idx2.search(q, 5);
  assert.deepEqual(
    got.map((h) => h.id),
    expected.map((e) => e.id),
  );
  assert.ok(Math.abs(got[0].similarity - 1) < 1e-5);
  idx2.remove('id123');
  assert.notEqual(idx2.search(q, 1)[0].id, 'id123');
  assert.equal(idx2.size, 299);
});

test('a load from empty sizes the arena for the rows in the store, not 1.5× growth steps', async () => {
  const store = await openStore({ mode: 'local', path: ':memory:' });
  try {
    const n = 1000;
    const vecs = Array.from({ length: n }, (_, i) => {
      const v = rand(64, i + 7);
      const len = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
      return v.map((x) => x / len);
    });
    await store.conn.batch(
      vecs.map((v, i) => ({
        sql: `INSERT INTO mnemos_vectors (memory_id, model, dim, vec, created_at) VALUES (?, 'm', 64, ?, '')`,
        args: [`id${i}`, Buffer.from(v.buffer)],
      })),
    );
    const idx = new VectorIndex('m');
    await idx.refresh(store.conn);
    assert.equal(idx.size, n);
    assert.equal(idx.capacity, n, 'exactly the rows loaded (growth steps would have left room for ≈ 1.5× more)');
    assert.equal(idx.search(vecs[42], 1)[0].id, 'id42');
    // Later vectors grow it as before.
    await store.conn.batch([
      {
        sql: `INSERT INTO mnemos_vectors (memory_id, model, dim, vec, created_at) VALUES ('late', 'm', 64, ?, '')`,
        args: [Buffer.from(vecs[0].buffer)],
      },
    ]);
    await idx.refresh(store.conn);
    assert.equal(idx.size, n + 1);
    assert.ok(idx.capacity > n);
    // A full reload sizes it again.
    await idx.refresh(store.conn, { full: true });
    assert.equal(idx.capacity, n + 1);
  } finally {
    await store.close();
  }
});
