import type { Observable } from './types.ts';

/** A settable {@link Observable}: the SDK gateway and test fakes publish through it. */
export interface Subject<T> extends Observable<T> {
  set(next: T): void;
}

/** Create a {@link Subject} holding `initial`. Listeners run on every `set` that changes the value. */
export function createSubject<T>(initial: T): Subject<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener();
    },
  };
}
