import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './format';

describe('format', () => {
  it('formats bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatBytes(null)).toBe('unknown');
  });

  it('formats durations', () => {
    expect(formatDuration(850.2)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
  });
});
