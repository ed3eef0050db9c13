/**
 * Servers still alive when the test process exits (a test forgot `stop()`, a
 * hook threw, vitest tore the worker down) are killed and their temp dirs
 * removed. Only synchronous work runs in an 'exit' listener.
 */

export interface ExitCleanup {
  /** Kill what is running and remove what is on disk, synchronously. */
  onExit(): void;
}

const pending = new Set<ExitCleanup>();
let installed = false;

/** Run `cleanup.onExit()` if the process exits before the returned release is called. */
export function cleanUpOnExit(cleanup: ExitCleanup): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', () => {
      for (const entry of pending) {
        try {
          entry.onExit();
        } catch {
          // Keep cleaning the others; the process is leaving anyway.
        }
      }
    });
  }
  pending.add(cleanup);
  return () => {
    pending.delete(cleanup);
  };
}
