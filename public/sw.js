/*
 * MedCoDi Studio service worker: makes the app work offline once loaded.
 * - Precaches the app shell of this build and the bundled example cases (the list and build id are filled in by
 *   vite.config.ts at build time).
 * - Updates keep the previous build's shell cache (a tab still running that build may load a chunk it has not
 *   loaded yet); older ones are deleted. The ORT runtime lives in a cache named by its version, kept across app
 *   updates, so offline generation survives an update.
 * - Navigation: network first, falling back to the cached index.html.
 * - Same-origin GETs of shell assets, the ORT runtime (/ort/*) and example cases: cache first (any of our caches),
 *   cached on first use.
 * - models-manifest.json: network first, cached copy offline.
 * - Model weights (/models/*), Range requests and other origins are never touched: weights live in IndexedDB,
 *   downloaded and verified by the engine.
 * Responses are cached with their headers, so COOP/COEP/CSP still apply offline.
 */
const BUILD_ID = '__MEDCODI_BUILD_ID__';
const ORT_VERSION = '__MEDCODI_ORT_VERSION__';
const PRECACHE = __MEDCODI_PRECACHE__;
const CACHE = `medcodi-shell-${BUILD_ID}`;
const ORT_CACHE = `medcodi-ort-${ORT_VERSION}`;
/** Which shell caches exist, oldest first (a cache's keys do not say when it was made). */
const ORDER_CACHE = 'medcodi-meta';
const ORDER_KEY = 'shell-builds.json';
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

async function pruneCaches() {
  const meta = await caches.open(ORDER_CACHE);
  const stored = await meta.match(ORDER_KEY);
  const order = stored ? await stored.json().catch(() => []) : [];
  // This build last; keep it and the one before it.
  const builds = [...(Array.isArray(order) ? order : []).filter((b) => b !== BUILD_ID), BUILD_ID].slice(-2);
  await meta.put(ORDER_KEY, new Response(JSON.stringify(builds), { headers: { 'Content-Type': 'application/json' } }));
  const keep = new Set([...builds.map((b) => `medcodi-shell-${b}`), ORT_CACHE, ORDER_CACHE]);
  const keys = await caches.keys();
  await Promise.all(keys.filter((k) => k.startsWith('medcodi-') && !keep.has(k)).map((k) => caches.delete(k)));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(pruneCaches().then(() => self.clients.claim()));
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

async function previousShellMatch(request) {
  const keys = await caches.keys();
  for (const key of keys.filter((k) => k.startsWith('medcodi-shell-') && k !== CACHE)) {
    const hit = await (await caches.open(key)).match(request, MATCH);
    if (hit) return hit;
  }
  return undefined;
}

async function cacheFirst(request, cacheName = CACHE) {
  const cache = await caches.open(cacheName);
  // The shell: this build's cache first, then the previous build's (a chunk for a tab still running it). The ORT
  // runtime only from its own version's cache.
  const cached = (await cache.match(request, MATCH)) ?? (cacheName === CACHE ? await previousShellMatch(request) : undefined);
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
  } else if (path.startsWith(scoped('ort/'))) {
    event.respondWith(cacheFirst(request, ORT_CACHE));
  } else if (path.startsWith(scoped('assets/')) || path.startsWith(scoped('examples/')) || PRECACHE.includes(path.slice(SCOPE.pathname.length))) {
    event.respondWith(cacheFirst(request));
  }
});
