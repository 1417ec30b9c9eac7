/**
 * Quantised in-process vector indexes for bench/vectors-million.ts: int8 codes (one scale per
 * vector, or one for all) and 1-bit sign codes, each scanned by WebAssembly SIMD in its own
 * memory, plus a top-k over the scores. Candidates only, not used by src/: the store keeps f32
 * vectors (src/store/vectors.ts), which these re-rank from.
 *
 * Source: bench/lib/quant.wat; the bytes below are its wat2wasm output with SIMD
 * (regenerate with `npx -p wabt@1.0.39 node scripts/build-wasm.mjs`).
 */
const QUANT_WASM =
  'AGFzbQEAAAABEgJgBn9/f39/fwBgBX9/f39/AAMDAgABBQMBAAEHIAMGbWVtb3J5AgAHc2Nhbl9pOAAACXNjYW5fYml0cwABCtcDArICAwN/A3sBfSABIQgCQANAIAYgAk8NAf0MAAAAAAAAAAAAAAAAAAAAACEK/QwAAAAAAAAAAAAAAAAAAAAAIQtBACEHAkADQCAHIANPDQEgCCAHav0ABAAhCSAKIAn9hwEgACAHQQF0av0ABAD9ugH9rgEhCiALIAn9iAEgACAHQQF0av0ABBD9ugH9rgEhCyAIIAdq/QAEECEJIAogCf2HASAAIAdBAXRq/QAEIP26Af2uASEKIAsgCf2IASAAIAdBAXRq/QAEMP26Af2uASELIAdBIGohBwwACwsgCiAL/a4BIQogCv0bACAK/RsBaiAK/RsCIAr9GwNqarIhDCAEBEAgDCAEIAZBAnRqKgIAlCEMCyAFIAZBAnRqIAw4AgAgCCADaiEIIAZBAWohBgwACwsLoAECA38BeyABIQcCQANAIAUgAk8NAf0MAAAAAAAAAAAAAAAAAAAAACEIQQAhBgJAA0AgBiADTw0BIAggByAGav0ABAAgACAGav0ABAD9Uf1i/X39jgEhCCAGQRBqIQYMAAsLIAj9fyEIIAQgBUECdGpBACAI/RsAIAj9GwFqIAj9GwIgCP0bA2pqa7I4AgAgByADaiEHIAVBAWohBQwACwsL';

type ScanI8 = (q: number, data: number, rows: number, dim: number, scales: number, out: number) => void;
type ScanBits = (q: number, data: number, rows: number, rowBytes: number, out: number) => void;

let compiled: WebAssembly.Module | undefined;
function instance(): { memory: WebAssembly.Memory; scanI8: ScanI8; scanBits: ScanBits } {
  compiled ??= new WebAssembly.Module(Buffer.from(QUANT_WASM, 'base64'));
  const inst = new WebAssembly.Instance(compiled, {});
  return {
    memory: inst.exports.memory as WebAssembly.Memory,
    scanI8: inst.exports.scan_i8 as ScanI8,
    scanBits: inst.exports.scan_bits as ScanBits,
  };
}

function grow(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}

const align16 = (x: number) => Math.ceil(x / 16) * 16;

/**
 * int8 codes, row-major, for `capacity` vectors of `dim` (a multiple of 32). `scale: 'row'`: each
 * vector is scaled by its own largest component (code = round(127·x/max|x|), score multiplied back
 * by max|x|/127); `scale: number`: one scale for all (code = clamp(round(x/scale))), no per-row factor.
 */
export class Int8Index {
  readonly memory: WebAssembly.Memory;
  private readonly scanFn: ScanI8;
  private readonly qAt = 0;
  private readonly codesAt: number;
  private readonly scalesAt: number;
  private readonly scoresAt: number;
  rows = 0;

  constructor(
    readonly dim: number,
    readonly capacity: number,
    readonly scale: 'row' | number,
  ) {
    if (dim % 32) throw new RangeError('dim must be a multiple of 32');
    const inst = instance();
    this.memory = inst.memory;
    this.scanFn = inst.scanI8;
    this.codesAt = align16(dim * 2);
    this.scalesAt = scale === 'row' ? align16(this.codesAt + capacity * dim) : 0;
    this.scoresAt = align16((this.scalesAt || this.codesAt + capacity * dim) + (scale === 'row' ? capacity * 4 : 0));
    grow(this.memory, this.scoresAt + capacity * 4);
  }

  /** Bytes this index holds (its WebAssembly memory: codes, scales, scores, query). */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  add(v: Float32Array): void {
    if (this.rows >= this.capacity) throw new RangeError('index full');
    const codes = new Int8Array(this.memory.buffer, this.codesAt + this.rows * this.dim, this.dim);
    if (this.scale === 'row') {
      let m = 0;
      for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
      const k = m > 0 ? 127 / m : 0;
      for (let i = 0; i < v.length; i++) codes[i] = Math.round(v[i] * k);
      new Float32Array(this.memory.buffer, this.scalesAt, this.capacity)[this.rows] = m / 127;
    } else {
      const k = 1 / this.scale;
      for (let i = 0; i < v.length; i++) codes[i] = Math.max(-127, Math.min(127, Math.round(v[i] * k)));
    }
    this.rows++;
  }

  /** Approximate scores of every row against `q` (ranked as the dot products are). */
  scan(q: Float32Array): Float32Array {
    const qc = new Int16Array(this.memory.buffer, this.qAt, this.dim);
    let m = 0;
    for (let i = 0; i < q.length; i++) m = Math.max(m, Math.abs(q[i]));
    const k = m > 0 ? 127 / m : 0; // the query's own scale: the same factor on every score
    for (let i = 0; i < q.length; i++) qc[i] = Math.round(q[i] * k);
    this.scanFn(this.qAt, this.codesAt, this.rows, this.dim, this.scalesAt, this.scoresAt);
    return new Float32Array(this.memory.buffer, this.scoresAt, this.rows);
  }
}

/** 1-bit codes: the sign of each component of (x − centre); scored by minus the Hamming distance. */
export class BitIndex {
  readonly memory: WebAssembly.Memory;
  private readonly scanFn: ScanBits;
  readonly rowBytes: number;
  private readonly codesAt: number;
  private readonly scoresAt: number;
  rows = 0;

  constructor(
    readonly dim: number,
    readonly capacity: number,
    readonly centre: Float32Array,
  ) {
    const inst = instance();
    this.memory = inst.memory;
    this.scanFn = inst.scanBits;
    this.rowBytes = align16(Math.ceil(dim / 8));
    this.codesAt = this.rowBytes;
    this.scoresAt = align16(this.codesAt + capacity * this.rowBytes);
    grow(this.memory, this.scoresAt + capacity * 4);
  }

  get bytes(): number {
    return this.memory.buffer.byteLength + this.centre.byteLength;
  }

  private encode(v: Float32Array, at: number): void {
    const b = new Uint8Array(this.memory.buffer, at, this.rowBytes);
    b.fill(0);
    for (let i = 0; i < this.dim; i++) if (v[i] - this.centre[i] > 0) b[i >> 3] |= 1 << (i & 7);
  }

  add(v: Float32Array): void {
    if (this.rows >= this.capacity) throw new RangeError('index full');
    this.encode(v, this.codesAt + this.rows * this.rowBytes);
    this.rows++;
  }

  scan(q: Float32Array): Float32Array {
    this.encode(q, 0);
    this.scanFn(0, this.codesAt, this.rows, this.rowBytes, this.scoresAt);
    return new Float32Array(this.memory.buffer, this.scoresAt, this.rows);
  }
}

/** Rows of the k highest scores, highest first (a small sorted buffer: most rows fail the first compare). */
export function topK(scores: Float32Array, k: number): Int32Array {
  const topS = new Float32Array(k).fill(-Infinity);
  const topI = new Int32Array(k).fill(-1);
  let worst = -Infinity;
  for (let r = 0; r < scores.length; r++) {
    const s = scores[r];
    if (s <= worst) continue;
    let p = k - 1;
    while (p > 0 && topS[p - 1] < s) {
      topS[p] = topS[p - 1];
      topI[p] = topI[p - 1];
      p--;
    }
    topS[p] = s;
    topI[p] = r;
    worst = topS[k - 1];
  }
  const n = topI.indexOf(-1);
  return n < 0 ? topI : topI.subarray(0, n);
}
