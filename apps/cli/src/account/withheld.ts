/**
 * Records withheld from this device's replica: the server sent a version of
 * them that did not verify, and the SDK kept the last verified one (or none).
 * The SDK lists them until a verified version arrives, so `coffer sync` says
 * so every time, not only in the run that met the bad version.
 */
import type { CofferClient, WithheldEntry } from '@coffer/client';

export interface VaultWithheld {
  vault: string;
  records: WithheldEntry[];
  /** Withheld records beyond those listed. */
  more: number;
}

/** The withheld records of each vault (only vaults that have some). */
export async function listWithheld(
  client: CofferClient,
  vaults: ReadonlyArray<{ vaultId: string; name: string }>,
): Promise<VaultWithheld[]> {
  const out: VaultWithheld[] = [];
  for (const v of vaults) {
    const { records, more } = await client.records.withheld(v.vaultId);
    if (records.length > 0 || more > 0) out.push({ vault: v.name, records, more });
  }
  return out;
}

/** Keys listed in a warning before "and N more". */
const SHOWN = 5;

/** One warning line for a vault's withheld records (key names, or record ids when never held). */
export function withheldWarning(w: VaultWithheld): string {
  const total = w.records.length + w.more;
  const names = w.records
    .slice(0, SHOWN)
    .map((r) => `${r.name ?? `record ${r.recordId}`} (${r.code})`);
  const rest = total - names.length;
  const list = names.join(', ') + (rest > 0 ? ` and ${rest} more` : '');
  const what = total === 1 ? '1 record' : `${total} records`;
  return `${w.vault}: ${what} withheld: the server's latest version did not verify, so this device keeps its last verified one (or none): ${list}`;
}
