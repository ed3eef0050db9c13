/**
 * A real coffer-server (the BUILT binary) over HTTPS with a self-signed
 * certificate, on a temporary data directory and a free loopback port: the
 * shared harness (@coffer/test-harness) under the names these suites use.
 */
import { SERVER_BIN, startCofferServer } from '@coffer/test-harness';

export { SERVER_BIN };

export interface TestServer {
  readonly url: string;
  /** SHA-256 fingerprint as the server prints it (AB:CD:…). */
  readonly fingerprint: string;
  readonly dataDir: string;
  readonly port: number;
  /** Stop the process; the data dir stays (for `start()`) until the test file is done. */
  stop(): Promise<void>;
  /** Start again on the same data dir and port (after stop). */
  start(): Promise<void>;
}

/**
 * Start coffer-server and resolve once it answers through its pinned
 * certificate; the harness disposes of it (and its data dir) when the test or,
 * started in beforeAll, the file is done.
 */
export async function startTestServer(): Promise<TestServer> {
  const server = await startCofferServer({ tempPrefix: 'coffer-srv-' });
  return {
    url: server.url,
    fingerprint: server.certificate.fingerprint256,
    dataDir: server.dataDir,
    port: server.port,
    stop: () => server.stop(),
    start: () => server.start(),
  };
}
