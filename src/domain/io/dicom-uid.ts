/**
 * @file Fresh DICOM UIDs in the `2.25.<128-bit integer>` form (PS3.5 §B.2): a random UUID (browser) or a digest of
 * a stable key (batch CLI, so re-running a shard rewrites byte-identical files). Neither carries anything about a
 * real study.
 */

/** `2.25.` + the UUID's 128 bits as a decimal integer. */
export function uidFromHex(hex32: string): string {
  const clean = hex32.replace(/-/g, '').slice(0, 32).padStart(32, '0');
  return `2.25.${BigInt(`0x${clean}`).toString(10)}`;
}

export function randomUid(): string {
  return uidFromHex(crypto.randomUUID());
}

/** A UID from the first 128 bits of SHA-256(key); version/variant bits set as in a name-based UUID. */
export async function uidFromKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`medcodi-studio-uid:${key}`)));
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x80; // "version 8" (custom) UUID
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  let hex = '';
  for (const b of digest.subarray(0, 16)) hex += b.toString(16).padStart(2, '0');
  return uidFromHex(hex);
}

/** Random synthetic patient id: "SYN-" and 12 hex digits. */
export function randomSyntheticPatientId(): string {
  return `SYN-${crypto.randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}
