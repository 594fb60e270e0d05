/*
 * MedCoDi Studio service worker: makes the app work offline once loaded.
 * - Precaches the app shell of this build (the list and build id are filled in by vite.config.ts at build time).
 * - Navigation: network first, falling back to the cached index.html.
 * - Same-origin GETs of shell assets, the ORT runtime (/ort/*) and example cases: cache first, cached on first use.
 * - models-manifest.json: network first, cached copy offline.
 * - Model weights (/models/*), Range requests and other origins are never touched: weights live in IndexedDB,
 *   downloaded and verified by the engine.
 * Responses are cached with their headers, so COOP/COEP/CSP still apply offline.
 */
const BUILD_ID = '__MEDCODI_BUILD_ID__';
const PRECACHE = __MEDCODI_PRECACHE__;
const CACHE = `medcodi-shell-${BUILD_ID}`;
const SCOPE = new URL(self.registration.scope);
const INDEX_URL = new URL('index.html', SCOPE).href;

const scoped = (path) => new URL(path, SCOPE).pathname;
// The preview/static server answers with `Vary: Origin`; module scripts are requested with an Origin header and
// the precache requests without one, so matching must ignore Vary (all cached responses are same-origin files).
const MATCH = { ignoreVary: true };

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new URL(path, SCOPE).href)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('medcodi-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, fallbackUrl) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(fallbackUrl ?? request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(fallbackUrl ?? request, MATCH);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, MATCH);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.status === 200) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || request.headers.has('range')) return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  const path = url.pathname;
  if (path.startsWith(scoped('models/'))) return;

  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, INDEX_URL));
  } else if (path === scoped('models-manifest.json')) {
    event.respondWith(networkFirst(request));
  } else if (path.startsWith(scoped('assets/')) || path.startsWith(scoped('ort/')) || path.startsWith(scoped('examples/')) || PRECACHE.includes(path.slice(SCOPE.pathname.length))) {
    event.respondWith(cacheFirst(request));
  }
});
