import { useSyncExternalStore } from 'react';
import type { Observable } from '../api/types.ts';

/** Read an SDK observable in a component (re-renders on change, tear-free). */
export function useObservable<T>(source: Observable<T>): T {
  return useSyncExternalStore(source.subscribe, source.getSnapshot, source.getSnapshot);
}
