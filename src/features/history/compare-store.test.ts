import { describe, expect, it } from 'vitest';
import { MAX_COMPARED, createCompareStore } from './compare-store';

describe('compare store', () => {
  it('opens only with two or more picked, refuses a fifth, and closes when a removal leaves one', () => {
    const store = createCompareStore();
    const s = () => store.getState();
    s().toggle('a');
    s().openCompare();
    expect(s().open).toBe(false);
    s().toggle('b');
    s().openCompare();
    expect(s().open).toBe(true);
    for (const id of ['c', 'd', 'e']) s().toggle(id);
    expect(s().selected).toEqual(['a', 'b', 'c', 'd']);
    expect(s().selected).toHaveLength(MAX_COMPARED);
    expect(s().refused).toBe(true);
    s().toggle('c');
    expect(s().refused).toBe(false);
    expect(s().open).toBe(true);
    s().toggle('a');
    s().toggle('d');
    expect(s().selected).toEqual(['b']);
    expect(s().open).toBe(false);
  });

  it('prunes deleted results, closing the comparison when fewer than two remain, and clears', () => {
    const store = createCompareStore();
    const s = () => store.getState();
    for (const id of ['a', 'b', 'c']) s().toggle(id);
    s().openCompare();
    s().prune(['a', 'c', 'z']);
    expect(s().selected).toEqual(['a', 'c']);
    expect(s().open).toBe(true);
    s().prune(['c']);
    expect(s().selected).toEqual(['c']);
    expect(s().open).toBe(false);
    s().toggle('x');
    s().clear();
    expect(s()).toMatchObject({ selected: [], open: false, refused: false });
  });

  it('select picks exactly the given results (no repeats, at most four) and opens them', () => {
    const store = createCompareStore();
    store.getState().toggle('old');
    store.getState().select(['a', 'b', 'a', 'c', 'd', 'e']);
    expect(store.getState()).toMatchObject({ selected: ['a', 'b', 'c', 'd'], open: true, refused: false });
    store.getState().select(['z']);
    expect(store.getState()).toMatchObject({ selected: ['z'], open: false });
  });

  it('links the viewers by default and remembers an unlink', () => {
    const store = createCompareStore();
    expect(store.getState().linked).toBe(true);
    store.getState().setLinked(false);
    expect(store.getState().linked).toBe(false);
  });
});
