import { describe, expect, it } from 'vitest';
import { formatJsonPath, parseManifest } from './manifest-schema';
import { sampleManifestJson } from '../../workers/testing/sample-manifest';

type Json = Record<string, any>;

function modelOf(m: Json): Json {
  return m.models[0];
}

describe('parseManifest', () => {
  it('accepts the contract example shape and fills defaults', () => {
    const manifest = parseManifest(sampleManifestJson());
    expect(manifest.models[0]?.id).toBe('medcodi-nano');
    expect(manifest.models[0]?.components.length).toBe(15);
    expect(manifest.models[0]?.clipImage.resample).toBe('bicubic');
  });

  it('lists every problem with its JSON path in plain words', () => {
    const json = sampleManifestJson() as Json;
    json.schemaVersion = 2;
    const model = modelOf(json);
    delete model.version;
    model.imageSize = 'big';
    model.components[3].variants[0].files[0].sha256 = 'xyz';
    model.components[0].inputs[0].shape = [1, -4];
    let message = '';
    try {
      parseManifest(json);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/not valid \(5 problems\)/);
    expect(message).toContain('- schemaVersion: should be 1');
    expect(message).toContain('- models[0].version: is missing');
    expect(message).toContain('- models[0].imageSize: should be a number, but is the text "big"');
    expect(message).toContain('- models[0].components[3].variants[0].files[0].sha256: should be a sha256 digest');
    expect(message).toContain('- models[0].components[0].inputs[0].shape[1]: ');
  });

  it('checks cross references, duplicates and file paths', () => {
    const json = sampleManifestJson() as Json;
    const model = modelOf(json);
    model.components[1].name = 'clip_text';
    model.textDecoder.tokenizer = 'gpt3';
    model.assets[0].file.path = '../secret.json';
    model.tokenizers[0].file.path = 'https://evil.example/tok.json';
    expect(() => parseManifest(json)).toThrow(/models\[0\]\.components\[1\]\.name: duplicate component name "clip_text"/);
    expect(() => parseManifest(json)).toThrow(/models\[0\]\.textDecoder\.tokenizer: names tokenizer "gpt3"/);
    expect(() => parseManifest(json)).toThrow(/models\[0\]\.assets\[0\]\.file\.path: should not contain "\.\."/);
    expect(() => parseManifest(json)).toThrow(/tokenizers\[0\]\.file\.path: should be a path relative/);
  });

  it('rejects non-objects and empty model lists', () => {
    expect(() => parseManifest(null)).toThrow(/\(root\): should be an object, but is null/);
    expect(() => parseManifest({ schemaVersion: 1, models: [] })).toThrow(/models: should have at least 1 entry/);
  });

  it('formats paths', () => {
    expect(formatJsonPath([])).toBe('(root)');
    expect(formatJsonPath(['models', 2, 'files', 0, 'sha256'])).toBe('models[2].files[0].sha256');
  });
});
