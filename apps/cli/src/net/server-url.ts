/**
 * Server URL rules: https everywhere; plain http only to a loopback address
 * (a developer's own machine), never across a network.
 */
import { CliError } from '../cli/exit-codes.ts';

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Parse and check a server URL; returns its origin-only form. */
export function parseServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(
      'usage',
      'bad_server_url',
      `not a URL: ${raw}`,
      'example: --server https://coffer.example.com:8443',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(
      'usage',
      'bad_server_url',
      `unsupported scheme ${url.protocol} (use https://)`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new CliError(
      'usage',
      'insecure_server_url',
      `refusing plain http:// to ${url.hostname}: only loopback addresses may use http`,
      'use https:// (the server creates a self-signed certificate you can pin with --pin)',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new CliError('usage', 'bad_server_url', 'the server URL must not contain credentials');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new CliError(
      'usage',
      'bad_server_url',
      'give the server origin only, e.g. https://host:8443',
    );
  }
  return new URL(url.origin);
}
