/**
 * A request that arrives on an open connection while the server drains gets
 * a 503 problem document (code `unavailable`) with `Connection: close`, not
 * Fastify's plain-JSON 503; the request in flight before it is answered.
 */
import { expect, it } from 'vitest';
import { createUser, createVault } from '../support/accounts.ts';
import { pinnedSocket } from '../support/raw-tls.ts';
import { openEvents } from '../support/sse.ts';
import { startTestServer } from '../support/test-server.ts';

it('answers requests arriving during shutdown with problem+json 503', async () => {
  const t = await startTestServer();
  const user = await createUser(t.api(), 'drain');
  const vaultId = await createVault(user);
  const socket = pinnedSocket(t);
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

  // Request A is in flight: its body is only half sent.
  const body = JSON.stringify({ username: 'someone' });
  const half = Math.floor(body.length / 2);
  socket.write(
    'POST /v1/auth/prelogin HTTP/1.1\r\nHost: localhost\r\nCoffer-Protocol: 1\r\n' +
      `Coffer-Client: coffer-server-tests/0.0.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n` +
      body.slice(0, half),
  );
  // A live stream ends in preClose: once it has ended, the server is draining.
  const live = await openEvents(user.api, `/v1/vaults/${vaultId}/events`);
  const closed = t.close();
  await live.ended;

  // The rest of A, and request B pipelined behind it on the same connection.
  socket.write(
    `${body.slice(half)}GET /v1/meta HTTP/1.1\r\nHost: localhost\r\nCoffer-Protocol: 1\r\nCoffer-Client: coffer-server-tests/0.0.0\r\n\r\n`,
  );
  await socketClosed;
  await closed;

  const responses = received.split(/(?=HTTP\/1\.1 )/);
  expect(responses[0]).toMatch(/^HTTP\/1\.1 200 /);
  const second = responses[1] ?? '';
  expect(second).toMatch(/^HTTP\/1\.1 503 /);
  expect(second.toLowerCase()).toContain('content-type: application/problem+json');
  expect(second.toLowerCase()).toContain('connection: close');
  expect(second.toLowerCase()).toContain('retry-after: 5');
  const problem = JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4)) as { code: string };
  expect(problem).toMatchObject({ status: 503, code: 'unavailable' });
});

it('a drain ends at its deadline even while a client trickles a body', async () => {
  // Node stops its request timeouts once the listener closes: without a
  // deadline this request would hold the shutdown open for as long as the
  // client keeps sending a byte now and then.
  const t = await startTestServer({ overrides: { drainDeadlineMs: 50 } });
  const socket = pinnedSocket(t);
  socket.on('error', () => {
    // The server cutting the connection may surface as a reset.
  });
  const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const seen = new Promise<void>((resolve) => t.server.app.server.once('request', () => resolve()));
  socket.write(
    'POST /v1/auth/prelogin HTTP/1.1\r\nHost: localhost\r\nCoffer-Protocol: 1\r\n' +
      'Coffer-Client: coffer-server-tests/0.0.0\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
  );
  await seen;
  await t.close();
  await socketClosed;
  expect(t.logs.some((l) => l.includes('drain deadline passed'))).toBe(true);
});
