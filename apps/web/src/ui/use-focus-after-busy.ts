import { type RefObject, useEffect, useRef } from 'react';

/**
 * Browsers take focus away from a control that becomes disabled, so a button
 * or field disabled while its work runs leaves focus on <body>: a keyboard
 * user then starts again from the top of the page. When `busy` ends and
 * focus is still nowhere, put it on `target`. Focus moved somewhere on
 * purpose meanwhile (a new screen, a dialog) is left alone.
 */
export function useFocusAfterBusy(busy: boolean, target: RefObject<HTMLElement | null>): void {
  const was = useRef(busy);
  useEffect(() => {
    const ended = was.current && !busy;
    was.current = busy;
    if (!ended) return;
    const active = document.activeElement;
    if (active === null || active === document.body) target.current?.focus();
  }, [busy, target]);
}
