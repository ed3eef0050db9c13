import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { CofferSession, StepProgress } from '../api/types.ts';
import { IDLE_CHOICES } from '../ui/idle-settings.ts';
import { describeError } from '../ui/plain-words.ts';
import { ProgressLine } from './progress-line.tsx';
import { SessionsList } from './sessions-list.tsx';

export interface SettingsScreenProps {
  session: CofferSession;
  idleMinutes: number;
  onIdleMinutes: (minutes: number) => void;
  onBack: () => void;
  /** The change went through (the server ended every other session of the account with it). */
  onPassphraseChanged?: () => void;
}

const PASSPHRASE_CHANGED =
  'Passphrase changed. Use the new one from now on. Your other devices and tabs were logged out: they need the new passphrase.';

/** Account: own fingerprint, passphrase change (re-seals the key bundle), sessions, idle lock delay. */
export function SettingsScreen({
  session,
  idleMinutes,
  onIdleMinutes,
  onBack,
  onPassphraseChanged,
}: SettingsScreenProps) {
  /** Bumped to load the sessions list again (a passphrase change ends the other sessions). */
  const [sessionsShown, setSessionsShown] = useState(0);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [progress, setProgress] = useState<StepProgress | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const currentField = useRef<HTMLInputElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  /**
   * Where focus goes once the change ends: the button was disabled while it
   * ran, so a click on it left focus on <body>.
   */
  const [settled, setSettled] = useState<{ ok: boolean } | null>(null);
  useEffect(() => {
    if (!settled) return;
    if (settled.ok) submitButton.current?.focus();
    else {
      currentField.current?.focus();
      currentField.current?.select();
    }
  }, [settled]);
  // Like every screen: start at its heading, not on the button that opened it.
  useEffect(() => heading.current?.focus(), []);

  async function change(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    if (next.length < 10) return setMessage({ ok: false, text: 'Use at least 10 characters.' });
    if (next !== again) return setMessage({ ok: false, text: 'The new passphrases differ.' });
    setProgress({ step: 'Starting…' });
    try {
      await session.changePassphrase(current, next, setProgress);
      setCurrent('');
      setNext('');
      setAgain('');
      setMessage({ ok: true, text: PASSPHRASE_CHANGED });
      // The server ended every other session with the change: list what is left.
      setSessionsShown((n) => n + 1);
      onPassphraseChanged?.();
      setSettled({ ok: true });
    } catch (caught) {
      setMessage({ ok: false, text: describeError(caught, 'passphrase-change') });
      setSettled({ ok: false });
    } finally {
      setProgress(null);
    }
  }

  return (
    <section className="settings stack" aria-labelledby="settings-heading">
      <div className="row spread">
        <h2 id="settings-heading" ref={heading} tabIndex={-1}>
          Account
        </h2>
        <button type="button" onClick={onBack}>
          Back
        </button>
      </div>
      <section className="stack" aria-labelledby="fp-heading">
        <h3 id="fp-heading">Your fingerprint</h3>
        <p>People who share a vault with you compare this with what their screen shows.</p>
        <output className="fingerprint">{session.fingerprint}</output>
      </section>
      <form className="stack" onSubmit={change} aria-labelledby="pass-heading">
        <h3 id="pass-heading">Change passphrase</h3>
        <label>
          Current passphrase
          <input
            ref={currentField}
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label>
          New passphrase
          <input
            type="password"
            autoComplete="new-password"
            required
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <label>
          New passphrase again
          <input
            type="password"
            autoComplete="new-password"
            required
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        </label>
        {progress && <ProgressLine progress={progress} label="Passphrase change progress" />}
        {message && (
          <p className={message.ok ? 'notice' : 'error'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}
        <button ref={submitButton} type="submit" className="primary" disabled={progress !== null}>
          Change passphrase
        </button>
      </form>
      <SessionsList key={sessionsShown} session={session} />
      <label className="stack">
        Lock after being idle for
        <select value={idleMinutes} onChange={(e) => onIdleMinutes(Number(e.target.value))}>
          {IDLE_CHOICES.map((m) => (
            <option key={m} value={m}>
              {m === 0 ? 'Never' : m === 1 ? '1 minute' : `${m} minutes`}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
