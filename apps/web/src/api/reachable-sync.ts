/**
 * The SDK's sync state with the connection filled in from the session's own
 * server calls. The SDK reports `connection: 'unknown'` until a vault syncs,
 * so an account with no vault yet showed "Connecting…" forever although the
 * login and the vault listing had just reached the server.
 */
import { createSubject } from './observable.ts';
import type { Observable, SyncView } from './types.ts';

export interface ReachableSync extends Observable<SyncView> {
  /** What the last call outside the sync engine learned about the server. */
  setReachable(reachable: 'online' | 'offline'): void;
}

/**
 * @example
 * const sync = reachableSync(client.state);
 * sync.setReachable('online'); // after vaults.list() answered
 */
export function reachableSync(source: Observable<SyncView>): ReachableSync {
  const reachable = createSubject<'online' | 'offline' | 'unknown'>('unknown');
  // useSyncExternalStore needs the same object back while nothing changed.
  let last: { from: SyncView; reach: string; view: SyncView } | undefined;
  return {
    subscribe(listener) {
      const a = source.subscribe(listener);
      const b = reachable.subscribe(listener);
      return () => {
        a();
        b();
      };
    },
    getSnapshot() {
      const from = source.getSnapshot();
      const reach = reachable.getSnapshot();
      if (last && last.from === from && last.reach === reach) return last.view;
      const view =
        from.connection === 'unknown' && reach !== 'unknown'
          ? { ...from, connection: reach }
          : from;
      last = { from, reach, view };
      return view;
    },
    setReachable: (next) => reachable.set(next),
  };
}
