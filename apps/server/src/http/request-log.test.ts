import { Writable } from 'node:stream';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { OneLineRequestLog } from './request-log.ts';

/** The completion line as before: through the request's own (redacting) logger. */
class RedactedRequestLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const fields = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

async function linesOf(controller: LogController): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const app = Fastify({ loggerInstance: createLogger('info', sink), logController: controller });
  app.get('/v1/x/:id', async () => ({ ok: true }));
  app.get('/quiet', { logLevel: 'warn' }, async () => 'q');
  app.get('/silent', { logLevel: 'silent' }, async () => 's');
  await app.ready();
  for (const url of ['/v1/x/1?cursor=5&token=secret', '/quiet', '/silent', '/v1/x/2']) {
    await app.inject({
      url,
      headers: { authorization: 'Bearer secret-token', host: 'coffer.example' },
    });
  }
  await app.close();
  return lines.map((line) => {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    // Times differ between two runs; everything else must not.
    expect(typeof parsed.time).toBe('string');
    expect(typeof parsed.responseTime).toBe('number');
    parsed.time = 'T';
    parsed.responseTime = 0;
    return parsed;
  });
}

describe('OneLineRequestLog', () => {
  it('writes the same completion lines as the redacting logger, and none where a route logs less', async () => {
    const now = await linesOf(new OneLineRequestLog());
    const before = await linesOf(new RedactedRequestLog());
    const completed = now.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(2);
    expect(completed.map((l) => l.reqId)).toEqual(['req-1', 'req-4']);
    expect(completed[0]).toMatchObject({
      service: 'coffer-server',
      req: { method: 'GET', url: '/v1/x/1?cursor=5&[redacted]', host: 'coffer.example' },
      res: { statusCode: 200 },
    });
    expect(now).toEqual(before);
    expect(JSON.stringify(now)).not.toContain('secret');
    // Key order is part of the line too.
    expect(now.map((l) => Object.keys(l))).toEqual(before.map((l) => Object.keys(l)));
  });
});
