/**
 * Serves the built web app from a directory: files by path, `index.html` for
 * client-side routes. Paths are resolved inside the root only (no `..`, no
 * symlinks out).
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

function fileInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = resolve(root, `.${decoded}`);
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  try {
    const real = realpathSync(candidate);
    if (real !== root && !real.startsWith(root + sep)) return undefined;
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Register `GET /*` for the web app in `webRoot`. */
export function staticFiles(app: FastifyInstance, webRoot: string): void {
  const root = realpathSync(webRoot);
  const index = join(root, 'index.html');
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/v1/')) throw new ApiError('not_found', 'no such route');
    let file = fileInside(root, path === '/' ? '/index.html' : path);
    // Client-side routes (no extension) get the app shell.
    if (!file && extname(path) === '') file = fileInside(root, '/index.html') && index;
    if (!file) throw new ApiError('not_found', 'no such file');
    const immutable = /[.-][0-9a-zA-Z_-]{8,}\.(js|css|woff2|wasm)$/.test(file);
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .send(createReadStream(file));
  });
}
