import { CofferClientError } from './errors.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  if (LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost')) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Parse and check a server URL: `https://` anywhere, `http://` only to a
 * loopback address (a TLS-terminating proxy on this machine, or tests).
 * Returns the origin (no path, no trailing slash).
 *
 * @example
 * checkServerUrl('https://coffer.example.com') // 'https://coffer.example.com'
 * checkServerUrl('http://coffer.example.com')  // throws insecure_url
 */
export function checkServerUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new CofferClientError('bad_argument', 'server URL is not a valid URL');
  }
  if (url.username || url.password) {
    throw new CofferClientError('bad_argument', 'server URL must not contain credentials');
  }
  if (url.protocol === 'https:') return url.origin;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url.origin;
  if (url.protocol === 'http:') {
    throw new CofferClientError(
      'insecure_url',
      `refusing plain http:// to ${url.hostname}: use https:// (plain HTTP is allowed only to loopback)`,
    );
  }
  throw new CofferClientError('bad_argument', `unsupported URL scheme ${url.protocol}`);
}
