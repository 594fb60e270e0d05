/// <reference types="vitest/config" />
/**
 * Build and dev config. Notes:
 * - COOP/COEP make the page crossOriginIsolated, which onnxruntime-web needs for WASM threads.
 * - The CSP comes from scripts/content-security-policy.ts and goes both into the headers here and into
 *   index.html's `<meta http-equiv>` (placeholder `%MEDCODI_CSP%`), so a static host without header control
 *   still enforces it.
 * - `models-manifest.json` lives at the repo root; dev serves it, the build copies it into dist/.
 * - public/sw.js gets this build's id and precache list written into dist/sw.js (no model weights in it).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';
import {
  buildContentSecurityPolicy,
  metaContentSecurityPolicy,
  parseModelOrigins,
} from './scripts/content-security-policy.ts';

const root = import.meta.dirname;
const MANIFEST_FILE = 'models-manifest.json';
const CSP_PLACEHOLDER = '%MEDCODI_CSP%';

function isolationHeaders(csp: string): Record<string, string> {
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** Sets the MIME types onnxruntime-web relies on (streaming compile needs application/wasm). */
const mimeTypes: Connect.NextHandleFunction = (req, res, next) => {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (path.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
  else if (path.endsWith('.mjs')) res.setHeader('Content-Type', 'text/javascript');
  next();
};

/** Serves the repo-root models manifest at /models-manifest.json in dev and emits it into dist/ at build. */
function modelsManifest(): Plugin {
  const file = resolve(root, MANIFEST_FILE);
  return {
    name: 'medcodi:models-manifest',
    configureServer(server) {
      server.middlewares.use(`/${MANIFEST_FILE}`, (_req, res) => {
        if (!existsSync(file)) {
          res.statusCode = 404;
          res.end(`${MANIFEST_FILE} not found at the repo root`);
          return;
        }
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-cache');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      if (!existsSync(file)) {
        this.warn(`${MANIFEST_FILE} is missing at the repo root; the built app will show "no models".`);
        return;
      }
      this.emitFile({ type: 'asset', fileName: MANIFEST_FILE, source: readFileSync(file) });
    },
  };
}

/** Fills the CSP placeholder in index.html and sets the MIME middleware on dev and preview servers. */
function securityHeaders(metaPolicy: string): Plugin {
  return {
    name: 'medcodi:security',
    transformIndexHtml(html) {
      if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`index.html lost its ${CSP_PLACEHOLDER} meta tag`);
      return html.replace(CSP_PLACEHOLDER, metaPolicy);
    },
    configureServer(server) {
      server.middlewares.use(mimeTypes);
    },
    configurePreviewServer(server) {
      server.middlewares.use(mimeTypes);
    },
  };
}

/** Fills dist/sw.js with the build id and the shell files to precache (hashed assets, index.html, icons). */
function serviceWorkerPrecache(): Plugin {
  return {
    name: 'medcodi:sw-precache',
    apply: 'build',
    writeBundle(options, bundle) {
      const outDir = options.dir ?? resolve(root, 'dist');
      const swPath = join(outDir, 'sw.js');
      if (!existsSync(swPath)) return;
      // Big WASM binaries are cached on first use instead (cache-first), so installing the worker stays light.
      const files = Object.keys(bundle)
        .filter((name) => !name.endsWith('.map') && !name.endsWith('.wasm'))
        .sort();
      // The bundled example cases are small: precached, so an update never leaves them behind offline.
      const examplesDir = join(outDir, 'examples');
      const examples = existsSync(examplesDir) ? readdirSync(examplesDir).sort().map((name) => `examples/${name}`) : [];
      const precache = [...new Set(['index.html', 'manifest.webmanifest', 'icon.svg', ...files, ...examples])];
      const buildId = createHash('sha256').update([...files, ...examples].join('\n')).digest('hex').slice(0, 12);
      // The ORT runtime (/ort/, tens of MB) is cached on first use in a cache of its own, named by its version, so
      // an app update keeps it for offline use unless the runtime itself changed.
      const ortVersion = (JSON.parse(readFileSync(resolve(root, 'node_modules/onnxruntime-web/package.json'), 'utf8')) as { version: string }).version;
      const source = readFileSync(swPath, 'utf8');
      if (!source.includes('__MEDCODI_PRECACHE__')) return; // already filled (written twice by a watcher)
      writeFileSync(
        swPath,
        source
          .replace("'__MEDCODI_BUILD_ID__'", JSON.stringify(buildId))
          .replace("'__MEDCODI_ORT_VERSION__'", JSON.stringify(ortVersion))
          .replace('__MEDCODI_PRECACHE__', JSON.stringify(precache)),
      );
    },
  };
}

export default defineConfig(({ command, mode, isPreview }) => {
  const env = loadEnv(mode, root, 'VITE_');
  const modelOrigins = parseModelOrigins(env['VITE_MODEL_ORIGINS'] ?? process.env['VITE_MODEL_ORIGINS']);
  const devServer = command === 'serve' && isPreview !== true;
  const strictCsp = buildContentSecurityPolicy({ modelOrigins });
  const devCsp = buildContentSecurityPolicy({ modelOrigins, devServer: true });
  return {
    plugins: [
      react(),
      modelsManifest(),
      securityHeaders(metaContentSecurityPolicy(devServer ? devCsp : strictCsp)),
      serviceWorkerPrecache(),
    ],
    worker: { format: 'es' },
    server: { headers: isolationHeaders(devCsp) },
    preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: isolationHeaders(strictCsp) },
    build: { target: 'es2022', sourcemap: true },
    test: {
      environment: 'node',
      include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'workers/**/*.test.ts', 'scripts/**/*.test.ts', 'cli/**/*.test.ts'],
    },
  };
});
