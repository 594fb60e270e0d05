/**
 * public/sw.js run in a sandbox with an in-memory CacheStorage: what an app update keeps and deletes, and where
 * cache-first requests are answered from.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const SOURCE = readFileSync(new URL('../../public/sw.js', import.meta.url), 'utf8');
const SCOPE = 'https://studio.test/';

/** One CacheStorage shared by every "installed" worker, as a browser's is. */
function cacheStorage() {
  const stores = new Map<string, Map<string, Response>>();
  const open = async (name: string) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name) as Map<string, Response>;
    const url = (r: Request | string) => (typeof r === 'string' ? new URL(r, SCOPE).href : r.url);
    return {
      match: async (r: Request | string) => store.get(url(r))?.clone(),
      put: async (r: Request | string, response: Response) => void store.set(url(r), response),
      addAll: async (urls: string[]) => {
        for (const u of urls) store.set(u, new Response(`precached ${u}`));
      },
    };
  };
  return { stores, api: { open, keys: async () => [...stores.keys()], delete: async (name: string) => stores.delete(name) } };
}

/** Evaluates sw.js as build `buildId` (ORT `ortVersion`) and returns its event handlers. */
function worker(storage: ReturnType<typeof cacheStorage>, buildId: string, ortVersion: string, network: (url: string) => Response) {
  const listeners = new Map<string, (event: unknown) => void>();
  const source = SOURCE.replace("'__MEDCODI_BUILD_ID__'", JSON.stringify(buildId))
    .replace("'__MEDCODI_ORT_VERSION__'", JSON.stringify(ortVersion))
    .replace('__MEDCODI_PRECACHE__', JSON.stringify(['index.html', `assets/app-${buildId}.js`]));
  const self = { registration: { scope: SCOPE }, addEventListener: (type: string, f: (event: unknown) => void) => listeners.set(type, f), skipWaiting: async () => undefined, clients: { claim: async () => undefined } };
  runInNewContext(source, { self, caches: storage.api, Response, Request, URL, fetch: async (r: Request) => network(r.url), console });
  const lifecycle = async (type: 'install' | 'activate') => {
    let done: Promise<unknown> = Promise.resolve();
    listeners.get(type)?.({ waitUntil: (p: Promise<unknown>) => (done = p) });
    await done;
  };
  const get = async (path: string) => {
    let answer: Promise<Response> | undefined;
    const request = new Request(new URL(path, SCOPE).href);
    listeners.get('fetch')?.({ request, respondWith: (p: Promise<Response>) => (answer = p) });
    return answer ? (await answer).text() : 'not handled';
  };
  return { lifecycle, get };
}

describe('service worker updates', () => {
  it('keep the previous build and the current ORT runtime; delete older builds and other runtime versions', async () => {
    const storage = cacheStorage();
    const online = (url: string) => new Response(`network ${url}`);
    const offline = () => {
      throw new TypeError('Failed to fetch');
    };
    const a = worker(storage, 'aaa', '1.29.0', online);
    await a.lifecycle('install');
    await a.lifecycle('activate');
    expect(await a.get('ort/ort-wasm-simd-threaded.wasm')).toBe(`network ${SCOPE}ort/ort-wasm-simd-threaded.wasm`); // cached on first use

    const b = worker(storage, 'bbb', '1.29.0', offline);
    await b.lifecycle('install');
    await b.lifecycle('activate');
    // The same runtime version: the runtime cached under build aaa still answers offline.
    expect(await b.get('ort/ort-wasm-simd-threaded.wasm')).toBe(`network ${SCOPE}ort/ort-wasm-simd-threaded.wasm`);
    // A tab still on build aaa loads a chunk it had not loaded yet: the previous shell cache answers.
    expect(await b.get('assets/app-aaa.js')).toBe(`precached ${SCOPE}assets/app-aaa.js`);
    expect([...storage.stores.keys()].sort()).toEqual(['medcodi-meta', 'medcodi-ort-1.29.0', 'medcodi-shell-aaa', 'medcodi-shell-bbb']);

    const c = worker(storage, 'ccc', '1.30.0', offline);
    await c.lifecycle('install');
    await c.lifecycle('activate');
    // Two builds kept (bbb, ccc); a new runtime version drops the old runtime, never served to the new build.
    expect([...storage.stores.keys()].sort()).toEqual(['medcodi-meta', 'medcodi-shell-bbb', 'medcodi-shell-ccc']);
    await expect(c.get('ort/ort-wasm-simd-threaded.wasm')).rejects.toThrow('Failed to fetch');
    expect(await c.get('assets/app-ccc.js')).toBe(`precached ${SCOPE}assets/app-ccc.js`);
  });
});
