/**
 * Structured JSON logs (pino) with redaction. Request bodies and headers are
 * never logged; the redaction is the second line of defence should a field
 * with a secret ever reach a log call.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths censored wherever they appear (one level of nesting under any key too). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'keyBundle',
  'envelope',
  'signature',
  'grant',
  'body',
  'serverSecret',
  'databaseUrl',
  '*.token',
  '*.keyBundle',
  '*.envelope',
  '*.signature',
  '*.grant',
  '*.body',
  '*.serverSecret',
  '*.databaseUrl',
];

/** The API's own query parameters; their values are worth a log line. */
const LOGGED_QUERY_PARAMETERS = new Set(['cursor', 'limit', 'resync', 'offset']);

/**
 * A URL for a log line: any query parameter that is not one of the API's own
 * is censored, name and value, since a careless client may put a token there.
 *
 * @example
 * loggedUrl('/v1/vaults/x/changes?cursor=5&access_token=abc') // '/v1/vaults/x/changes?cursor=5&[redacted]'
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return LOGGED_QUERY_PARAMETERS.has(eq < 0 ? pair : pair.slice(0, eq)) ? pair : '[redacted]';
    });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: unknown;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the URL through {@link loggedUrl}; any object may arrive. */
function serializeRequest(request: LoggedRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? loggedUrl(request.url) : undefined,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The server's logger.
 *
 * @example
 * const log = createLogger('info'); // JSON lines on stdout
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { req: serializeRequest },
      base: { service: 'coffer-server' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? bufferedStdout(),
  );
}

/** How long a log line may wait in the buffer before it is written. */
const FLUSH_EVERY_MS = 100;

/**
 * stdout written in blocks of at least 4 KiB (about ten request lines) or
 * every 100 ms, instead of one write per line: per-request logging was
 * about a tenth of the server's CPU for small requests. pino flushes the
 * buffer synchronously when the process exits; a SIGKILL loses at most the
 * last 100 ms of log lines (never data: logs are not the record of writes).
 */
function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ fd: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      stream.flush();
    } catch {
      // Closed at shutdown; the exit handler writes what is left.
    }
  }, FLUSH_EVERY_MS).unref();
  return stream;
}
