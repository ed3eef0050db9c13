/**
 * The msw mock server, in a Service Worker, for one test file: started before
 * its tests and stopped after them (tests of the web app over the real SDK).
 */
import { type CofferClient, createClient } from '@coffer/client';
import { IndexedDbStore } from '@coffer/client/indexeddb';
import { type BrowserMockServer, setupCofferWorker } from '@coffer/mocks/browser';
import { afterAll, beforeAll } from 'vitest';

/** The origin the mock server answers for. */
export const MOCK_BASE = 'https://coffer.test';

/**
 * Register the hooks; the mock's data and scenarios are reached through the
 * returned handle once the file's tests run.
 *
 * @example
 * const coffer = useMockWorker();
 * test('…', () => coffer.mock.setScenario({ … }));
 */
export function useMockWorker(): { readonly mock: BrowserMockServer['mock'] } {
  let server: BrowserMockServer | undefined;
  beforeAll(async () => {
    server = setupCofferWorker({ baseUrl: MOCK_BASE });
    await server.start({ serviceWorkerUrl: '/mockServiceWorker.js' });
  }, 60_000);
  afterAll(() => {
    server?.stop();
  });
  return {
    get mock() {
      if (!server) throw new Error('the mock worker starts in beforeAll');
      return server.mock;
    },
  };
}

/**
 * A device as the web app makes one: the real SDK over a fresh IndexedDB
 * replica, talking to the mock server (`now`: the client's clock).
 *
 * @example
 * const { client, store } = await mockDevice('reader');
 */
export async function mockDevice(
  name: string,
  now?: () => number,
): Promise<{ client: CofferClient; store: IndexedDbStore }> {
  const store = await IndexedDbStore.open(`coffer-test-${name}-${crypto.randomUUID()}`);
  const client = createClient({
    serverUrl: MOCK_BASE,
    store,
    clientName: 'web-test',
    clientVersion: '0.0.0',
    ...(now ? { clock: { now } } : {}),
  });
  return { client, store };
}
