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
