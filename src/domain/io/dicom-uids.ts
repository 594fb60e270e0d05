/**
 * @file DICOM UIDs the importer and exporter name: transfer syntaxes (PS3.5 §10 / PS3.6 Annex A) and the image
 * storage SOP classes a chest X-ray arrives in. Names are for messages and the header panel.
 */

export interface TransferSyntax {
  readonly uid: string;
  readonly name: string;
  /** Native (uncompressed) pixel data, which the studio decodes itself. */
  readonly native: boolean;
  readonly littleEndian: boolean;
  readonly explicitVr: boolean;
  readonly deflated?: boolean;
}

const ts = (uid: string, name: string, native: boolean, littleEndian = true, explicitVr = true, deflated = false): TransferSyntax => ({
  uid,
  name,
  native,
  littleEndian,
  explicitVr,
  ...(deflated ? { deflated } : {}),
});

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

export const TRANSFER_SYNTAXES: readonly TransferSyntax[] = [
  ts(IMPLICIT_VR_LITTLE_ENDIAN, 'Implicit VR Little Endian', true, true, false),
  ts(EXPLICIT_VR_LITTLE_ENDIAN, 'Explicit VR Little Endian', true),
  ts('1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', true, true, true, true),
  ts('1.2.840.10008.1.2.2', 'Explicit VR Big Endian', true, false),
  ts('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', false),
  ts('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', false),
  ts('1.2.840.10008.1.2.4.57', 'JPEG Lossless (Process 14)', false),
  ts('1.2.840.10008.1.2.4.70', 'JPEG Lossless SV1 (Process 14, first-order prediction)', false),
  ts('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless', false),
  ts('1.2.840.10008.1.2.4.81', 'JPEG-LS Near-Lossless', false),
  ts('1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless', false),
  ts('1.2.840.10008.1.2.4.91', 'JPEG 2000', false),
  ts('1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component Lossless', false),
  ts('1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component', false),
  ts('1.2.840.10008.1.2.4.94', 'JPIP Referenced', false),
  ts('1.2.840.10008.1.2.4.95', 'JPIP Referenced Deflate', false),
  ts('1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile', false),
  ts('1.2.840.10008.1.2.4.101', 'MPEG2 High Profile', false),
  ts('1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264', false),
  ts('1.2.840.10008.1.2.4.103', 'MPEG-4 AVC/H.264 BD-compatible', false),
  ts('1.2.840.10008.1.2.4.110', 'JPEG XL Lossless', false),
  ts('1.2.840.10008.1.2.4.111', 'JPEG XL JPEG Recompression', false),
  ts('1.2.840.10008.1.2.4.112', 'JPEG XL', false),
  ts('1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Lossless', false),
  ts('1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 Lossless (RPCL)', false),
  ts('1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000', false),
  ts('1.2.840.10008.1.2.5', 'RLE Lossless', false),
];

export function transferSyntax(uid: string): TransferSyntax | undefined {
  return TRANSFER_SYNTAXES.find((t) => t.uid === uid);
}

export const SECONDARY_CAPTURE_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.7';

export const SOP_CLASS_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.1': 'Computed Radiography Image Storage',
  '1.2.840.10008.5.1.4.1.1.1.1': 'Digital X-Ray Image Storage – For Presentation',
  '1.2.840.10008.5.1.4.1.1.1.1.1': 'Digital X-Ray Image Storage – For Processing',
  [SECONDARY_CAPTURE_IMAGE_STORAGE]: 'Secondary Capture Image Storage',
  '1.2.840.10008.5.1.4.1.1.7.2': 'Multi-frame Grayscale Byte Secondary Capture Image Storage',
  '1.2.840.10008.5.1.4.1.1.7.3': 'Multi-frame Grayscale Word Secondary Capture Image Storage',
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image Storage',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image Storage',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR Storage',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State Storage',
};
