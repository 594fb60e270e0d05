import { describe, expect, it } from 'vitest';
import { decodeDicom } from './decode-dicom';
import { dcmjs } from './vendor/dcmjs';
import { buildCaseBundle, buildCaseZip, verifyZip } from './export-bundle';
import { syntheticPng } from './export-png';
import { sha256Hex } from './hash';
import { decodePng } from './png-decode';
import { sampleRecord } from './testing/sample-record';
import { reportExportText } from '../result-record';

describe('case bundle', () => {
  it('records inputs as hashes only, unless included, and outputs with hashes', async () => {
    const record = sampleRecord();
    const bundle = await buildCaseBundle(record, { embedOutputs: true });
    expect(bundle).toMatchObject({ format: 'medcodi-case-bundle', synthetic: true, direction: 'T>F+L', model: { id: 'medcodi-nano', version: '0.1.0' } });
    expect(bundle.inputs).toEqual([{ modality: 'report', weight: 1, sha256: 'a'.repeat(64), included: false }]);
    expect(JSON.stringify(bundle)).not.toContain('Épanchement');
    const frontal = bundle.outputs.find((o) => o.modality === 'frontal')!;
    expect(frontal.sha256).toBe(await sha256Hex(syntheticPng(record, 'frontal').bytes));
    expect(frontal.contentSha256).toBe(await sha256Hex(record.outputs.frontal!.pixels));
    expect(frontal.pngBase64).toBeTruthy();
    expect(bundle.outputs.find((o) => o.modality === 'report')!.text).toBe(record.outputs.report);
    const included = await buildCaseBundle(record, { include: { report: 'Épanchement' } });
    expect(included.inputs[0]).toMatchObject({ included: true, text: 'Épanchement' });
  });

  it('carries how a consensus report was chosen into case.json, the PNG provenance and the report header', async () => {
    const consensus = { seeds: [42, 43, 44], chosen: 1, agreement: [0.8, 0.9, 0.7], totalMs: 3000, reports: ['No effusion.', 'Small effusion.', 'Large effusion.'] };
    const record = sampleRecord({ settings: { ...sampleRecord().settings, seed: 43 }, consensus });
    expect((await buildCaseBundle(record)).reportConsensus).toEqual(consensus);
    expect('reportConsensus' in (await buildCaseBundle(sampleRecord()))).toBe(false);
    expect(reportExportText(record)).toContain('report consensus of 3 candidates (seeds 42 43 44)');
  });

  it('names the bundled phantom case the inputs came from, with its known findings, in case.json', async () => {
    const sourceCase = { id: 'phantom-03', title: 'Phantom case 4: pleural effusion', labels: { pleural_effusion: 1, cardiomegaly: 0 } as const };
    expect((await buildCaseBundle(sampleRecord({ sourceCase }))).sourceCase).toEqual(sourceCase);
    expect('sourceCase' in (await buildCaseBundle(sampleRecord()))).toBe(false);
  });

  it('refuses to include an image the result was not made from', async () => {
    const record = sampleRecord({ inputs: [{ modality: 'frontal', weight: 1, sha256: 'b'.repeat(64) }] });
    await expect(buildCaseBundle(record, { include: { frontal: record.outputs.frontal! } })).rejects.toThrow(/not the one this result was made from/);
  });

  it('zips marked PNGs, DICOMs, the report and case.json, every file checked against SHA256SUMS', async () => {
    const record = sampleRecord();
    const zip = await buildCaseZip(record);
    expect(zip.fileName).toBe('synthetic_case_T-to-FL_42_20261127T203005Z.zip');
    const { files, problems } = await verifyZip(zip.bytes);
    expect(problems).toEqual([]);
    expect(Object.keys(files).sort()).toEqual([
      'SHA256SUMS',
      'case.json',
      'synthetic_T-to-F_42_20261127T203005Z.dcm',
      'synthetic_T-to-F_42_20261127T203005Z.png',
      'synthetic_T-to-L_42_20261127T203005Z.dcm',
      'synthetic_T-to-L_42_20261127T203005Z.png',
      'synthetic_T-to-T_42_20261127T203005Z.txt',
    ]);
    for (const [path, bytes] of Object.entries(files)) {
      expect(path.startsWith('synthetic_') || ['case.json', 'SHA256SUMS'].includes(path)).toBe(true);
      if (path.endsWith('.png')) expect(decodePng(bytes, path).text['Synthetic']).toBe('yes');
      if (path.endsWith('.dcm')) expect(decodeDicom(bytes, path).header.syntheticMarked).toBe(true);
      if (path.endsWith('.txt')) expect(new TextDecoder().decode(bytes)).toMatch(/^# SYNTHETIC REPORT/);
    }
    const bundle = JSON.parse(new TextDecoder().decode(files['case.json']));
    expect(bundle.outputs.map((o: { file: string }) => o.file)).toEqual(['synthetic_T-to-F_42_20261127T203005Z.png', 'synthetic_T-to-L_42_20261127T203005Z.png', 'synthetic_T-to-T_42_20261127T203005Z.txt']);
    // Frontal and lateral of one case share the study and the synthetic patient (read back through dcmjs).
    const [f, l] = ['F', 'L'].map((v) => {
      const bytes = files[`synthetic_T-to-${v}_42_20261127T203005Z.dcm`]!.slice();
      return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(bytes.buffer).dict) as Record<string, unknown>;
    });
    expect(String(f!['StudyInstanceUID'])).toMatch(/^2\.25\.\d+$/);
    expect(f!['StudyInstanceUID']).toBe(l!['StudyInstanceUID']);
    expect(f!['PatientID']).toBe(l!['PatientID']);
    expect(String(f!['PatientID'])).not.toBe('');
    expect(f!['SeriesInstanceUID']).not.toBe(l!['SeriesInstanceUID']);
  });

  it('spots a tampered or incomplete ZIP', async () => {
    const zip = await buildCaseZip(sampleRecord());
    const broken = zip.bytes.slice(0, zip.bytes.length - 10);
    expect((await verifyZip(broken)).problems[0]).toMatch(/not a readable ZIP/);
  });
});
