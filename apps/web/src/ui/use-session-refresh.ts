import { useEffect, useRef } from 'react';
import type { CofferSession } from '../api/types.ts';
import { errorCode } from './plain-words.ts';

/** How often a logged-in page asks the server for the vault list again. */
export const SESSION_REFRESH_MS = 30_000;

/** Codes that mean the server no longer knows this session. */
export const SESSION_ENDED_CODES: ReadonlyArray<string> = ['unauthorized', 'not_logged_in'];

/**
 * Ask the server for the vault list again when the window regains focus or
 * the network, and every half minute while the page is visible, on every
 * screen. A server with the account live stream tells the session of a
 * share, removal or role change at once (SdkSession follows it); this is the
 * fallback for older servers and dropped streams. The SDK's live streams
 * retry a 401 silently, so this is also how a session ended from another
 * device is noticed: `onEnded` runs on a 401.
 */
export function useSessionRefresh(session: CofferSession | null, onEnded: () => void): void {
  const ended = useRef(onEnded);
  ended.current = onEnded;
  useEffect(() => {
    if (!session) return;
    const refresh = () => {
      if (document.visibilityState !== 'visible') return;
      session.refreshVaults().catch((caught: unknown) => {
        // Transient failures (offline) are the status bar's business.
        if (SESSION_ENDED_CODES.includes(errorCode(caught))) ended.current();
      });
    };
    const timer = setInterval(refresh, SESSION_REFRESH_MS);
    addEventListener('focus', refresh);
    addEventListener('online', refresh);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      removeEventListener('focus', refresh);
      removeEventListener('online', refresh);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, [session]);
}
