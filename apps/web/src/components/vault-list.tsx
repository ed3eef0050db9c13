import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { CofferSession, VaultInfo } from '../api/types.ts';
import { describeError, errorCode } from '../ui/plain-words.ts';
import { useFocusAfterBusy } from '../ui/use-focus-after-busy.ts';
import { useObservable } from '../ui/use-observable.ts';
import { SESSION_ENDED_CODES } from '../ui/use-session-refresh.ts';

export interface VaultListProps {
  session: CofferSession;
  onOpen: (vault: VaultInfo) => void;
  /** The server no longer knows this session (revoked elsewhere, expired). */
  onSessionEnded?: () => void;
}

/** The user's vaults, and a form to create one. */
export function VaultList({ session, onOpen, onSessionEnded }: VaultListProps) {
  const vaults = useObservable(session.vaults);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Read through a ref: a new callback on each parent render must not refresh again.
  const sessionEnded = useRef(onSessionEnded);
  const heading = useRef<HTMLHeadingElement>(null);
  const nameField = useRef<HTMLInputElement>(null);
  // A create that failed (offline) re-enables the field it disabled: continue there.
  useFocusAfterBusy(busy, nameField);
  // The screen before (login, a vault, Account) is gone: start here, not on <body>.
  useEffect(() => heading.current?.focus(), []);
  sessionEnded.current = onSessionEnded;

  // Coming back to the list asks the server again (the app also does on focus and every 30 s).
  useEffect(() => {
    session.refreshVaults().catch((caught: unknown) => {
      if (SESSION_ENDED_CODES.includes(errorCode(caught)) && sessionEnded.current)
        sessionEnded.current();
      else setError(describeError(caught));
    });
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
      <h2 id="vaults-heading" ref={heading} tabIndex={-1}>
        Your vaults
      </h2>
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
            ref={nameField}
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
