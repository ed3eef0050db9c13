import { describe, expect, it } from 'vitest';
import { closest } from './suggest.ts';

describe('closest', () => {
  const commands = ['get', 'put', 'rm', 'ls', 'sync', 'vault create', 'vault list', 'decrypt'];
  it('suggests the nearest spelling within two edits', () => {
    expect(closest('gett', commands)).toBe('get');
    expect(closest('vault crate', commands)).toBe('vault create');
    expect(closest('snyc', commands)).toBe('sync');
    expect(closest('decrpyt', commands)).toBe('decrypt');
  });
  it('suggests nothing for a word that is not near any', () => {
    expect(closest('frobnicate', commands)).toBeUndefined();
    // Two edits on a two-letter word would match anything short.
    expect(closest('xy', commands)).toBeUndefined();
  });
});
