/**
 * @file Typed access to UTIF.js (utif 3.1.0, CommonJS, no type declarations). Only what decode-tiff uses is typed.
 * The default/namespace dance makes the same import work in Vite's browser build and in Node (vitest, CLI).
 */
// @ts-expect-error utif ships no type declarations
import * as utifModule from 'utif';

/** One image file directory: TIFF tags as `t<number>` arrays, plus what decodeImage fills in. */
export interface UtifIfd {
  [tag: `t${number}`]: readonly (number | string)[] | undefined;
  width?: number;
  height?: number;
  data?: Uint8Array;
  isLE?: boolean;
}

export interface Utif {
  decode(buffer: ArrayBuffer | Uint8Array): UtifIfd[];
  decodeImage(buffer: ArrayBuffer | Uint8Array, ifd: UtifIfd, ifds?: UtifIfd[]): void;
  toRGBA8(ifd: UtifIfd): Uint8Array;
  encodeImage(rgba: Uint8Array, width: number, height: number, metadata?: Record<string, unknown>): ArrayBuffer;
  encode(ifds: readonly Record<string, unknown>[]): ArrayBuffer;
}

const namespace = utifModule as { default?: Utif } & Partial<Utif>;
export const UTIF: Utif = (namespace.default ?? namespace) as Utif;
