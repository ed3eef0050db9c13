// Node only: both backends against the same vectors, and backend selection.
import { afterEach, describe, expect, it } from 'vitest';
import { cobblestoneBackend, forceCobblestoneBackend } from '../src/cobblestone/backend.ts';
import { cobblestoneOpen, cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { patternBytes, sameBytes } from './cobblestone-helpers.ts';
import { describeCobblestoneVectors } from './cobblestone-vector-suite.ts';

describe('Cobblestone backend selection in Node', () => {
  afterEach(() => forceCobblestoneBackend(undefined));

  it('uses node:crypto by default and WebCrypto when forced', () => {
    expect(cobblestoneBackend().name).toBe('node');
    forceCobblestoneBackend('webcrypto');
    expect(cobblestoneBackend().name).toBe('webcrypto');
  });

  it('each backend opens what the other sealed', async () => {
    const key = patternBytes(32, 1);
    const context = patternBytes(9, 2);
    const plaintext = patternBytes(3 * 16_384 + 5, 3);
    forceCobblestoneBackend('webcrypto');
    const fromWeb = await cobblestoneSeal(key, context, plaintext);
    forceCobblestoneBackend('node');
    const fromNode = await cobblestoneSeal(key, context, plaintext);
    expect(sameBytes(await cobblestoneOpen(key, context, fromWeb), plaintext)).toBe(true);
    forceCobblestoneBackend('webcrypto');
    expect(sameBytes(await cobblestoneOpen(key, context, fromNode), plaintext)).toBe(true);
  });
});

describeCobblestoneVectors('node:crypto forced', 'node');
describeCobblestoneVectors('WebCrypto forced in Node', 'webcrypto');
