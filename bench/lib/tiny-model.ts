/**
 * The committed tiny test model (test/fixtures/models/tiny-bert, 64-d, made by
 * scripts/make-tiny-model.py) widened to another dimension without Python: the same ONNX graph
 * and tokenizer, with its six weight tensors replaced by seeded random ones of width `dim`
 * (same distributions as the generator's) and the output's declared width changed. The result is
 * a folder transformers.js loads offline through the ordinary code path (src/embed/Embedder).
 *
 * Only the few protobuf fields involved are touched: ModelProto.graph (7) →
 * GraphProto.initializer (5) / output (12); every other byte is copied as read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rng } from './rng';

const FIXTURE = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'models', 'tiny-bert');

interface Field {
  no: number;
  wire: number;
  /** Varint value (wire 0), or the bytes of a length-delimited / fixed field. */
  value: bigint | Uint8Array;
}

function readVarint(b: Uint8Array, at: number): [bigint, number] {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    const byte = b[at++];
    v |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [v, at];
    shift += 7n;
  }
}

function writeVarint(v: bigint): number[] {
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

function parse(b: Uint8Array): Field[] {
  const out: Field[] = [];
  for (let at = 0; at < b.length;) {
    const [tag, p] = readVarint(b, at);
    at = p;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, q] = readVarint(b, at);
      out.push({ no, wire, value: v });
      at = q;
    } else if (wire === 2) {
      const [len, q] = readVarint(b, at);
      out.push({ no, wire, value: b.subarray(q, q + Number(len)) });
      at = q + Number(len);
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      out.push({ no, wire, value: b.subarray(at, at + len) });
      at += len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

function encode(fields: Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(Uint8Array.from(writeVarint(BigInt((f.no << 3) | f.wire))));
    if (f.wire === 0) parts.push(Uint8Array.from(writeVarint(f.value as bigint)));
    else if (f.wire === 2) {
      const v = f.value as Uint8Array;
      parts.push(Uint8Array.from(writeVarint(BigInt(v.length))), v);
    } else parts.push(f.value as Uint8Array);
  }
  return Buffer.concat(parts);
}

const msg = (no: number, fields: Field[]): Field => ({ no, wire: 2, value: encode(fields) });
const int = (no: number, v: number): Field => ({ no, wire: 0, value: BigInt(v) });
const str = (no: number, s: string): Field => ({ no, wire: 2, value: Buffer.from(s, 'utf8') });

/** A float TensorProto: dims (1), data_type FLOAT (2), name (8), raw_data (9) little-endian. */
function tensor(name: string, dims: number[], data: Float32Array): Uint8Array {
  return encode([
    ...dims.map((d) => int(1, d)),
    int(2, 1),
    str(8, name),
    { no: 9, wire: 2, value: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) },
  ]);
}

function tensorName(t: Uint8Array): string {
  const f = parse(t).find((x) => x.no === 8);
  return f ? Buffer.from(f.value as Uint8Array).toString('utf8') : '';
}

/**
 * Writes `<outRoot>/<modelId>/` (config, tokenizer, onnx/model.onnx fp32) for a `dim`-wide tiny
 * model and returns the model id to give Embedder with `localModelPath: outRoot`.
 */
export function writeWideTinyModel(outRoot: string, dim: number, seed = 1234): string {
  const modelId = `tiny-bert-${dim}`;
  const dir = path.join(outRoot, modelId);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'config.json'), 'utf8')) as Record<string, unknown>;
  const vocab = Number(config.vocab_size);
  const maxPos = Number(config.max_position_embeddings);
  const types = Number(config.type_vocab_size);
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ ...config, hidden_size: dim, intermediate_size: dim }, null, 1),
  );
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'])
    fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));

  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => normal() * scale);
  const wordEmb = fill(vocab * dim, 1);
  wordEmb.fill(0, 0, dim); // [PAD]
  const weights: Record<string, [number[], Float32Array]> = {
    word_emb: [[vocab, dim], wordEmb],
    pos_emb: [[maxPos, dim], fill(maxPos * dim, 0.1)],
    type_emb: [[types, dim], fill(types * dim, 0.1)],
    W1: [[dim, dim], fill(dim * dim, 1 / Math.sqrt(dim))],
    b1: [[dim], new Float32Array(dim)],
    Wc: [[dim, dim], fill(dim * dim, 0.5 / Math.sqrt(dim))],
  };

  const model = parse(fs.readFileSync(path.join(FIXTURE, 'onnx', 'model.onnx')));
  const graphAt = model.findIndex((f) => f.no === 7);
  const graph = parse(model[graphAt].value as Uint8Array).map((f): Field => {
    if (f.no === 5) {
      const name = tensorName(f.value as Uint8Array);
      const w = weights[name];
      return w ? { no: 5, wire: 2, value: tensor(name, w[0], w[1]) } : f;
    }
    if (f.no === 12) {
      // ValueInfoProto last_hidden_state: float [batch_size, sequence_length, dim]
      return msg(12, [
        str(1, 'last_hidden_state'),
        msg(2, [
          msg(1, [
            int(1, 1),
            msg(2, [msg(1, [str(2, 'batch_size')]), msg(1, [str(2, 'sequence_length')]), msg(1, [int(1, dim)])]),
          ]),
        ]),
      ]);
    }
    return f;
  });
  model[graphAt] = { no: 7, wire: 2, value: encode(graph) };
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), encode(model));
  return modelId;
}
