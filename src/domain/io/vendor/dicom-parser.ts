/**
 * @file dicom-parser 1.8.21 ships a UMD bundle: Vite exposes named exports, Node's ESM loader only `default`.
 * This picks whichever exists so decode-dicom runs unchanged in the browser, the CLI and vitest.
 */
import * as dicomParserModule from 'dicom-parser';

type DicomParser = typeof dicomParserModule;
const namespace = dicomParserModule as DicomParser & { default?: DicomParser };
export const dicomParser: DicomParser = typeof namespace.parseDicom === 'function' ? namespace : (namespace.default as DicomParser);
export type { DataSet, Element } from 'dicom-parser';
