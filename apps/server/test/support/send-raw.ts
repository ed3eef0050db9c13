/**
 * Send a request exactly as written: the path is not normalised (`..`, `%2F`
 * and bad percent-encoding reach the server), headers may repeat or be left
 * out, the body is bytes.
 */
import type { Dispatcher } from 'undici';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export async function sendRaw(
  dispatcher: Dispatcher,
  origin: string,
  request: {
    method: string;
    path: string;
    headers: Record<string, string | string[] | null>;
    body?: string | Buffer;
  },
): Promise<RawAnswer> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== null) headers[name] = value;
  }
  const res = await dispatcher.request({
    origin,
    method: request.method as Dispatcher.HttpMethod,
    path: request.path,
    headers,
    body: request.body ?? null,
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}
