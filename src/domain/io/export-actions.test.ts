import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildExport } from './export-actions';
import { sampleRecord } from './testing/sample-record';

const findings = { imageClassifier: { threshold: 0.5, frontal: { cardiomegaly: 0.9 } } };

describe('buildExport', () => {
  it("writes the screen's findings into case.json, in the JSON bundle and in the ZIP", async () => {
    const json = await buildExport(sampleRecord(), 'case-json', { includeInputs: false, dicomBitDepth: 8, findings });
    expect(JSON.parse(await json.blob.text()).findings).toEqual(findings);
    const zip = await buildExport(sampleRecord(), 'case-zip', { includeInputs: false, dicomBitDepth: 8, findings });
    const files = unzipSync(new Uint8Array(await zip.blob.arrayBuffer()));
    expect(JSON.parse(new TextDecoder().decode(files['case.json'])).findings).toEqual(findings);
  });

  it('leaves findings out when there are none', async () => {
    for (const choice of [{}, { findings: {} }]) {
      const json = await buildExport(sampleRecord(), 'case-json', { includeInputs: false, dicomBitDepth: 8, ...choice });
      expect('findings' in JSON.parse(await json.blob.text())).toBe(false);
    }
  });
});
