import { describe, expect, it } from 'vitest';
import { createSettingsStorage, type SettingsBackend } from './settings-storage';

function flakyBackend() {
  const saved = new Map<string, string>();
  let failWith: unknown = null;
  const backend: SettingsBackend = {
    get: async (n) => saved.get(n),
    set: async (n, v) => {
      if (failWith !== null) throw failWith;
      saved.set(n, v);
    },
    del: async (n) => void saved.delete(n),
  };
  return { backend, saved, fail: (e: unknown) => (failWith = e) };
}

describe('settings storage', () => {
  it('says when settings stop being saved (full storage, refused), keeps the last saved ones, and clears the note once a write works', async () => {
    const { backend, saved, fail } = flakyBackend();
    const notes: (string | null)[] = [];
    const storage = createSettingsStorage({ backend, onWriteFailure: (m) => notes.push(m) });
    await storage.setItem('s', 'v1');
    expect(notes).toEqual([]);

    fail(new DOMException('quota', 'QuotaExceededError'));
    await storage.setItem('s', 'v2');
    expect(notes.at(-1)).toBe("Settings are not being saved: the browser's storage for this site is full. They apply until this tab is closed.");
    expect(saved.get('s')).toBe('v1');
    expect(await storage.getItem('s')).toBe('v1');

    fail(new Error('The transaction was aborted'));
    await storage.setItem('s', 'v3');
    expect(notes.at(-1)).toBe('Settings are not being saved: the browser refused to store them (The transaction was aborted). They apply until this tab is closed.');

    fail(null);
    await storage.setItem('s', 'v4');
    expect(notes.at(-1)).toBeNull();
    expect(saved.get('s')).toBe('v4');
  });

  it('works from memory where there is no IndexedDB', async () => {
    const storage = createSettingsStorage({ backend: null });
    await storage.setItem('s', 'x');
    expect(await storage.getItem('s')).toBe('x');
  });
});
