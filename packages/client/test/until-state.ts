/** Anything with the SDK's observable state (a client, a sync core). */
export interface HasState {
  state: { subscribe(listener: () => void): () => void };
}

/**
 * Resolve once `predicate` holds, re-checked on every state change (no
 * polling); reject if it throws first. A check still running when another
 * one settled it is ignored, even if it fails: the test may have closed the
 * device meanwhile (it had, and the store's "not open" error surfaced as an
 * unhandled rejection that failed a CI run).
 */
export function untilState(
  source: HasState,
  predicate: () => boolean | Promise<boolean>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const settle = (outcome: () => void) => {
      if (done) return;
      done = true;
      unsubscribe();
      outcome();
    };
    const check = async () => {
      if (done) return;
      try {
        if (await predicate()) settle(resolve);
      } catch (error) {
        settle(() => reject(error));
      }
    };
    const unsubscribe = source.state.subscribe(() => void check());
    void check();
  });
}
