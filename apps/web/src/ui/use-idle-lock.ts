import { useEffect, useRef } from 'react';

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Call `onIdle` after `minutes` without user input (0 disables). Activity
 * only moves a timestamp; one coarse timer checks it, so typing costs nothing.
 * While `busy()` says work is running that a lock would kill (a file upload
 * or download: locking closes the client), that counts as activity.
 * `minuteMs` exists so tests can shrink a minute.
 */
export function useIdleLock(
  minutes: number,
  onIdle: () => void,
  minuteMs = 60_000,
  busy: () => boolean = () => false,
): void {
  const last = useRef(Date.now());
  const callback = useRef(onIdle);
  callback.current = onIdle;
  const working = useRef(busy);
  working.current = busy;

  useEffect(() => {
    if (minutes <= 0) return;
    last.current = Date.now();
    const touch = () => {
      last.current = Date.now();
    };
    for (const type of ACTIVITY) window.addEventListener(type, touch, { passive: true });
    const limit = minutes * minuteMs;
    const timer = setInterval(
      () => {
        if (working.current()) last.current = Date.now();
        else if (Date.now() - last.current >= limit) callback.current();
      },
      Math.min(limit, 10_000),
    );
    return () => {
      for (const type of ACTIVITY) window.removeEventListener(type, touch);
      clearInterval(timer);
    };
  }, [minutes, minuteMs]);
}
