/**
 * Mount a component into the real Chromium page of the browser test runner.
 * No act(): assertions use `expect.element`, which retries until the DOM
 * matches (waiting for the event, not sleeping).
 */
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import '../src/styles/base.css';
import '../src/styles/layout.css';
import '../src/styles/sync-bar.css';

let current: { root: Root; host: HTMLElement } | undefined;

export function render(node: ReactNode): HTMLElement {
  cleanup();
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  flushSync(() => root.render(node));
  current = { root, host };
  return host;
}

export function cleanup(): void {
  if (!current) return;
  const { root, host } = current;
  current = undefined;
  root.unmount();
  host.remove();
}
