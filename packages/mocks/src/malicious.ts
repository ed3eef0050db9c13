/**
 * A malicious server, for tests of a client that must not trust it: stored
 * data set back to older revisions or stale ciphertexts, and pull pages with
 * swapped envelopes, replayed or dropped changes. Real envelopes only: the
 * mock has no keys, so every attack reuses ciphertext it once received.
 */
import type { Change } from '@coffer/protocol';
import { toChange, writeRecord } from './db/records.ts';
import type { VaultRow } from './db/types.ts';
import type { MaliciousMode } from './scenario.ts';

/**
 * Set a record back to its previous revision (older revision number and
 * envelope) under a new sequence. False when it has no older revision.
 *
 * @example
 * rollbackRecord(vault, recordId);
 */
export function rollbackRecord(vault: VaultRow, recordId: string): boolean {
  const history = vault.history.get(recordId) ?? [];
  const current = vault.records.get(recordId);
  const previous = [...history].reverse().find((r) => current && r.revision < current.revision);
  if (!current || !previous) return false;
  writeRecord(vault, { ...previous });
  return true;
}

/**
 * Serve a record's previous envelope again, at a higher revision (a replay the
 * AEAD cannot catch: the ciphertext is genuine and bound to this record).
 */
export function replayOldEnvelope(vault: VaultRow, recordId: string): boolean {
  const history = vault.history.get(recordId) ?? [];
  const current = vault.records.get(recordId);
  const previous = [...history]
    .reverse()
    .find((r) => current && r.envelope !== null && r.envelope !== current.envelope);
  if (!current || !previous) return false;
  writeRecord(vault, { ...previous, revision: current.revision + 1 });
  return true;
}

/** Exchange the envelopes of two records (each at a higher revision). */
export function swapRecords(vault: VaultRow, a: string, b: string): boolean {
  const ra = vault.records.get(a);
  const rb = vault.records.get(b);
  if (!ra || !rb) return false;
  writeRecord(vault, { ...ra, revision: ra.revision + 1, envelope: rb.envelope, epoch: rb.epoch });
  writeRecord(vault, { ...rb, revision: rb.revision + 1, envelope: ra.envelope, epoch: ra.epoch });
  return true;
}

/**
 * Stored-data attacks of a mode, applied before a pull answers. Each record
 * is attacked once per scenario (`done` remembers), so the client sees one
 * attack per record rather than an endless stream of them.
 */
export function tamperBeforePull(vault: VaultRow, mode: MaliciousMode, done: Set<string>): void {
  for (const recordId of [...vault.records.keys()]) {
    const key = `${vault.vaultId}/${recordId}`;
    if (done.has(key)) continue;
    if (mode.rollbackRevisions && rollbackRecord(vault, recordId)) done.add(key);
    else if (mode.replayEnvelopes && replayOldEnvelope(vault, recordId)) done.add(key);
  }
}

/** Page-level attacks of a mode (the stored data stays as it is). */
export function tamperPage(
  vault: VaultRow,
  mode: MaliciousMode,
  cursor: number,
  changes: Change[],
): Change[] {
  let out = changes;
  if (mode.swapEnvelopes) out = swapEnvelopes(vault, out);
  if (mode.dropChanges) out = out.filter((_, i) => i % 2 === 1);
  if (mode.replayChanges && cursor > 0) {
    // Something the client already has: the first revision of the oldest record.
    const old = [...vault.history.values()].map((h) => h[0]).find((r) => r && r.seq <= cursor);
    if (old) out = [toChange(old), ...out];
  }
  return out;
}

/** Give every enveloped change the envelope of another record. */
function swapEnvelopes(vault: VaultRow, changes: Change[]): Change[] {
  const mine = new Set(changes.map((c) => c.recordId));
  // Donors: the page itself (rotated by one), or another record of the vault.
  const outside = [...vault.records.values()].find((r) => !mine.has(r.recordId) && r.envelope);
  const enveloped = changes.filter((c) => c.envelope !== null);
  const donors = enveloped.length > 1 ? enveloped : [];
  return changes.map((c) => {
    if (c.envelope === null) return c;
    const index = donors.indexOf(c);
    const donor = index >= 0 ? donors[(index + 1) % donors.length] : undefined;
    if (donor) return { ...c, envelope: donor.envelope, epoch: donor.epoch };
    if (outside) return { ...c, envelope: outside.envelope, epoch: outside.epoch };
    return c;
  });
}
