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
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
