/**
 * The DICOM export read back through dcmjs (every tag that marks it synthetic) and through the studio's own
 * importer (dicom-parser): pixels, window and the marking survive the round trip.
 */
import { describe, expect, it } from 'vitest';
import { decodeDicom } from './decode-dicom';
import { DEIDENTIFICATION_METHOD, IMPLEMENTATION_CLASS_UID, syntheticDicom } from './export-dicom';
import { markedImage } from './export-png';
import { sampleRecord } from './testing/sample-record';
import { dcmjs } from './vendor/dcmjs';
import { renderDisplay } from './windowing';

const UID = /^2\.25\.\d{1,39}$/;

function readBack(bytes: Uint8Array) {
  const copy = bytes.slice();
  const dict = dcmjs.data.DicomMessage.readFile(copy.buffer);
  return { meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.meta), data: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) };
}

describe('syntheticDicom', () => {
  const record = sampleRecord();

  it.each([8, 16] as const)('writes a %i-bit Secondary Capture with every synthetic marker (read back through dcmjs)', (bitDepth) => {
    const { fileName, bytes } = syntheticDicom(record, 'frontal', { bitDepth, prompt: 'Enlarged cardiac silhouette – “small” effusion' });
    expect(fileName).toBe('synthetic_T-to-F_42_20261127T203005Z.dcm');
    const { meta, data } = readBack(bytes);
    expect(meta['TransferSyntaxUID']).toBe('1.2.840.10008.1.2.1');
    expect(meta['MediaStorageSOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.7');
    expect(meta['MediaStorageSOPInstanceUID']).toBe(data['SOPInstanceUID']);
    expect(meta['ImplementationClassUID']).toBe(IMPLEMENTATION_CLASS_UID);

    expect(data['SOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.7');
    expect(data['ConversionType']).toBe('SYN');
    expect(data['ImageType']).toEqual(['DERIVED', 'SECONDARY']);
    expect(data['BurnedInAnnotation']).toBe('YES');
    expect(data['RecognizableVisualFeatures']).toBe('NO');
    const derivation = String(data['DerivationDescription']);
    for (const part of ['SYNTHETIC frontal', 'medcodi-nano 0.1.0', 'direction T>F+L', 'seed 42', 'steps 50', 'prompt "Enlarged cardiac silhouette - "small" effusion"']) {
      expect(derivation).toContain(part);
    }
    expect(derivation.length).toBeLessThanOrEqual(1024);
    expect(data['Manufacturer']).toBe('MedCoDi Studio');
    expect(data['ManufacturerModelName']).toBe('medcodi-nano');
    expect(data['SoftwareVersions']).toEqual(['MedCoDi Studio 0.1.0', 'medcodi-nano 0.1.0']);
    expect(data['PatientIdentityRemoved']).toBe('YES');
    expect(data['DeidentificationMethod']).toBe(DEIDENTIFICATION_METHOD);
    expect((data['DeidentificationMethodCodeSequence'] as Record<string, unknown>[])[0]).toMatchObject({ CodeValue: '113100', CodingSchemeDesignator: 'DCM' });
    expect((data['ContributingEquipmentSequence'] as Record<string, unknown>[])[0]).toMatchObject({ Manufacturer: 'MedCoDi Studio' });
    const name = data['PatientName'] as { Alphabetic: string }[] | string;
    expect(typeof name === 'string' ? name : name[0]?.Alphabetic).toBe('SYNTHETIC^CASE');
    expect(String(data['PatientID'])).toMatch(/^SYN-[0-9A-F]{12}$/);
    for (const tag of ['SOPInstanceUID', 'StudyInstanceUID', 'SeriesInstanceUID']) expect(String(data[tag])).toMatch(UID);
    expect(new Set([data['SOPInstanceUID'], data['StudyInstanceUID'], data['SeriesInstanceUID']]).size).toBe(3);
    expect(data['PhotometricInterpretation']).toBe('MONOCHROME2');
    expect([data['Rows'], data['Columns'], data['BitsAllocated'], data['BitsStored'], data['HighBit'], data['PixelRepresentation'], data['SamplesPerPixel']]).toEqual([64, 64, bitDepth, bitDepth, bitDepth - 1, 0, 1]);
    expect([data['WindowCenter'], data['WindowWidth']]).toEqual(bitDepth === 8 ? [128, 256] : [32768, 65536]);
    expect(String(data['ImageComments'])).toMatch(/^SYNTHETIC IMAGE - NOT A REAL PATIENT/);
  });

  it('shows exactly the marked image when read back by the importer, with its window covering the full range', () => {
    for (const bitDepth of [8, 16] as const) {
      const decoded = decodeDicom(syntheticDicom(record, 'lateral', { bitDepth }).bytes, 'x.dcm');
      expect(Array.from(renderDisplay(decoded.image, decoded.display).pixels)).toEqual(Array.from(markedImage(record.outputs.lateral!).pixels));
      expect(decoded.header).toMatchObject({ syntheticMarked: true, hasPatientIdentity: false, viewPosition: 'LL', sopClass: 'Secondary Capture Image Storage' });
    }
  });

  it('has the SYNTHETIC band burned into the pixels (BurnedInAnnotation is true)', () => {
    const blank = sampleRecord({ outputs: { frontal: { width: 64, height: 64, pixels: new Uint8ClampedArray(64 * 64).fill(100) } } });
    const decoded = decodeDicom(syntheticDicom(blank, 'frontal').bytes, 'x.dcm');
    const bottom = decoded.image.values.subarray(56 * 64);
    expect(Math.max(...bottom)).toBe(255); // the white letters
    expect(Math.min(...bottom)).toBeLessThan(100); // the darkened band
  });

  it('records the prompt only as a hash unless it is given, and never copies anything of a real input', () => {
    const { bytes } = syntheticDicom(record, 'frontal');
    const { data } = readBack(bytes);
    expect(String(data['DerivationDescription'])).toContain(`prompt sha256 ${'a'.repeat(64)}`);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).not.toMatch(/cardiac silhouette/);
  });

  it('cuts a very long prompt to the 1024-character ST limit', () => {
    const { data } = readBack(syntheticDicom(record, 'frontal', { prompt: 'effusion '.repeat(400) }).bytes);
    expect(String(data['DerivationDescription']).length).toBe(1024);
    expect(String(data['DerivationDescription'])).toMatch(/\.\.\.$/);
  });

  it('gives fresh UIDs per export unless the case shares its study', () => {
    const a = readBack(syntheticDicom(record, 'frontal').bytes).data;
    const b = readBack(syntheticDicom(record, 'frontal').bytes).data;
    expect(a['SOPInstanceUID']).not.toBe(b['SOPInstanceUID']);
    expect(a['PatientID']).not.toBe(b['PatientID']);
    const study = '2.25.1234';
    const c = readBack(syntheticDicom(record, 'lateral', { studyInstanceUid: study }).bytes).data;
    expect(c['StudyInstanceUID']).toBe(study);
  });
});
