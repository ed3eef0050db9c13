/**
 * Browser entry: the mock server behind msw's `setupWorker` (a Service Worker
 * serves `mockServiceWorker.js` from the app's public directory; see msw's
 * `msw init`). Unhandled requests are errors.
 */
import { type SetupWorker, setupWorker } from 'msw/browser';
import { type GetHandlersOptions, getHandlers } from './get-handlers.ts';
import { MockCoffer } from './mock-coffer.ts';

export * from './index.ts';

/** A mock server in the browser. */
export interface BrowserMockServer {
  worker: SetupWorker;
  mock: MockCoffer;
  /** Register the worker and start intercepting (`onUnhandledFrame: 'error'`). */
  start(options?: { serviceWorkerUrl?: string; quiet?: boolean }): Promise<void>;
  stop(): void;
}

/**
 * Create the mock server for a browser (dev server or browser tests).
 *
 * @example
 * const coffer = setupCofferWorker({ baseUrl: 'https://coffer.test' });
 * await coffer.start();
 * coffer.mock.setScenario({ delayMs: 800 });
 */
export function setupCofferWorker(options: Omit<GetHandlersOptions, 'mock'>): BrowserMockServer {
  const mock = new MockCoffer(options.scenario ? { scenario: options.scenario } : {});
  const worker = setupWorker(...getHandlers({ baseUrl: options.baseUrl, mock }));
  return {
    worker,
    mock,
    async start(startOptions = {}) {
      await worker.start({
        onUnhandledFrame: 'error',
        quiet: startOptions.quiet ?? true,
        ...(startOptions.serviceWorkerUrl
          ? { serviceWorker: { url: startOptions.serviceWorkerUrl } }
          : {}),
      });
    },
    stop: () => {
      mock.db.live.closeAll();
      worker.stop();
    },
  };
}
