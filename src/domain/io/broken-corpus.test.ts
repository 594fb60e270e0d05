/**
 * The importer against a generated corpus of broken files: every one gives an ImportError with a sentence naming
 * the file (or decodes, for damage that leaves a valid image), none throws anything else, none hangs.
 */
import { describe, expect, it } from 'vitest';
import { decodeImport } from './decode-import';
import { ImportError } from './import-error';
import { brokenCorpus } from './testing/broken-corpus';

const corpus = brokenCorpus();

describe('broken file corpus', () => {
  it('has at least 50 broken DICOM, TIFF and PNG files, with unique names', () => {
    const broken = corpus.filter((c) => c.expect !== 'decodes');
    expect(broken.length).toBeGreaterThanOrEqual(50);
    for (const kind of ['dicom/', 'tiff/', 'png/']) expect(broken.filter((c) => c.name.startsWith(kind)).length).toBeGreaterThanOrEqual(12);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s', async (name, entry) => {
    const started = performance.now();
    let outcome: unknown = 'decoded';
    try {
      await decodeImport(entry.bytes, name);
    } catch (e) {
      outcome = e;
    }
    expect(performance.now() - started).toBeLessThan(2000);
    if (entry.expect === 'decodes') {
      // Damage that leaves a readable image (a wrong group length, no IEND, …): the file must still open.
      expect(outcome, outcome instanceof Error ? outcome.message : '').toBe('decoded');
      return;
    }
    expect(outcome, `expected an ImportError (${entry.expect})`).toBeInstanceOf(ImportError);
    const error = outcome as ImportError;
    expect(error.problem, error.message).toBe(entry.expect);
    expect(error.message).toMatch(/^("[^"]+"|This DICOM) /);
    if (!error.message.startsWith('This DICOM')) expect(error.message).toContain(`"${name}"`);
    expect(error.message).toMatch(/[.]$/);
    expect(error.message).not.toMatch(/undefined|NaN|\[object /);
  });
});
