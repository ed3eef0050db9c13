/**
 * `coffer doctor --verify`: opens every envelope the replica holds (records,
 * pending writes, conflict copies) with this account's vault keys, without
 * the network, and reports per vault how many open and which do not. SQLite's
 * integrity check sees only pages; a flipped bit inside an envelope, or a row
 * moved to another record's slot, shows only when the envelope is opened.
 * Only counts, ids and error codes are reported: never a name or a value.
 */
import { fromHex, openRecord } from '@coffer/protocol';
import { openLocalClient } from '../account/local-client.ts';
import { requireAccount } from '../account/profile.ts';
import { unlockAccount } from '../account/unlock.ts';
import { listNamedVaults } from '../account/vault-names.ts';
import type { CommandContext } from '../cli/command.ts';
import { toCliError } from '../cli/errors.ts';
import { createProgress } from '../cli/progress.ts';

/** An envelope of the replica that did not open (ids and a code only). */
export interface UnopenedEnvelope {
  recordId: string;
  /** Where the replica keeps it: the replicated record, a write not pushed yet, a conflict copy. */
  kind: 'record' | 'pending' | 'conflict';
  code: string;
}

export interface VaultVerification {
  vault: string;
  vaultId: string;
  /** Envelopes that opened under the vault's keys and their record's slot. */
  opened: number;
  failed: UnopenedEnvelope[];
  /** Deletions (tombstones): nothing to open. */
  tombstones: number;
  /** Set when the vault's keys are not on this device: nothing of it could be opened. */
  keysMissing?: string;
}

interface Sealed {
  recordId: string;
  kind: UnopenedEnvelope['kind'];
  envelope: Uint8Array;
}

function codeOf(e: unknown): string {
  return toCliError(e)?.code ?? 'internal';
}

/** Open every envelope of the replica of the logged-in account. Unlocks it (session or passphrase). */
export async function verifyReplica(ctx: CommandContext): Promise<VaultVerification[]> {
  const profile = await requireAccount(ctx);
  const state = await unlockAccount(ctx, profile.home, profile.username);
  const opened = await openLocalClient(profile, state);
  try {
    const vaults = await listNamedVaults(opened, { sync: false });
    const work: Array<{ vault: (typeof vaults)[number]; sealed: Sealed[]; tombstones: number }> =
      [];
    for (const vault of vaults) {
      const sealed: Sealed[] = [];
      let tombstones = 0;
      for (const r of await opened.store.listRecords(vault.vaultId)) {
        if (r.envelope === null) tombstones++;
        else sealed.push({ recordId: r.recordId, kind: 'record', envelope: r.envelope });
      }
      for (const o of await opened.store.listOutbox({ vaultId: vault.vaultId }))
        if (o.envelope !== null)
          sealed.push({ recordId: o.recordId, kind: 'pending', envelope: o.envelope });
      for (const c of await opened.store.listConflicts(vault.vaultId))
        if (c.envelope !== null)
          sealed.push({ recordId: c.recordId, kind: 'conflict', envelope: c.envelope });
      work.push({ vault, sealed, tombstones });
    }
    const total = work.reduce((n, w) => n + w.sealed.length, 0);
    const progress = createProgress(ctx.out, 'verifying', total, 'items');
    let done = 0;
    const out: VaultVerification[] = [];
    try {
      for (const { vault, sealed, tombstones } of work) {
        const result: VaultVerification = {
          vault: vault.name,
          vaultId: vault.vaultId,
          opened: 0,
          failed: [],
          tombstones,
        };
        out.push(result);
        let ring: Awaited<ReturnType<typeof opened.client.vaults.keyring>>;
        try {
          ring = await opened.client.vaults.keyring(vault.vaultId);
        } catch (e) {
          result.keysMissing = codeOf(e);
          result.failed = sealed.map(({ recordId, kind }) => ({ recordId, kind, code: codeOf(e) }));
          done += sealed.length;
          progress.update(done);
          continue;
        }
        for (const s of sealed) {
          try {
            await openRecord(s.envelope, {
              vaultId: ring.vaultIdBytes,
              recordId: fromHex(s.recordId),
              keys: ring.keys,
            });
            result.opened++;
          } catch (e) {
            result.failed.push({ recordId: s.recordId, kind: s.kind, code: codeOf(e) });
          }
          progress.update(++done);
        }
      }
    } finally {
      progress.finish();
    }
    return out;
  } finally {
    await opened.close();
  }
}

/** One line per vault for people: `ops: 120 open, 2 do not: 3fa1… (decryption_failed, record)`. */
export function verificationLines(results: readonly VaultVerification[]): string[] {
  return results.map((r) => {
    const head = `${r.vault}: ${r.opened} open`;
    if (r.keysMissing !== undefined)
      return `${head}, ${r.failed.length} cannot be opened: this device has no key of the vault (${r.keysMissing})`;
    if (r.failed.length === 0) return head;
    const which = r.failed.map((f) => `${f.recordId} (${f.code}, ${f.kind})`).join(', ');
    return `${head}, ${r.failed.length} do not: ${which}`;
  });
}
