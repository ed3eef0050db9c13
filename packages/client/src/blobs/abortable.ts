/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts
 * (whichever comes first). The work itself is not stopped: a request in
 * flight finishes on its own and its result is dropped, which is safe for
 * uploads (the server's received count is asked again before any resume).
 *
 * @example
 * await abortable(transport.uploadChunk(vaultId, blobId, offset, bytes), signal);
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
}
