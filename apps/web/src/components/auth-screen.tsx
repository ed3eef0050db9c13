import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { CofferGateway, CofferSession, StepProgress } from '../api/types.ts';
import { describeError } from '../ui/plain-words.ts';
import { normalizeUsername, usernameProblem } from '../ui/username.ts';
import { ProgressLine } from './progress-line.tsx';

const MIN_PASSPHRASE = 10;

export type LockReason = 'manual' | 'idle' | 'ended' | 'tab-lock' | 'tab-logout' | 'tab-passphrase';

const LOCK_WORDS: Record<LockReason, string> = {
  manual: 'Coffer is locked.',
  idle: 'Coffer locked itself after you were idle.',
  ended:
    'Your session on this device ended (it was ended from another device, or it expired). Changes not yet sent stay on this device.',
  'tab-lock': 'Coffer was locked in another tab of this browser.',
  'tab-logout':
    'You logged out in another tab of this browser, so this tab logged out too. Changes not yet sent stay on this device.',
  'tab-passphrase':
    'The passphrase was changed in another tab of this browser, which ended this tab’s session. Use the new passphrase.',
};

export interface AuthScreenProps {
  gateway: CofferGateway;
  onSession: (session: CofferSession) => void;
  /** After a lock, the username is known and only the passphrase is asked. */
  lockedUsername?: string;
  /** Why the session locked: the Lock button, the idle timer, or the server ended it. */
  lockReason?: LockReason;
  /** Unsaved editor text of the ended session waits for this unlock (in memory only). */
  draftKept?: boolean;
  /** Leave the unlock screen for a plain login (someone else on this browser). */
  onSwitchUser?: () => void;
  /** Something to know from what just happened (a logout the server did not hear of). */
  notice?: string;
}

/**
 * Sign up or log in. Key derivation (Argon2id, 64 MiB) runs in a worker
 * inside the gateway; this screen only shows its progress, so the page
 * stays responsive while it runs.
 */
export function AuthScreen({
  gateway,
  onSession,
  lockedUsername,
  lockReason = 'manual',
  draftKept = false,
  onSwitchUser,
  notice,
}: AuthScreenProps) {
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [username, setUsername] = useState(lockedUsername ?? '');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [progress, setProgress] = useState<StepProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  /** Counts failed attempts: each puts focus back in the passphrase (the fields were disabled, so it had fallen to <body>). */
  const [failures, setFailures] = useState(0);

  useEffect(() => first.current?.focus(), []);
  useEffect(() => {
    if (failures === 0) return;
    const field = form.current?.elements.namedItem('passphrase');
    if (field instanceof HTMLInputElement) {
      field.focus();
      // Typing again replaces the wrong one.
      field.select();
    }
  }, [failures]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const name = normalizeUsername(username);
    const problem = usernameProblem(name);
    if (problem) {
      setError(problem);
      return;
    }
    if (mode === 'signup' && passphrase.length < MIN_PASSPHRASE) {
      setError(`Use a passphrase of at least ${MIN_PASSPHRASE} characters.`);
      return;
    }
    if (mode === 'signup' && passphrase !== confirm) {
      setError('The two passphrases differ.');
      return;
    }
    setProgress({ step: 'Starting…' });
    try {
      const run = mode === 'signup' ? gateway.signup : gateway.login;
      setUsername(name);
      const session = await run.call(gateway, name, passphrase, setProgress);
      setPassphrase('');
      setConfirm('');
      onSession(session);
    } catch (caught) {
      const words = describeError(caught, 'login');
      // Unlocking, the username is fixed: only the passphrase can be wrong.
      setError(
        lockedUsername && words === 'Wrong username or passphrase.'
          ? // A session ended elsewhere may have ended with a passphrase change there.
            lockReason === 'ended'
            ? 'Wrong passphrase. If it was changed on another device, use the new one.'
            : 'Wrong passphrase.'
          : words,
      );
      setProgress(null);
      setFailures((n) => n + 1);
    }
  }

  const busy = progress !== null;
  const title = lockedUsername
    ? 'Unlock Coffer'
    : mode === 'login'
      ? 'Log in to Coffer'
      : 'Create a Coffer account';
  return (
    <main className="auth">
      <h1 id="auth-title">{title}</h1>
      {notice && <p role="status">{notice}</p>}
      {lockedUsername && (
        <p>
          {LOCK_WORDS[lockReason]} Enter the passphrase of {lockedUsername} to unlock.
        </p>
      )}
      {lockedUsername && draftKept && (
        <p className="notice">
          The record you were writing was not saved. It comes back in the editor after you unlock
          (only in this tab: reloading the page or logging in as someone else discards it).
        </p>
      )}
      {/* Named by the title: entering the form says whether it logs in or creates an account. */}
      <form
        ref={form}
        onSubmit={submit}
        className="stack"
        aria-busy={busy}
        aria-labelledby="auth-title"
      >
        <label>
          Username
          <input
            ref={lockedUsername ? undefined : first}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            readOnly={Boolean(lockedUsername)}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            disabled={busy}
          />
        </label>
        <label>
          Passphrase
          <input
            ref={lockedUsername ? first : undefined}
            name="passphrase"
            type="password"
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
            aria-describedby={mode === 'signup' ? 'passphrase-hint' : undefined}
            required
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            disabled={busy}
          />
        </label>
        {mode === 'signup' && (
          <p id="passphrase-hint" className="hint">
            At least {MIN_PASSPHRASE} characters. Your data is encrypted with it on this device, so
            nobody can reset it: if you forget it, your data cannot be opened.
          </p>
        )}
        {mode === 'signup' && (
          <label>
            Passphrase again
            <input
              name="confirm"
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              disabled={busy}
            />
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {progress && <ProgressLine progress={progress} label="Key derivation progress" />}
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'login' ? (lockedUsername ? 'Unlock' : 'Log in') : 'Create account'}
        </button>
      </form>
      {lockedUsername && onSwitchUser && (
        <p>
          <button type="button" className="link" disabled={busy} onClick={onSwitchUser}>
            Log in as someone else
          </button>
        </p>
      )}
      {!lockedUsername && (
        <p>
          {mode === 'login' ? 'No account yet? ' : 'Already have an account? '}
          <button
            type="button"
            className="link"
            disabled={busy}
            onClick={() => {
              setMode(mode === 'login' ? 'signup' : 'login');
              setError(null);
              // The form changed under the button: start it again from its first field.
              first.current?.focus();
            }}
          >
            {mode === 'login' ? 'Create one' : 'Log in'}
          </button>
        </p>
      )}
    </main>
  );
}
