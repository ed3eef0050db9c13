/**
 * Past writes of removed members that no current member re-sealed.
 *
 * The device that removes a member re-seals the vault's older records under
 * the new key (reencrypt.ts), because every other device refuses a record
 * under an older epoch signed by a non-member (a removed member still holds
 * those keys). A member removed by an older client (before 2026-11-29 none
 * re-encrypted) leaves those records as they were, so that new devices never
 * read them. A device whose replica holds such records (verified, or stored
 * by an older client, while their author was a member) re-seals just those,
 * once per epoch: after a remover's own run there are none, and nothing else
 * is rewritten.
 */
import { constantTimeEqual, parseEnvelopeHeader } from '@coffer/protocol';
import type { SyncContext } from './context.ts';

const checkedKey = (vaultId: string) => `reencrypt-orphans:${vaultId}`;

function signerKid(envelope: Uint8Array, epoch: number): Uint8Array | null | undefined {
  try {
    const header = parseEnvelopeHeader(envelope);
    if (header.epoch >= epoch) return undefined;
    return header.signed ? header.signerKid : null;
  } catch {
    return undefined;
  }
}

/**
 * Ids of records in this replica, under an epoch older than the vault's
 * newest, whose signer is no current member; empty when there are none, the
 * account cannot write, or this epoch was checked already.
 *
 * @example
 * const only = await orphanedRecords(ctx, vaultId);
 * if (only.length > 0) await reencryptVault(ctx, engine, vaultId, { only: new Set(only) });
 */
export async function orphanedRecords(ctx: SyncContext, vaultId: string): Promise<string[]> {
  let ring: Awaited<ReturnType<SyncContext['keyring']>>;
  try {
    ring = await ctx.keyring(vaultId);
  } catch {
    // No keyring (the vault is gone for this account, or offline): nothing to do now.
    return [];
  }
  const epoch = ring.current.epoch;
  const signers = ring.signers;
  if (epoch <= 1 || signers === undefined) return [];
  if (Number(await ctx.store.getMeta(checkedKey(vaultId))) >= epoch) return [];
  const orphans: string[] = [];
  for (const row of await ctx.store.listRecords(vaultId)) {
    if (row.envelope === null) continue;
    const kid = signerKid(row.envelope, epoch);
    if (kid === undefined) continue;
    if (kid === null || !signers.some((s) => constantTimeEqual(s.kid, kid))) {
      orphans.push(row.recordId);
    }
  }
  if (orphans.length > 0) {
    try {
      if ((await ctx.transport.getVault(vaultId)).role === 'reader') orphans.length = 0;
    } catch {
      // Offline or refused: asked again at the next sync.
      return [];
    }
  }
  // Checked for this epoch (a failed re-seal stays pending in its own progress).
  await ctx.store.setMeta(checkedKey(vaultId), String(epoch));
  return orphans;
}
