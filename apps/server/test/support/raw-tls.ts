/**
 * Raw bytes over a pinned TLS connection, for requests no HTTP client will
 * send: broken framing, truncated bodies, oversized headers.
 */
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { tlsPaths } from '../../src/tls/load-tls.ts';
import type { TestServer } from './test-server.ts';

export interface RawExchange {
  /** Everything the server wrote before the connection closed. */
  text: string;
  status: number | null;
  /** The body after the blank line, parsed if it is JSON. */
  json: unknown;
}

/** A TLS connection to the test server that trusts only its certificate. */
export function pinnedSocket(t: TestServer): TLSSocket {
  const ca = readFileSync(tlsPaths(t.dataDir).cert, 'utf8');
  const { port } = new URL(t.url);
  return connect({ host: '127.0.0.1', port: Number(port), ca, servername: 'localhost' });
}

/**
 * Write `chunks` in order, then close our side of the connection (which cuts
 * off a request whose body is not complete); resolve once the server closed
 * its side too.
 */
export function rawExchange(t: TestServer, chunks: Array<string | Buffer>): Promise<RawExchange> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = pinnedSocket(t);
    socket.on('secureConnect', () => {
      for (const chunk of chunks) socket.write(chunk);
      socket.end();
    });
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', () => {
      // A reset after the server answered is expected; the close event resolves.
    });
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      const body = text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      resolve({ text, status: status === undefined ? null : Number(status), json });
    });
  });
}
