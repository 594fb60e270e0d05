/**
 * @file A result image as a DICOM Secondary Capture that says everywhere that it is synthetic
 * (docs: shared evaluation-and-vtt.md §5.3):
 * - SOP class Secondary Capture Image Storage, ConversionType SYN, ImageType DERIVED\SECONDARY;
 * - BurnedInAnnotation YES, with the SYNTHETIC band really burned into the pixels; RecognizableVisualFeatures NO;
 * - DerivationDescription: model id, version, seed, direction and prompt (or its hash), cut to ST's 1024 chars;
 * - Manufacturer / ManufacturerModelName / SoftwareVersions and a Contributing Equipment item for the generator;
 * - PatientIdentityRemoved YES, DeidentificationMethod (+ code 113100), PatientName SYNTHETIC^CASE, a random
 *   synthetic PatientID, fresh 2.25 UIDs; nothing from any real input is copied;
 * - MONOCHROME2, 8 or 16 bits, a window covering the full range.
 * Written with dcmjs (naturalised dataset → Part 10, explicit VR little endian).
 */
import type { GreyImage } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import { compactTimestamp, directionSlug, type ResultRecord } from '../result-record';
import { EXPLICIT_VR_LITTLE_ENDIAN, SECONDARY_CAPTURE_IMAGE_STORAGE } from './dicom-uids';
import { randomSyntheticPatientId, randomUid } from './dicom-uid';
import { markedImage } from './export-png';
import { STUDIO_NAME, STUDIO_VERSION, asciiOnly, derivationText, truncate, type ExportOptions } from './synthetic-provenance';
import { dcmjs, type NaturalDataset } from './vendor/dcmjs';

/** The studio's implementation class UID (fixed; identifies the writer, not a study). */
export const IMPLEMENTATION_CLASS_UID = '2.25.203622384837018427381902418223740953317';
export const DEIDENTIFICATION_METHOD = 'MedCoDi Studio synthetic image; no real patient data';

export interface DicomExportOptions extends ExportOptions {
  readonly bitDepth?: 8 | 16;
  /** Frontal and lateral of one case share a study; pass the same ids for both. */
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  readonly sopInstanceUid?: string;
  readonly patientId?: string;
}

/** DICOM DA/TM from an ISO time (UTC). */
function dicomDateTime(iso: string): { date: string; time: string } {
  const d = new Date(iso);
  const valid = !Number.isNaN(d.getTime());
  const s = (valid ? d : new Date(0)).toISOString();
  return { date: s.slice(0, 10).replace(/-/g, ''), time: s.slice(11, 19).replace(/:/g, '') };
}

function pixelBytes(image: GreyImage, bitDepth: 8 | 16): ArrayBuffer {
  const n = image.width * image.height;
  if (bitDepth === 8) {
    const out = new Uint8Array(n + (n % 2)); // OB values are padded to an even length
    out.set(image.pixels);
    return out.buffer;
  }
  const out = new Uint16Array(n);
  // 0…255 → 0…65535 exactly (×257), so the 16-bit file shows the same picture under its full-range window.
  for (let i = 0; i < n; i += 1) out[i] = (image.pixels[i] ?? 0) * 257;
  // dcmjs writes OW words little-endian from this buffer; Uint16Array is little-endian on every platform we run on.
  return out.buffer;
}

/** The naturalised dataset (exposed for tests and for callers that add tags). */
export function syntheticDicomDataset(record: ResultRecord, output: ImageModality, options: DicomExportOptions = {}): NaturalDataset {
  const image = record.outputs[output];
  if (!image) throw new Error(`This result has no ${output} image.`);
  const bitDepth = options.bitDepth ?? 8;
  const marked = markedImage(image);
  const { date, time } = dicomDateTime(record.createdAt);
  const sopInstanceUid = options.sopInstanceUid ?? randomUid();
  const software = [`${STUDIO_NAME} ${STUDIO_VERSION}`, truncate(`${record.modelId} ${record.modelVersion}`, 64)];
  const description = truncate(`SYNTHETIC ${output} MedCoDi-M ${record.directionId}`, 64);
  return {
    SpecificCharacterSet: 'ISO_IR 6',
    ImageType: ['DERIVED', 'SECONDARY'],
    SOPClassUID: SECONDARY_CAPTURE_IMAGE_STORAGE,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: date,
    SeriesDate: date,
    ContentDate: date,
    StudyTime: time,
    SeriesTime: time,
    ContentTime: time,
    AccessionNumber: '',
    Modality: 'OT',
    ConversionType: 'SYN',
    Manufacturer: STUDIO_NAME,
    ReferringPhysicianName: '',
    StudyDescription: 'SYNTHETIC CASE - not a real patient',
    SeriesDescription: asciiOnly(description),
    ManufacturerModelName: truncate(record.modelId, 64),
    DerivationDescription: truncate(derivationText(record, output, options), 1024),
    PatientName: 'SYNTHETIC^CASE',
    PatientID: options.patientId ?? randomSyntheticPatientId(),
    PatientBirthDate: '',
    PatientSex: '',
    PatientIdentityRemoved: 'YES',
    DeidentificationMethod: DEIDENTIFICATION_METHOD,
    DeidentificationMethodCodeSequence: [{ CodeValue: '113100', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Basic Application Confidentiality Profile' }],
    BodyPartExamined: 'CHEST',
    ViewPosition: output === 'frontal' ? 'PA' : 'LL',
    SoftwareVersions: software,
    ContributingEquipmentSequence: [
      {
        PurposeOfReferenceCodeSequence: [{ CodeValue: '109102', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Processing Equipment' }],
        Manufacturer: STUDIO_NAME,
        ManufacturerModelName: truncate(record.modelId, 64),
        SoftwareVersions: software,
        ContributionDateTime: `${date}${time}`,
        ContributionDescription: truncate(`Synthetic image generation (${record.directionId}, seed ${record.settings.seed})`, 64),
      },
    ],
    StudyInstanceUID: options.studyInstanceUid ?? randomUid(),
    SeriesInstanceUID: options.seriesInstanceUid ?? randomUid(),
    StudyID: 'SYNTHETIC',
    SeriesNumber: '1',
    InstanceNumber: '1',
    PatientOrientation: '',
    ImageComments: truncate(`SYNTHETIC IMAGE - NOT A REAL PATIENT - NOT FOR DIAGNOSIS. ${derivationText(record, output, options)}`, 10240),
    BurnedInAnnotation: 'YES',
    RecognizableVisualFeatures: 'NO',
    LossyImageCompression: '00',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: marked.height,
    Columns: marked.width,
    BitsAllocated: bitDepth,
    BitsStored: bitDepth,
    HighBit: bitDepth - 1,
    PixelRepresentation: 0,
    WindowCenter: bitDepth === 8 ? 128 : 32768,
    WindowWidth: bitDepth === 8 ? 256 : 65536,
    WindowCenterWidthExplanation: 'FULL RANGE',
    PixelData: [pixelBytes(marked, bitDepth)],
    _vrMap: { PixelData: bitDepth === 8 ? 'OB' : 'OW' },
  };
}

/** `synthetic_<direction>_<seed>_<time>.dcm` (the PNG name with the DICOM extension). */
export function dicomFileName(record: Pick<ResultRecord, 'directionId' | 'settings' | 'createdAt'>, output: ImageModality): string {
  return `synthetic_${directionSlug(record.directionId, output)}_${record.settings.seed}_${compactTimestamp(record.createdAt)}.dcm`;
}

/** The output as a Part 10 file: name and bytes. */
export function syntheticDicom(record: ResultRecord, output: ImageModality, options: DicomExportOptions = {}): { readonly fileName: string; readonly bytes: Uint8Array } {
  const dataset = syntheticDicomDataset(record, output, options);
  const { DicomMetaDictionary, DicomDict } = dcmjs.data;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SECONDARY_CAPTURE_IMAGE_STORAGE,
    MediaStorageSOPInstanceUID: dataset['SOPInstanceUID'],
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: 'MEDCODI_STUDIO',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return { fileName: dicomFileName(record, output), bytes: new Uint8Array(dict.write()) };
}
