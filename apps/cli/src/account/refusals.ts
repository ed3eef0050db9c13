/**
 * What the SDK refused while a command ran: records or keys from the server
 * that failed a check (an envelope that does not open under its record's
 * context, a rolled-back revision, a signer who is not a member...). The SDK
 * keeps them out of the replica and reports an error event; a command that
 * synced says so, instead of a clean "synced" while records were withheld.
 * Events are taken as they arrive (the SDK keeps only its last 50).
 */
import { type CofferClient, DISTRUST_CODES, type SyncErrorEvent } from '@coffer/client';

const REFUSED = new Set<string>(DISTRUST_CODES);

/** True when the event means something from the server was refused and not stored. */
export function isRefusal(code: string): boolean {
  return REFUSED.has(code);
}

export interface Refusal {
  vaultId: string | undefined;
  code: string;
  /** The SDK's sentence for the first event of this kind (no secret: ids and codes only). */
  message: string;
  count: number;
}

/** One warning line for a refusal (the vault by name when the caller knows it). */
export function refusalWarning(r: Refusal, vault = r.vaultId ?? 'account'): string {
  const times = r.count > 1 ? `, ${r.count} times` : '';
  const refused = isRefusal(r.code) ? '; not stored on this device' : '';
  return `${vault}: ${r.message} (${r.code}${times})${refused}`;
}

/** Start collecting; `stop()` ends it and returns the refusals grouped by vault and code. */
export function collectRefusals(client: CofferClient): { stop(): Refusal[] } {
  const seen = new Set<SyncErrorEvent>(client.state.getSnapshot().errors);
  const byKey = new Map<string, Refusal>();
  const take = () => {
    for (const event of client.state.getSnapshot().errors) {
      if (seen.has(event)) continue;
      seen.add(event);
      // Unreachable servers have their own message and exit code.
      if (event.code === 'network') continue;
      const key = `${event.vaultId ?? ''}:${event.code}`;
      const known = byKey.get(key);
      if (known) known.count++;
      else
        byKey.set(key, {
          vaultId: event.vaultId,
          code: event.code,
          message: event.message,
          count: 1,
        });
    }
  };
  const unsubscribe = client.state.subscribe(take);
  return {
    stop() {
      take();
      unsubscribe();
      return [...byKey.values()];
    },
  };
}
