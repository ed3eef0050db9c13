import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Observable, SyncView } from '../api/types.ts';
import { formatSince, percent } from '../ui/format.ts';
import { plainWords } from '../ui/plain-words.ts';
import { useObservable } from '../ui/use-observable.ts';

/**
 * What the connection part of the bar says. A pull with nothing of ours
 * waiting is "checking for changes", not "syncing": beside "All changes
 * saved to the server" a bare "Syncing…" read as a contradiction. Offline
 * while the browser has a network means the server is the problem.
 */
export function connectionLabel(view: SyncView, browserOnline = true): string {
  if (view.connection === 'offline') return browserOnline ? 'Cannot reach the server' : 'Offline';
  if (view.syncing) return view.pending > 0 ? 'Syncing…' : 'Checking for changes…';
  if (view.connection === 'online') return 'Online';
  return 'Connecting…';
}

function pendingLabel(pending: number): string {
  if (pending === 0) return 'All changes saved to the server';
  return pending === 1 ? '1 change waiting to sync' : `${pending} changes waiting to sync`;
}

function conflictsLabel(conflicts: number): string {
  return conflicts === 1 ? '1 conflict to resolve' : `${conflicts} conflicts to resolve`;
}

/**
 * What screen readers hear: only changes a person acts on (connection lost
 * or back, changes waiting or saved, conflicts). The sync activity flickers
 * on every pull and the "last synced" time ticks; announcing those would
 * repeat the whole bar every few seconds.
 */
export function announcement(view: SyncView, browserOnline = true): string {
  const connection =
    view.connection === 'offline'
      ? connectionLabel(view, browserOnline)
      : view.connection === 'online'
        ? 'Online'
        : 'Connecting';
  const parts = [connection, pendingLabel(view.pending)];
  if (view.conflicts > 0) parts.push(conflictsLabel(view.conflicts));
  return `${parts.join('. ')}.`;
}

/**
 * Dismiss removes the button that has focus: put it on the current screen's
 * heading (each screen has one, focusable from script) instead of <body>.
 */
function focusScreenHeading(): void {
  document.querySelector<HTMLElement>('#main h2[tabindex="-1"]')?.focus();
}

/** Re-render every 15 s so "last synced 2 min ago" stays true. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function subscribeOnline(listener: () => void): () => void {
  addEventListener('online', listener);
  addEventListener('offline', listener);
  return () => {
    removeEventListener('online', listener);
    removeEventListener('offline', listener);
  };
}

function useBrowserOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}

export interface SyncStatusBarProps {
  sync: Observable<SyncView>;
  onShowConflicts?: () => void;
}

/**
 * Always visible at the bottom: connection, activity, outbox, last sync,
 * conflicts, transfers and the newest error. The visible row is a labelled
 * group; a separate polite live region carries the short announcement.
 */
export function SyncStatusBar({ sync, onShowConflicts }: SyncStatusBarProps) {
  const reported = useObservable(sync);
  const now = useNow();
  const browserOnline = useBrowserOnline();
  // With no network the browser knows before any request fails (an account with
  // nothing to sync would otherwise keep saying "Online").
  const view: SyncView = browserOnline ? reported : { ...reported, connection: 'offline' };
  const [dismissedAt, setDismissedAt] = useState(0);
  const latest = view.errors.at(-1);
  const error = latest && latest.at > dismissedAt ? latest : undefined;
  return (
    <footer className="sync-bar" data-connection={view.connection} data-syncing={view.syncing}>
      {/* biome-ignore lint/a11y/useSemanticElements: a fieldset groups form controls; these are status texts */}
      <div className="sync-bar__row" role="group" aria-label="Sync status">
        <span className="sync-bar__dot" aria-hidden="true" />
        <span className="sync-bar__connection">{connectionLabel(view, browserOnline)}</span>
        <span className="sync-bar__pending">{pendingLabel(view.pending)}</span>
        <span className="sync-bar__last">
          {view.lastSyncAt === null
            ? 'Not synced yet'
            : `Last synced ${formatSince(view.lastSyncAt, now)}`}
        </span>
        {view.conflicts > 0 && (
          <button type="button" className="sync-bar__conflicts link" onClick={onShowConflicts}>
            {conflictsLabel(view.conflicts)}
          </button>
        )}
        {view.transfers.map((t) => (
          <span key={t.id} className="sync-bar__transfer">
            {t.direction === 'upload' ? 'Uploading' : 'Downloading'} {percent(t.done, t.total)}%
          </span>
        ))}
      </div>
      <p className="visually-hidden" role="status" aria-label="Sync announcements">
        {announcement(view, browserOnline)}
      </p>
      {error && (
        <div className="sync-bar__error" role="alert">
          <span>{plainWords(error.code, 'sync')}</span>
          <button
            type="button"
            className="link"
            onClick={() => {
              setDismissedAt(error.at);
              focusScreenHeading();
            }}
          >
            Dismiss
          </button>
        </div>
      )}
    </footer>
  );
}
