/**
 * Who may read `GET /metrics`. The counters carry no ids or content, but
 * traffic by route (sign-ups, logins, pushes) is still nobody else's
 * business: without a configured token only loopback clients (a Prometheus
 * or sidecar on the same host) are answered; with `--metrics-token` anyone
 * presenting it as a bearer token is, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError, unauthorized } from './errors.ts';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (a dual-stack socket). */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

// Digests first: equal lengths for timingSafeEqual, and the token's length leaks nothing.
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Throws the problem to answer unless `request` may read the metrics.
 * `request.ip` honours --trust-proxy: behind a proxy, the client's address counts.
 *
 * @example
 * app.get('/metrics', async (request) => { checkMetricsAccess(request, tokenDigest); ... });
 */
export function checkMetricsAccess(request: FastifyRequest, tokenDigest: Buffer | undefined): void {
  if (tokenDigest === undefined) {
    if (isLoopback(request.ip)) return;
    throw new ApiError(
      'forbidden',
      'metrics are served to loopback clients only; the operator can set --metrics-token (COFFER_METRICS_TOKEN) to allow scraping with a bearer token',
    );
  }
  const header = request.headers.authorization;
  const presented = header?.startsWith('Bearer ') === true ? header.slice(7) : undefined;
  if (presented === undefined || !timingSafeEqual(digest(presented), tokenDigest)) {
    throw unauthorized();
  }
}

/** The digest `checkMetricsAccess` compares against, made once at start. */
export function metricsTokenDigest(token: string | undefined): Buffer | undefined {
  return token === undefined ? undefined : digest(token);
}
