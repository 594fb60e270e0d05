/**
 * @file A fetch() stand-in for download tests: serves byte arrays by URL, honours `Range: bytes=N-`, and can cut
 * a response body after a number of bytes (the stream errors, like a dropped connection).
 */

export interface FakeRequest {
  readonly url: string;
  readonly range: string | null;
}

export interface FakeServerOptions {
  /** Cut the next response for this URL after so many body bytes. */
  cutAfter?: Map<string, number>;
  /** Pretend the server ignores Range (always 200 with the whole file). */
  ignoreRange?: boolean;
  /** Bytes per enqueued body piece. */
  pieceBytes?: number;
}

export function createFakeServer(files: Map<string, Uint8Array>, options: FakeServerOptions = {}) {
  const requests: FakeRequest[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    const range = headers.get('Range');
    requests.push({ url, range });
    const body = files.get(url);
    if (!body) return new Response('not found', { status: 404, statusText: 'Not Found' });
    let start = 0;
    let status = 200;
    const responseHeaders = new Headers({ 'Content-Type': 'application/octet-stream' });
    if (range && !options.ignoreRange) {
      const m = /^bytes=(\d+)-$/.exec(range);
      start = m ? Number(m[1]) : 0;
      if (start >= body.length) return new Response(null, { status: 416, statusText: 'Range Not Satisfiable' });
      status = 206;
      responseHeaders.set('Content-Range', `bytes ${start}-${body.length - 1}/${body.length}`);
    }
    const slice = body.subarray(start);
    responseHeaders.set('Content-Length', String(slice.length));
    const cut = options.cutAfter?.get(url);
    options.cutAfter?.delete(url);
    const piece = options.pieceBytes ?? 300;
    let pos = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (cut !== undefined && pos >= cut) {
          controller.error(new TypeError('network error: connection reset'));
          return;
        }
        if (pos >= slice.length) {
          controller.close();
          return;
        }
        const end = Math.min(slice.length, pos + piece, cut ?? Infinity);
        controller.enqueue(slice.slice(pos, end));
        pos = end;
      },
    });
    return new Response(stream, { status, headers: responseHeaders });
  };
  return { fetchImpl: fetchImpl as typeof fetch, requests };
}

/** Deterministic pseudo-random bytes. */
export function testBytes(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}
