/**
 * Headers on every answer: a strict Content-Security-Policy (no inline script,
 * no eval, same-origin only), no sniffing, no referrer, no framing, and no
 * caching of API answers. 'wasm-unsafe-eval' lets the web app compile the
 * Argon2id WebAssembly of its key derivation; it allows no JavaScript eval.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isApiRequest } from './version-hook.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Set the headers every answer carries (`api`: no caching either). */
export function setSecurityHeaders(reply: FastifyReply, tls: boolean, api: boolean): void {
  reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');
  reply.header('cross-origin-opener-policy', 'same-origin');
  if (tls) reply.header('strict-transport-security', 'max-age=31536000');
  if (api) reply.header('cache-control', 'no-store');
}

/** onRequest hook: the security headers. */
export function securityHeaders(tls: boolean) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    setSecurityHeaders(reply, tls, isApiRequest(request));
  };
}
