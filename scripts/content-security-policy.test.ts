import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy, metaContentSecurityPolicy, parseModelOrigins } from './content-security-policy';

describe('content security policy', () => {
  it('is strict by default and lists configured model origins in connect-src only', () => {
    const csp = buildContentSecurityPolicy({ modelOrigins: ['https://models.example.org'] });
    expect(csp).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
        "connect-src 'self' https://models.example.org; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; " +
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    );
    expect(csp).not.toContain("'unsafe-eval'");
  });

  it('relaxes only what the dev server needs', () => {
    const dev = buildContentSecurityPolicy({ modelOrigins: [], devServer: true });
    expect(dev).toContain("script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws: wss:");
  });

  it('drops frame-ancestors from the meta copy', () => {
    const meta = metaContentSecurityPolicy(buildContentSecurityPolicy({ modelOrigins: [] }));
    expect(meta).not.toContain('frame-ancestors');
    expect(meta.endsWith("base-uri 'self'")).toBe(true);
  });

  it('parses VITE_MODEL_ORIGINS to origins and rejects junk', () => {
    expect(parseModelOrigins(undefined)).toEqual([]);
    expect(parseModelOrigins('  https://a.example/models/x.onnx   http://b.example:8080 https://a.example ')).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
    expect(() => parseModelOrigins('models.example')).toThrow(/not an absolute URL/);
    expect(() => parseModelOrigins('ftp://x.example')).toThrow(/http\(s\) origin/);
  });
});
