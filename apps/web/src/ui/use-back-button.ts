import { useEffect, useRef } from 'react';

/** Our history entries say only how deep the screen was: nothing about vaults or records. */
function depthOf(state: unknown): number {
  if (typeof state !== 'object' || state === null || !('cofferDepth' in state)) return 0;
  const depth = (state as { cofferDepth: unknown }).cofferDepth;
  return typeof depth === 'number' && Number.isInteger(depth) && depth > 0 ? depth : 0;
}

/**
 * The browser's Back button goes up one screen (conflicts → vault → vault
 * list) instead of leaving the page, which would drop the keys held in memory
 * and any form being filled in. Each screen below the vault list gets a
 * history entry of the same URL whose state is only its depth; going up with
 * the app's own buttons goes back over those entries, so Back on the vault
 * list leaves the app as usual.
 *
 * @param depth 0 on the vault list (and while logged out), 1 in a vault or Account, 2 on Conflicts.
 * @param goUpTo called when Back reached a shallower entry: show the screen of that depth.
 */
export function useBackButton(depth: number, goUpTo: (depth: number) => void): void {
  const latest = useRef({ depth, goUpTo });
  latest.current = { depth, goUpTo };
  /** Entries this page pushed: never go back over any other (an earlier page's). */
  const pushed = useRef(0);

  // A reload keeps the entry's state, but the page starts on the vault list
  // (or the login): this entry is now depth 0.
  useEffect(() => {
    if (depthOf(history.state) !== 0) history.replaceState({ cofferDepth: 0 }, '');
  }, []);

  useEffect(() => {
    const current = depthOf(history.state);
    if (depth > current) {
      for (let d = current + 1; d <= depth; d++) history.pushState({ cofferDepth: d }, '');
      pushed.current += depth - current;
    } else if (depth < current) {
      // Went up with an in-app button: step back over the entries of the screens left behind.
      const steps = Math.min(current - depth, pushed.current);
      pushed.current -= steps;
      if (steps > 0) history.go(-steps);
    }
  }, [depth]);

  useEffect(() => {
    const onPop = (event: PopStateEvent) => {
      const reached = depthOf(event.state);
      if (reached < latest.current.depth) latest.current.goUpTo(reached);
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
}
