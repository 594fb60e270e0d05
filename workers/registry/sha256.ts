/** SHA-256 as lowercase hex (SubtleCrypto; one-shot over the whole buffer). */
export async function sha256Hex(data: ArrayBuffer | ArrayBufferView | string): Promise<string> {
  let bytes: BufferSource;
  if (typeof data === 'string') bytes = new TextEncoder().encode(data);
  else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as Uint8Array<ArrayBuffer>;
  else bytes = data;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  let hex = '';
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Whether `data` is exactly the file the manifest describes (size and sha256); `actual` is its digest, for messages. */
export async function matchesManifest(expected: { readonly bytes: number; readonly sha256: string }, data: ArrayBuffer | ArrayBufferView): Promise<{ ok: boolean; actual: string }> {
  const actual = await sha256Hex(data);
  return { ok: data.byteLength === expected.bytes && actual === expected.sha256, actual };
}
