// Which ONNX Runtime the embedding worker runs the model on, chosen once when the worker starts.
// worker.ts imports this module BEFORE @huggingface/transformers: transformers.js reads the choice when it loads.
//   native  onnxruntime-node (N-API addon): the linux-x64, linux-arm64, darwin-arm64 and win32-x64 VSIXes.
//   wasm    onnxruntime-web's WebAssembly build for Node: the darwin-x64 and alpine-x64 VSIXes, where
//           onnxruntime-node 1.30 has no binary (no darwin/x64 folder; its linux binaries link glibc).
// The native runtime is used when it loads, else the WebAssembly one when it is installed. Neither: nothing is
// set, and transformers.js's own require('onnxruntime-node') reports the native error as before.
// MNEMOS_ONNX_RUNTIME=wasm skips the native one (benchmarks; a way out if the addon misbehaves).
// transformers.js uses a runtime placed at globalThis[Symbol.for('onnxruntime')] instead of onnxruntime-node;
// scripts/build.mjs makes its require('onnxruntime-node') skip when one is placed, so no addon needs to exist.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

type OrtWeb = { env: { wasm: { wasmPaths?: string; numThreads?: number } } };

function pick(): { kind: 'native' } | { kind: 'wasm'; web: OrtWeb } | { kind: 'none' } {
  if (process.env.MNEMOS_ONNX_RUNTIME !== 'wasm') {
    try {
      // A probe: the native addon may be missing or fail to load on this platform, so no static import.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('onnxruntime-node');
      return { kind: 'native' };
    } catch {
      // no addon for this platform (or it cannot load here): try the WebAssembly runtime
    }
  }
  let web: OrtWeb;
  try {
    // Loaded only when chosen (the fallback), and it may be absent: no static import.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    web = require('onnxruntime-web') as OrtWeb;
  } catch {
    return { kind: 'none' };
  }
  // The .wasm file next to the runtime's entry point: transformers.js would otherwise point it at a CDN.
  web.env.wasm.wasmPaths = `${pathToFileURL(path.dirname(require.resolve('onnxruntime-web'))).href}/`;
  (globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')] = web;
  return { kind: 'wasm', web };
}

export const onnxRuntime = pick();

/** pipeline() options for the chosen runtime. The WebAssembly one runs on `threads` threads, as the native one does. */
export function runtimeOptions(threads: number): { device?: 'auto' } {
  if (onnxRuntime.kind !== 'wasm') return {};
  onnxRuntime.web.env.wasm.numThreads = threads;
  // An injected runtime is none of transformers.js's Node devices ('cpu' would be refused); 'auto' lets it pick.
  return { device: 'auto' };
}
