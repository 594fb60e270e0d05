/**
 * @file The studio's Content-Security-Policy, built in one place for the dev/preview headers (vite.config.ts) and
 * the `<meta http-equiv>` copy in index.html that a static host serves. See ../shared/docs/browser-runtime-notes.md
 * §4.2: `'wasm-unsafe-eval'` lets onnxruntime-web compile WebAssembly, `worker-src blob:` lets its thread workers
 * start, and `connect-src` lists only this origin plus the configured model hosts.
 */

export interface CspOptions {
  /** Extra origins the app may fetch model files from (`VITE_MODEL_ORIGINS`, space separated). */
  readonly modelOrigins: readonly string[];
  /**
   * The Vite dev server needs an inline React-refresh preamble and a websocket for hot reload. Only `vite` (dev)
   * sets this; `vite preview` and production builds get the strict policy.
   */
  readonly devServer?: boolean;
}

/** Splits `VITE_MODEL_ORIGINS` ("https://a.example https://b.example") into origins; rejects anything that is not one. */
export function parseModelOrigins(value: string | undefined): string[] {
  if (!value) return [];
  const origins: string[] = [];
  for (const token of value.split(/\s+/).filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(token);
    } catch {
      throw new Error(`VITE_MODEL_ORIGINS: "${token}" is not an absolute URL such as https://models.example.org`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`VITE_MODEL_ORIGINS: "${token}" must be an http(s) origin`);
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}

/** The policy as one header value, directives in a fixed order. */
export function buildContentSecurityPolicy(options: CspOptions): string {
  const dev = options.devServer === true;
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'", ...(dev ? ["'unsafe-inline'"] : [])]],
    ['worker-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", ...options.modelOrigins, ...(dev ? ['ws:', 'wss:'] : [])]],
    ['img-src', ["'self'", 'blob:', 'data:']],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** Browsers ignore `frame-ancestors` in a meta policy and log a warning for it, so the meta copy leaves it out. */
export function metaContentSecurityPolicy(policy: string): string {
  return policy
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors '))
    .join('; ');
}
