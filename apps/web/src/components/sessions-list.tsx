import { useCallback, useEffect, useRef, useState } from 'react';
import type { CofferSession, SessionView } from '../api/types.ts';
import { formatSince } from '../ui/format.ts';
import { describeError } from '../ui/plain-words.ts';
import { useFocusAfterBusy } from '../ui/use-focus-after-busy.ts';
import { FormMessages } from './form-messages.tsx';

export interface SessionsListProps {
  session: CofferSession;
}

/**
 * Where this account is logged in, and a way to end a lost or old device's
 * session. This device's own session ends with "Log out", not here.
 */
export function SessionsList({ session }: SessionsListProps) {
  const [sessions, setSessions] = useState<ReadonlyArray<SessionView> | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // An End session refused (offline): its button was disabled meanwhile.
  useFocusAfterBusy(busy !== null, heading);

  const load = useCallback(async () => {
    try {
      setSessions(await session.sessions());
    } catch (caught) {
      setError(describeError(caught));
    }
  }, [session]);
  useEffect(() => {
    void load();
  }, [load]);

  async function revoke(target: SessionView) {
    setBusy(target.sessionId);
    setError(null);
    setNotice(null);
    try {
      await session.revokeSession(target.sessionId);
      setNotice(`Ended the session of “${target.label}”. That device has to log in again.`);
      await load();
      // Its Revoke button is gone: keep focus in this section, not on <body>.
      heading.current?.focus();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(null);
    }
  }

  const now = Date.now();
  return (
    <section className="stack" aria-labelledby="sessions-heading">
      <h3 id="sessions-heading" ref={heading} tabIndex={-1}>
        Devices logged in
      </h3>
      {sessions === null && !error && <p role="status">Loading sessions…</p>}
      {sessions && (
        <ul className="members">
          {sessions.map((s) => (
            <li key={s.sessionId} className="member">
              <span className="member__name">
                {s.label}
                {s.current ? ' (this device)' : ''}
              </span>
              <span className="member__role">
                {s.current ? 'active now' : `last seen ${formatSince(s.lastSeenAt, now)}`}
              </span>
              {!s.current && (
                <button
                  type="button"
                  className="danger"
                  disabled={busy !== null}
                  onClick={() => revoke(s)}
                  aria-label={`End session: ${s.label}, last seen ${formatSince(s.lastSeenAt, now)}`}
                >
                  End session
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormMessages notice={notice} error={error} />
    </section>
  );
}
