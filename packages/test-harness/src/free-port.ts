/** A loopback TCP port that the kernel just handed out. */
import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago. Another process can take it
 * before the server binds it, so callers retry on "already in use".
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
