// Preloaded into every coffer-server the harness spawns (`node --import`).
// The harness holds the other end of this process's stdin pipe, so
// end-of-file means the test process is gone, even when it was SIGKILLed and
// could run no cleanup: stop instead of outliving it on a port and a temp dir
// (COFFER_TEST_ORPHAN_DIR, the data dir the harness made, is removed on exit).
// Plain JavaScript syntax on purpose: Node loads it without a transform.
import { rmSync } from 'node:fs';

const orphanDir = process.env.COFFER_TEST_ORPHAN_DIR;
const stdin = process.stdin;
const stop = () => {
  if (orphanDir) {
    process.once('exit', () => rmSync(orphanDir, { recursive: true, force: true }));
  }
  process.kill(process.pid, 'SIGTERM');
  // A drain that hangs must not keep the orphan alive.
  setTimeout(() => process.exit(1), 10_000).unref();
};
stdin.on('end', stop);
stdin.on('error', stop);
stdin.resume();
// Watching stdin must not keep an otherwise finished server running.
stdin.unref?.();
