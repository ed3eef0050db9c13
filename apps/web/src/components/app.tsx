import { useCallback, useEffect, useRef, useState } from 'react';
import { linkTabs, type TabLink, type TabMessage } from '../api/tab-channel.ts';
import type { CofferGateway, CofferSession, VaultHandle, VaultInfo } from '../api/types.ts';
import type { KeptDraft } from '../ui/draft.ts';
import { loadIdleMinutes, saveIdleMinutes } from '../ui/idle-settings.ts';
import { describeError, errorCode } from '../ui/plain-words.ts';
import { useBackButton } from '../ui/use-back-button.ts';
import { useIdleLock } from '../ui/use-idle-lock.ts';
import { SESSION_ENDED_CODES, useSessionRefresh } from '../ui/use-session-refresh.ts';
import { AuthScreen, type LockReason } from './auth-screen.tsx';
import { LeaveConfirm } from './leave-confirm.tsx';
import { LogoutConfirm } from './logout-confirm.tsx';
import { ReplicaReplacedBanner } from './replica-replaced-banner.tsx';
import { SettingsScreen } from './settings-screen.tsx';
import { SyncStatusBar } from './sync-status-bar.tsx';
import { VaultList } from './vault-list.tsx';
import { VaultView } from './vault-view.tsx';

type Screen = { kind: 'vaults' } | { kind: 'vault'; handle: VaultHandle } | { kind: 'settings' };

/**
 * The whole app. Navigation is in memory on purpose: nothing about the
 * user's vaults or records appears in URLs or history (history entries
 * carry only a screen depth, so that Back goes up a screen).
 */
export interface AppProps {
  gateway: CofferGateway;
  /** Length of an idle-lock "minute" (tests shrink it). */
  idleMinuteMs?: number;
}

export function App({ gateway, idleMinuteMs = 60_000 }: AppProps) {
  const [session, setSession] = useState<CofferSession | null>(null);
  /** Who was locked out and why (the unlock screen says which). */
  const [locked, setLocked] = useState<{ username: string; reason: LockReason } | undefined>(
    undefined,
  );
  const [screen, setScreen] = useState<Screen>({ kind: 'vaults' });
  const [showConflicts, setShowConflicts] = useState(false);
  const [idleMinutes, setIdleMinutes] = useState(loadIdleMinutes);
  const [error, setError] = useState<string | null>(null);
  /** Log out was pressed while changes wait in the outbox: asked first. */
  const [confirmingLogout, setConfirmingLogout] = useState(false);
  /** Leaving a vault (or locking) asked to wait while a file transfer runs: what to do if confirmed. */
  const [leaving, setLeaving] = useState<{
    reason: 'transfer' | 'draft';
    proceed: () => void;
  } | null>(null);
  /** The open vault's record editor holds unsaved text (told by the vault screen). */
  const unsaved = useRef(false);
  /** Said on the login screen after a logout the server did not hear of. */
  const [authNotice, setAuthNotice] = useState<string | null>(null);
  /** What the open vault's record editor holds unsaved (told by the vault screen). */
  const draft = useRef<KeptDraft | null>(null);
  /**
   * Unsaved editor text of a session that ended under it (the server ended
   * it, or the idle lock): kept in memory only, for the same user's next
   * login, which puts it back in the editor.
   */
  const [kept, setKept] = useState<{ username: string; draft: KeptDraft } | null>(null);
  /** The kept text the vault screen opens with (once: cleared when the vault closes). */
  const [restore, setRestore] = useState<KeptDraft | undefined>(undefined);

  const closeVault = useCallback(() => {
    setScreen((s) => {
      if (s.kind === 'vault') s.handle.close();
      return { kind: 'vaults' };
    });
    setShowConflicts(false);
    setRestore(undefined);
  }, []);

  /** This account's other tabs of this browser (they share the replica, not the keys). */
  const tabs = useRef<TabLink | null>(null);

  const end = useCallback(
    async (how: LockReason | 'logout') => {
      if (!session) return;
      // The other tabs follow a logout or a Lock pressed here (not an idle lock: one may be in use).
      if (how === 'logout') tabs.current?.post({ kind: 'logout' });
      else if (how === 'manual') tabs.current?.post({ kind: 'lock' });
      // A logout (or a Lock the person confirmed discarding for) keeps nothing.
      const unsavedText = how === 'logout' ? null : draft.current;
      setKept(unsavedText ? { username: session.username, draft: unsavedText } : null);
      draft.current = null;
      closeVault();
      setSession(null);
      setLocked(how === 'logout' ? undefined : { username: session.username, reason: how });
      setConfirmingLogout(false);
      setLeaving(null);
      setAuthNotice(null);
      try {
        // Logged out in another tab: end this tab's own server session too.
        await (how === 'logout' || how === 'tab-logout' ? session.logout() : session.lock());
      } catch (caught) {
        // The shell (and its error line) is gone: say it on the login screen.
        // (A 401 means the server had already ended it: nothing to say.)
        if (how === 'logout' && errorCode(caught) === 'network')
          setAuthNotice(
            'Logged out on this browser, but the server could not be reached to end the session there. It ends when it expires; you can also end it from Account on another device.',
          );
        else if (how !== 'logout' && how !== 'tab-logout') setError(describeError(caught));
      }
    },
    [session, closeVault],
  );

  /** A file transfer runs in the open vault: leaving would abort it without a word. */
  const transferring = () =>
    screen.kind === 'vault' && (session?.sync.getSnapshot().transfers.length ?? 0) > 0;
  function leaveRisk(): 'transfer' | 'draft' | null {
    if (transferring()) return 'transfer';
    return screen.kind === 'vault' && unsaved.current ? 'draft' : null;
  }
  // Closing the tab or reloading would lose the same things, with no dialog of
  // ours to ask: let the browser ask. (Changes already saved wait in the
  // encrypted outbox in IndexedDB and survive a reload.) Text kept for the
  // unlock lives only in this page, too.
  const risk = useRef(leaveRisk);
  risk.current = () => leaveRisk() ?? (kept ? 'draft' : null);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (risk.current() === null) return;
      event.preventDefault();
      // Older browsers ask only when returnValue is set.
      event.returnValue = '';
    };
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, []);
  function guardLeave(action: () => void) {
    const reason = leaveRisk();
    if (reason) setLeaving({ reason, proceed: action });
    else action();
  }

  useBackButton(
    !session || screen.kind === 'vaults' ? 0 : screen.kind === 'vault' && showConflicts ? 2 : 1,
    (depth) => {
      const reason = depth === 0 ? leaveRisk() : null;
      if (reason) {
        // Back already left the vault's entry: return to it, then ask.
        history.forward();
        setLeaving({ reason, proceed: closeVault });
      } else if (depth === 0) {
        closeVault();
        setScreen({ kind: 'vaults' });
      } else setShowConflicts(false);
    },
  );

  useIdleLock(
    session ? idleMinutes : 0,
    () => void end('idle'),
    idleMinuteMs,
    // A 4 GiB upload outlasts any idle delay; locking would abort it.
    () => (session?.sync.getSnapshot().transfers.length ?? 0) > 0,
  );

  useSessionRefresh(session, () => void end('ended'));

  const fromOtherTab = useRef<(message: TabMessage) => void>(() => {});
  fromOtherTab.current = (message) => {
    if (message.kind === 'logout') void end('tab-logout');
    else if (message.kind === 'lock') void end('tab-lock');
    // The server ended this tab's session with the change: say why now, not at the next request.
    else if (message.kind === 'passphrase-changed') void end('tab-passphrase');
  };
  useEffect(() => {
    if (!session) return;
    const link = linkTabs(session.username, (message) => fromOtherTab.current(message));
    tabs.current = link;
    return () => {
      link.close();
      if (tabs.current === link) tabs.current = null;
    };
  }, [session]);

  // A session ended by the server (revoked from another device, expired):
  // every request now fails, so drop the keys and ask for the passphrase
  // again instead of leaving a screen whose every action errors.
  useEffect(() => {
    if (!session) return;
    const startedAt = Date.now();
    const check = () => {
      const ended = session.sync
        .getSnapshot()
        .errors.some((e) => e.at >= startedAt && SESSION_ENDED_CODES.includes(e.code));
      if (ended) void end('ended');
    };
    check();
    return session.sync.subscribe(check);
  }, [session, end]);

  useEffect(() => {
    if (session) document.title = 'Coffer';
  }, [session]);

  // Removed from the open vault (or it was deleted): the list no longer has
  // it. Staying on its screen would offer edits the server refuses, kept in
  // the outbox for good; go to the list and say why.
  const openVaultId = screen.kind === 'vault' ? screen.handle.info.vaultId : null;
  useEffect(() => {
    if (!session || openVaultId === null) return;
    const check = () => {
      const list = session.vaults.getSnapshot();
      if (!list || list.some((v) => v.vaultId === openVaultId)) return;
      const name = screen.kind === 'vault' ? screen.handle.info.name : '';
      closeVault();
      setError(`“${name}” is no longer shared with you, so it was closed.`);
    };
    check();
    return session.vaults.subscribe(check);
  }, [session, openVaultId, screen, closeVault]);

  /** Logged in again after a session ended under unsaved text: open its editor with it. */
  async function reopenDraft(next: CofferSession, text: KeptDraft) {
    try {
      const handle = await next.openVault(text.vaultId);
      setRestore(text);
      setScreen({ kind: 'vault', handle });
    } catch (caught) {
      setError(`The record you were writing could not be opened again: ${describeError(caught)}`);
    }
  }

  async function open(vault: VaultInfo) {
    setError(null);
    try {
      const handle = await session!.openVault(vault.vaultId);
      setScreen({ kind: 'vault', handle });
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  if (!session) {
    return (
      <AuthScreen
        key={locked?.username ?? 'new'}
        gateway={gateway}
        {...(authNotice ? { notice: authNotice } : {})}
        {...(locked
          ? {
              lockedUsername: locked.username,
              lockReason: locked.reason,
              draftKept: kept?.username === locked.username,
              // Someone else at this browser never gets the previous user's text.
              onSwitchUser: () => {
                setLocked(undefined);
                setKept(null);
              },
            }
          : {})}
        onSession={(s) => {
          setSession(s);
          setLocked(undefined);
          setScreen({ kind: 'vaults' });
          setKept(null);
          if (kept && kept.username === s.username) void reopenDraft(s, kept.draft);
        }}
      />
    );
  }

  return (
    <div className="shell">
      <header className="topbar">
        <a className="skip" href="#main">
          Skip to content
        </a>
        <span className="brand">Coffer</span>
        <nav className="row" aria-label="Account">
          <span className="muted">{session.username}</span>
          <button type="button" onClick={() => guardLeave(() => setScreen({ kind: 'settings' }))}>
            Account
          </button>
          <button type="button" onClick={() => guardLeave(() => void end('manual'))}>
            Lock
          </button>
          <button
            type="button"
            onClick={() =>
              guardLeave(() =>
                session.sync.getSnapshot().pending > 0
                  ? setConfirmingLogout(true)
                  : void end('logout'),
              )
            }
          >
            Log out
          </button>
        </nav>
      </header>
      <main id="main" className="content">
        <ReplicaReplacedBanner replaced={session.replicaReplaced} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {screen.kind === 'vaults' && (
          <VaultList session={session} onOpen={open} onSessionEnded={() => void end('ended')} />
        )}
        {screen.kind === 'vault' && (
          <VaultView
            key={screen.handle.info.vaultId}
            vault={screen.handle}
            self={session.username}
            showConflicts={showConflicts}
            onShowConflicts={setShowConflicts}
            onBack={() => guardLeave(closeVault)}
            onUnsaved={(value) => {
              unsaved.current = value;
            }}
            onDraft={(value) => {
              draft.current = value;
            }}
            {...(restore?.vaultId === screen.handle.info.vaultId ? { restore } : {})}
          />
        )}
        {screen.kind === 'settings' && (
          <SettingsScreen
            session={session}
            idleMinutes={idleMinutes}
            onIdleMinutes={(m) => {
              setIdleMinutes(m);
              saveIdleMinutes(m);
            }}
            onBack={() => setScreen({ kind: 'vaults' })}
            onPassphraseChanged={() => tabs.current?.post({ kind: 'passphrase-changed' })}
          />
        )}
      </main>
      {leaving && (
        <LeaveConfirm
          reason={leaving.reason}
          onLeave={() => {
            setLeaving(null);
            unsaved.current = false;
            draft.current = null;
            leaving.proceed();
          }}
          onStay={() => setLeaving(null)}
        />
      )}
      {confirmingLogout && (
        <LogoutConfirm
          pending={session.sync.getSnapshot().pending}
          onLogout={() => void end('logout')}
          onStay={() => setConfirmingLogout(false)}
        />
      )}
      <SyncStatusBar
        sync={session.sync}
        {...(screen.kind === 'vault' ? { onShowConflicts: () => setShowConflicts(true) } : {})}
      />
    </div>
  );
}
