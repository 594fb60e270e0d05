/**
 * @file Typed access to dcmjs 0.51.1 (no type declarations ship with it). Only the naturalised-dataset API the
 * exporter and its tests use is typed: `denaturalizeDataset` → `DicomDict.write()` → Part 10 bytes, and
 * `DicomMessage.readFile` → `naturalizeDataset` to read them back.
 */
// @ts-expect-error dcmjs ships no type declarations
import * as dcmjsModule from 'dcmjs';

/** A naturalised dataset: keyword → value; sequences are arrays of datasets, PixelData an array of ArrayBuffers. */
export type NaturalDataset = Record<string, unknown> & { _vrMap?: Record<string, string>; _meta?: unknown };

export interface DenaturalDataset {
  readonly [tag: string]: { vr: string; Value?: unknown[] };
}

export interface DcmjsDicomDict {
  meta: DenaturalDataset;
  dict: DenaturalDataset;
  write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
}

export interface Dcmjs {
  readonly data: {
    readonly DicomMetaDictionary: {
      naturalizeDataset(dataset: DenaturalDataset): NaturalDataset;
      denaturalizeDataset(dataset: NaturalDataset): DenaturalDataset;
    };
    readonly DicomDict: new (meta: DenaturalDataset) => DcmjsDicomDict;
    readonly DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string }): DcmjsDicomDict;
    };
  };
  readonly log: { setLevel(level: string): void };
}

const namespace = dcmjsModule as { default?: Dcmjs } & Partial<Dcmjs>;
export const dcmjs: Dcmjs = (namespace.default ?? namespace) as Dcmjs;
