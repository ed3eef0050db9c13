/** A minimal API client for tests: protocol headers, JSON in and out, raw access when needed. */
import { type Dispatcher, request } from 'undici';

/** Response bodies in tests are checked by assertions, not types. */
// biome-ignore lint/suspicious/noExplicitAny: test-only loose JSON
export type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
  /** The body as received (binary answers). */
  bytes: Buffer;
}

export interface RequestOptions {
  json?: unknown;
  /** Sent as-is (for malformed JSON and binary bodies). */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Omit the Coffer-* headers. */
  noProtocolHeaders?: boolean;
}

export class Api {
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly token: string | undefined;

  // Plain fields (no parameter properties) so the bench runs this file with Node's type stripping.
  constructor(baseUrl: string, dispatcher: Dispatcher, token?: string) {
    this.baseUrl = baseUrl;
    this.dispatcher = dispatcher;
    this.token = token;
  }

  withToken(token: string): Api {
    return new Api(this.baseUrl, this.dispatcher, token);
  }

  async call<T = Json>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (!options.noProtocolHeaders) {
      headers['coffer-protocol'] = '1';
      headers['coffer-client'] = 'coffer-server-tests/0.0.0';
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: string | Buffer | null = null;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    Object.assign(headers, options.headers);
    const res = await request(`${this.baseUrl}${path}`, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      dispatcher: this.dispatcher,
    });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const text = bytes.toString('utf8');
    let parsed: unknown = text;
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('json') && text) parsed = JSON.parse(text);
    return { status: res.statusCode, headers: res.headers, body: parsed as T, text, bytes };
  }

  get<T = Json>(path: string, options?: RequestOptions) {
    return this.call<T>('GET', path, options);
  }
  post<T = Json>(path: string, json?: unknown, options: RequestOptions = {}) {
    return this.call<T>('POST', path, json === undefined ? options : { ...options, json });
  }
  put<T = Json>(path: string, json?: unknown, options: RequestOptions = {}) {
    return this.call<T>('PUT', path, json === undefined ? options : { ...options, json });
  }
  patch<T = Json>(path: string, json?: unknown, options: RequestOptions = {}) {
    return this.call<T>('PATCH', path, json === undefined ? options : { ...options, json });
  }
  delete<T = Json>(path: string, json?: unknown, options: RequestOptions = {}) {
    return this.call<T>('DELETE', path, json === undefined ? options : { ...options, json });
  }
}
