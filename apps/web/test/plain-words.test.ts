// Every refusal the SDK reports has a sentence of its own: the generic
// "Something went wrong … reload the page" would send a person after a
// transient fault when the server sent something this device refused.
import { DISTRUST_CODES } from '@coffer/client';
import { describe, expect, test } from 'vitest';
import { plainWords } from '../src/ui/plain-words.ts';

describe('plain words for the SDK’s refusals', () => {
  // The SDK's own list (complete by its type): a new code there fails here until it has words.
  for (const code of [...DISTRUST_CODES, 'record_index_rejected', 'reencrypt_failed']) {
    test(`${code} has its own sentence`, () => {
      expect(plainWords(code, 'sync')).not.toMatch(/Something went wrong/);
    });
  }
});

test('a push refused with 404 in sync says the vault is no longer shared, not a vague "does not know that"', () => {
  expect(plainWords('not_found', 'sync')).toMatch(/no longer shared with you/);
});
