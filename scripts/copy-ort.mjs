#!/usr/bin/env node
/**
 * Copies onnxruntime-web's runtime files (ort-wasm-simd-threaded*.{mjs,wasm}: plain, .jsep and .asyncify; .jspi is not used by any entry we import)
 * from node_modules to public/ort/, where the engine worker loads them (`env.wasm.wasmPaths = '/ort/'`).
 * Serving them ourselves is required: a Vite production build with WASM threads hangs otherwise, and the CSP
 * allows no CDN. public/ort/ is gitignored; `npm run build` runs this first.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'node_modules', 'onnxruntime-web', 'dist');
const target = join(root, 'public', 'ort');
const pattern = /^ort-wasm-simd-threaded(\.(jsep|asyncify))?\.(mjs|wasm)$/;

let names;
try {
  names = readdirSync(source).filter((name) => pattern.test(name));
} catch {
  console.error(`copy-ort: ${source} not found; run npm install first.`);
  process.exit(1);
}
for (const required of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) {
  if (!names.includes(required)) {
    console.error(`copy-ort: ${required} is missing from onnxruntime-web/dist`);
    process.exit(1);
  }
}
mkdirSync(target, { recursive: true });
let bytes = 0;
for (const name of names) {
  copyFileSync(join(source, name), join(target, name));
  bytes += statSync(join(target, name)).size;
}
console.log(`copy-ort: ${names.length} files (${(bytes / 1048576).toFixed(1)} MB) → public/ort/`);
