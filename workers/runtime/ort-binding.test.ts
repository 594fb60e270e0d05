import { describe, expect, it } from 'vitest';
import { threadPoolConfig } from './ort-binding';

const spinning = (threads: number, cores: number) => threadPoolConfig(threads, cores).session.intra_op.allow_spinning;

describe('threadPoolConfig', () => {
  it('stops the pool spinning when its threads take every core', () => {
    expect(spinning(2, 2)).toBe('0');
    expect(spinning(4, 2)).toBe('0');
    expect(spinning(8, 8)).toBe('0');
  });
  it('keeps spinning where cores are spare, and for a single thread (no pool threads to spin)', () => {
    expect(spinning(2, 8)).toBe('1');
    expect(spinning(2, 3)).toBe('1');
    expect(spinning(1, 1)).toBe('1');
    expect(spinning(1, 2)).toBe('1');
  });
});
