import { type FormEvent, useEffect, useState } from 'react';
import type { CofferSession, VaultInfo } from '../api/types.ts';
import { describeError } from '../ui/plain-words.ts';
import { useObservable } from '../ui/use-observable.ts';

export interface VaultListProps {
  session: CofferSession;
  onOpen: (vault: VaultInfo) => void;
}

/** How often the list asks the server again while it is on screen. */
export const VAULT_LIST_REFRESH_MS = 30_000;

/**
 * The user's vaults, and a form to create one. The server has no event for
 * "a vault was shared with you", so the list asks again when it is shown,
 * when the window regains focus or the network, and every half minute while
 * visible.
 */
export function VaultList({ session, onOpen }: VaultListProps) {
  const vaults = useObservable(session.vaults);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const refresh = () => {
      if (document.visibilityState !== 'visible') return;
      session.refreshVaults().catch((caught: unknown) => setError(describeError(caught)));
    };
    refresh();
    const timer = setInterval(refresh, VAULT_LIST_REFRESH_MS);
    addEventListener('focus', refresh);
    addEventListener('online', refresh);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      removeEventListener('focus', refresh);
      removeEventListener('online', refresh);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, [session]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const vault = await session.createVault(name.trim());
      setName('');
      onOpen(vault);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="vault-list" aria-labelledby="vaults-heading">
      <h2 id="vaults-heading">Your vaults</h2>
      {vaults === null ? (
        <p role="status">Loading vaults…</p>
      ) : vaults.length === 0 ? (
        <p>No vaults yet. Create your first one below.</p>
      ) : (
        <ul className="cards">
          {vaults.map((vault) => (
            <li key={vault.vaultId}>
              <button type="button" className="card" onClick={() => onOpen(vault)}>
                <span className="card__title">{vault.name}</span>
                <span className="card__meta">{vault.role}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={create}>
        <label>
          New vault name
          <input
            name="vault-name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={busy}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Create vault
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
