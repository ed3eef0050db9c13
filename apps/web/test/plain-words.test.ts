// Every refusal the SDK reports has a sentence of its own: the generic
// "Something went wrong … reload the page" would send a person after a
// transient fault when the server sent something this device refused.
import type { DistrustCode } from '@coffer/client';
import { describe, expect, test } from 'vitest';
import { plainWords } from '../src/ui/plain-words.ts';

// Checked against the SDK's type: a new code there fails to compile here until listed.
const DISTRUST: Record<DistrustCode, true> = {
  envelope_rejected: true,
  revision_rollback: true,
  revision_fork: true,
  grant_untrusted: true,
  signer_untrusted: true,
  sequence_rollback: true,
};

describe('plain words for the SDK’s refusals', () => {
  for (const code of [...Object.keys(DISTRUST), 'record_index_rejected', 'reencrypt_failed']) {
    test(`${code} has its own sentence`, () => {
      expect(plainWords(code, 'sync')).not.toMatch(/Something went wrong/);
    });
  }
});
