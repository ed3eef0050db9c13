/**
 * Where a vault's re-encryption after a key rotation stands, kept in the
 * local store so that an interrupted run resumes (a closed tab, a lost
 * connection, a CLI killed halfway). `removeMember` marks the rotation it
 * made as pending; the run marks it complete; `client.sync` finishes a
 * pending one. Only the device that removed a member has it pending: that
 * device verified every record while the removed member was still a member,
 * and re-sealing them under the new key, signed by a current member, is what
 * keeps a removed member's past writes readable on every other device (which
 * refuse records signed by non-members under older epochs: a removed member
 * still holds those keys).
 */
import type { LocalStore } from '../store/types.ts';

export interface ReencryptProgress {
  /** The epoch records are being re-sealed under. */
  epoch: number;
  /** The last record id done (runs go in id order); '' before the first. */
  after: string;
  /** False while records may remain under older epochs. */
  complete: boolean;
}

const progressKey = (vaultId: string) => `reencrypt:${vaultId}`;

/** The saved progress; undefined when none, or unreadable (then a run starts over). */
export async function readReencryptProgress(
  store: LocalStore,
  vaultId: string,
): Promise<ReencryptProgress | undefined> {
  const saved = await store.getMeta(progressKey(vaultId));
  if (saved === undefined) return undefined;
  try {
    const p = JSON.parse(saved) as Partial<ReencryptProgress>;
    if (typeof p.epoch !== 'number' || typeof p.after !== 'string') return undefined;
    // Written before `complete` existed: those runs were awaited by the app.
    return { epoch: p.epoch, after: p.after, complete: p.complete !== false };
  } catch {
    return undefined;
  }
}

export function writeReencryptProgress(
  store: LocalStore,
  vaultId: string,
  progress: ReencryptProgress,
): Promise<void> {
  return store.setMeta(progressKey(vaultId), JSON.stringify(progress));
}

/** True when a rotation made on this device still has records to re-seal. */
export async function reencryptPending(store: LocalStore, vaultId: string): Promise<boolean> {
  return (await readReencryptProgress(store, vaultId))?.complete === false;
}
