// NetworkError.unsent over real sockets: true only when no connection could
// be made (the request certainly never reached a server); a request that was
// sent and got no answer may have been carried out, so it stays false.
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError } from '../src/transport/errors.ts';
import { HttpTransport } from '../src/transport/http-transport.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.close();
    await once(s, 'close');
  }
});

async function listen(onConnection: (socket: import('node:net').Socket) => void) {
  const server = createServer(onConnection).listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

const transport = (port: number) =>
  new HttpTransport({ serverUrl: `http://127.0.0.1:${port}`, clientName: 'a', clientVersion: '1' });

describe('NetworkError.unsent', () => {
  it('is true when the connection is refused', async () => {
    const port = await listen(() => {});
    const closed = servers.pop()!;
    closed.close();
    await once(closed, 'close');
    const error = await transport(port)
      .getMeta()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).unsent).toBe(true);
  });

  it('is false when the request was sent and the connection then dropped', async () => {
    let received = 0;
    const port = await listen((socket) => {
      socket.on('data', (chunk) => {
        received += chunk.length;
        socket.destroy();
      });
    });
    const error = await transport(port)
      .getMeta()
      .catch((e: unknown) => e);
    expect(received).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).unsent).toBe(false);
  });
});
