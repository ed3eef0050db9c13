/**
 * Push bodies for the benches: `n` puts of fresh record ids, each carrying
 * one of 64 real 1 KiB record envelopes sealed for `vaultId` (sealed once,
 * reused round-robin, so building a body costs no crypto).
 */
import { randomBytes } from 'node:crypto';
import { newHexId, recordEnvelope } from '../test/support/accounts.ts';

export async function pushBodyMaker(vaultId: string): Promise<(n: number) => string> {
  const pool = await Promise.all(
    Array.from({ length: 64 }, () =>
      recordEnvelope(vaultId, newHexId(), 1, new Uint8Array(randomBytes(1024))),
    ),
  );
  return (n) =>
    JSON.stringify({
      mutations: Array.from({ length: n }, (_, i) => ({
        op: 'put',
        mutationId: newHexId(),
        recordId: newHexId(),
        baseRevision: null,
        epoch: 1,
        envelope: pool[i % 64],
      })),
    });
}
