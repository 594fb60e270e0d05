/**
 * Build of the batch CLI: cli/main.ts (and the engine and domain code it imports, as TypeScript) → one Node ES
 * module, cli/dist/medcodi-batch.mjs. Packages stay external (onnxruntime-node, fake-indexeddb, dcmjs … are
 * loaded from node_modules at run time).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: resolve(root, 'cli/main.ts'),
    outDir: resolve(root, 'cli/dist'),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: 'medcodi-batch.mjs', format: 'es' } },
  },
});
