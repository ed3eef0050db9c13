import { PROBLEM_MEDIA_TYPE, Problem } from '@coffer/protocol';
import {
  type CofferClientError,
  InvalidResponseError,
  ServerProblemError,
  VersionNotSupportedError,
} from './errors.ts';

function retryAfterMs(response: Response, seconds: number | undefined): number | undefined {
  if (seconds !== undefined) return seconds * 1000;
  const header = response.headers.get('retry-after');
  if (header && /^\d+$/.test(header)) return Number(header) * 1000;
  return undefined;
}

/**
 * Turn an error response into a typed error: an RFC 9457 problem keeps the
 * server's stable `code`; `version_not_supported` becomes a
 * {@link VersionNotSupportedError} that says what to upgrade. Details from
 * the server are not echoed into messages beyond the title and detail.
 */
export async function problemToError(
  response: Response,
  clientProtocol: number,
  clientName: string,
): Promise<CofferClientError> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith(PROBLEM_MEDIA_TYPE) && !type.startsWith('application/json')) {
    await response.body?.cancel();
    return new ServerProblemError(
      response.status >= 500 ? 'unavailable' : 'http_error',
      response.status,
      `server answered HTTP ${response.status}`,
      retryAfterMs(response, undefined),
    );
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    return new InvalidResponseError(`HTTP ${response.status} with a malformed problem document`);
  }
  const parsed = Problem.safeParse(json);
  if (!parsed.success) {
    return new InvalidResponseError(`HTTP ${response.status} with an invalid problem document`);
  }
  const problem = parsed.data;
  if (problem.code === 'version_not_supported') {
    const range = problem.protocol ?? { min: clientProtocol + 1, max: clientProtocol + 1 };
    return new VersionNotSupportedError(clientProtocol, range, clientName);
  }
  const message = problem.detail ? `${problem.title}: ${problem.detail}` : problem.title;
  return new ServerProblemError(
    problem.code,
    response.status,
    message,
    retryAfterMs(response, problem.retryAfterSeconds),
  );
}
