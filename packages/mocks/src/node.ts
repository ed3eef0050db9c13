/**
 * Node entry: the mock server behind msw's `setupServer` (intercepts fetch,
 * http and XHR in this process). Unhandled requests are errors, so a test
 * can never reach a real network by accident.
 */
import { type SetupServer, setupServer } from 'msw/node';
import { type GetHandlersOptions, getHandlers } from './get-handlers.ts';
import { MockCoffer } from './mock-coffer.ts';

export * from './index.ts';

/** A running (or ready to run) mock server in Node. */
export interface NodeMockServer {
  server: SetupServer;
  mock: MockCoffer;
  baseUrl: string;
  /** Start intercepting (`onUnhandledFrame: 'error'`). */
  listen(): void;
  close(): void;
}

/**
 * Create the mock server for Node tests.
 *
 * @example
 * const coffer = setupCofferServer({ baseUrl: 'https://coffer.test' });
 * beforeAll(() => coffer.listen());
 * afterEach(() => coffer.mock.reset());
 * afterAll(() => coffer.close());
 */
export function setupCofferServer(
  options: Omit<GetHandlersOptions, 'mock'> & { now?: () => number },
): NodeMockServer {
  const mock = new MockCoffer({
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const server = setupServer(...getHandlers({ baseUrl: options.baseUrl, mock }));
  return {
    server,
    mock,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    listen: () => server.listen({ onUnhandledFrame: 'error' }),
    close: () => {
      mock.db.live.closeAll();
      server.close();
    },
  };
}
