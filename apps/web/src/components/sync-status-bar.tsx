import { useEffect, useState } from 'react';
import type { Observable, SyncView } from '../api/types.ts';
import { formatSince, percent } from '../ui/format.ts';
import { plainWords } from '../ui/plain-words.ts';
import { useObservable } from '../ui/use-observable.ts';

/** What the connection part of the bar says, in words. */
export function connectionLabel(view: SyncView): string {
  if (view.connection === 'offline') return 'Offline';
  if (view.syncing) return 'Syncing…';
  if (view.connection === 'online') return 'Online';
  return 'Connecting…';
}

function pendingLabel(pending: number): string {
  if (pending === 0) return 'All changes saved to the server';
  return pending === 1 ? '1 change waiting to sync' : `${pending} changes waiting to sync`;
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

export interface SyncStatusBarProps {
  sync: Observable<SyncView>;
  onShowConflicts?: () => void;
}

/**
 * Always visible at the bottom: connection, activity, outbox, last sync,
 * conflicts, transfers and the newest error. A polite live region, so screen
 * readers hear changes without losing their place.
 */
export function SyncStatusBar({ sync, onShowConflicts }: SyncStatusBarProps) {
  const view = useObservable(sync);
  const now = useNow();
  const [dismissedAt, setDismissedAt] = useState(0);
  const latest = view.errors.at(-1);
  const error = latest && latest.at > dismissedAt ? latest : undefined;
  return (
    <footer className="sync-bar" data-connection={view.connection} data-syncing={view.syncing}>
      <div className="sync-bar__row" role="status" aria-live="polite" aria-label="Sync status">
        <span className="sync-bar__dot" aria-hidden="true" />
        <span className="sync-bar__connection">{connectionLabel(view)}</span>
        <span className="sync-bar__pending">{pendingLabel(view.pending)}</span>
        <span className="sync-bar__last">
          {view.lastSyncAt === null
            ? 'Not synced yet'
            : `Last synced ${formatSince(view.lastSyncAt, now)}`}
        </span>
        {view.conflicts > 0 && (
          <button type="button" className="sync-bar__conflicts link" onClick={onShowConflicts}>
            {view.conflicts === 1
              ? '1 conflict to resolve'
              : `${view.conflicts} conflicts to resolve`}
          </button>
        )}
        {view.transfers.map((t) => (
          <span key={t.id} className="sync-bar__transfer">
            {t.direction === 'upload' ? 'Uploading' : 'Downloading'} {percent(t.done, t.total)}%
          </span>
        ))}
      </div>
      {error && (
        <div className="sync-bar__error" role="alert">
          <span>{plainWords(error.code)}</span>
          <button type="button" className="link" onClick={() => setDismissedAt(error.at)}>
            Dismiss
          </button>
        </div>
      )}
    </footer>
  );
}
