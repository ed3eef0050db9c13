/**
 * Readiness of a starting server: ask `/v1/meta` through the pinned
 * certificate until it answers, the process exits, or time runs out. Each
 * new line the server prints (its "listening" banner) triggers the next try
 * at once; between them the wait backs off from 10 to 200 ms.
 */
import type { Readable } from 'node:stream';
import type { ServerCertificate } from './certificate.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type Readiness =
  | { kind: 'ready'; certificate: ServerCertificate }
  | { kind: 'exited'; exit: Exit }
  | { kind: 'timeout'; lastError: string };

export interface ReadinessInput {
  url: string;
  exited: Promise<Exit>;
  /** Output of the process: new data wakes the wait early. */
  activity: Readable | null;
  /** The certificate to pin, once the server has written it. */
  certificate(): ServerCertificate | undefined;
  probe(
    url: string,
    certificate: ServerCertificate,
    options: { signal: AbortSignal },
  ): Promise<unknown>;
  timeoutMs: number;
}

/** Resolve how the start ended; never rejects. */
export async function waitForReady(input: ReadinessInput): Promise<Readiness> {
  let exit: Exit | undefined;
  // A probe stuck on whatever else holds the port ends when our process exits.
  const gone = new AbortController();
  void input.exited.then((e) => {
    exit = e;
    gone.abort();
  });
  const deadline = Date.now() + input.timeoutMs;
  let lastError = 'no certificate in the data dir yet';
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const certificate = input.certificate();
    if (certificate !== undefined && exit === undefined) {
      try {
        await input.probe(input.url, certificate, { signal: gone.signal });
        return { kind: 'ready', certificate };
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    if (exit !== undefined) return { kind: 'exited', exit };
    const left = deadline - Date.now();
    if (left <= 0) return { kind: 'timeout', lastError };
    const ended = await nextTry(input, Math.min(delay, left));
    if (ended !== undefined) return { kind: 'exited', exit: ended };
  }
}

/** Wait for the backoff delay, new output, or the exit (returned). */
function nextTry(input: ReadinessInput, delay: number): Promise<Exit | undefined> {
  return new Promise((resolve) => {
    const done = (value: Exit | undefined): void => {
      clearTimeout(timer);
      input.activity?.off('data', onData);
      resolve(value);
    };
    const onData = (): void => done(undefined);
    const timer = setTimeout(() => done(undefined), delay);
    input.activity?.on('data', onData);
    void input.exited.then(done);
  });
}
