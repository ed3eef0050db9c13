/**
 * The server sets its own V8 young-generation size. Left to V8, Node 24 grows
 * the new space to 128 MB under the bench's pull and 50-client phases (the
 * semi-spaces double whenever many objects survive a scavenge, and a pull
 * page in flight is 1000 rows that do), which alone put the server's RSS over
 * 300 MB; the garbage Buffers of those rows also wait longer for the rarer
 * scavenges. With semi-spaces of at most 16 MB (new space <= 32 MB) the
 * bench's peak RSS fell by ~100 MB at no measurable CPU cost per pushed or
 * pulled record (4 MB did cost ~30% more per push; see apps/server/README.md).
 *
 * V8 reads heap sizes only when the isolate is created, so the flag cannot be
 * set from inside a running process (`v8.setFlagsFromString` is ignored for
 * it): the server replaces its own image once with `process.execve`, keeping
 * its PID, arguments, environment and open descriptors, so supervisors,
 * signals and pipes see one process. An operator's own
 * `--max-semi-space-size` (command line or NODE_OPTIONS) wins.
 */

/** Largest semi-space in MB; the new space is two of them. */
export const MAX_SEMI_SPACE_MB = 16;

const FLAG = '--max-semi-space-size';

/**
 * The argument vector to re-execute this Node process with, or null when the
 * young generation is already chosen (by us or the operator).
 *
 * @example
 * tunedArgv('/usr/bin/node', [], '/srv/coffer-server.js', ['--port', '1'], undefined)
 * // ['/usr/bin/node', '--max-semi-space-size=16', '/srv/coffer-server.js', '--port', '1']
 */
export function tunedArgv(
  execPath: string,
  execArgv: readonly string[],
  script: string | undefined,
  args: readonly string[],
  nodeOptions: string | undefined,
): string[] | null {
  if (script === undefined) return null;
  const chosen = (arg: string) => arg === FLAG || arg.startsWith(`${FLAG}=`);
  if (execArgv.some(chosen)) return null;
  if ((nodeOptions ?? '').split(/\s+/).some(chosen)) return null;
  return [execPath, `${FLAG}=${MAX_SEMI_SPACE_MB}`, ...execArgv, script, ...args];
}

/**
 * Re-execute this process with the young-generation flag unless it is set;
 * returns only when nothing needed doing or the platform cannot (Windows has
 * no execve; a failing execve leaves the process as it was, untuned).
 */
export function useTunedYoungGeneration(): void {
  const argv = tunedArgv(
    process.execPath,
    process.execArgv,
    process.argv[1],
    process.argv.slice(2),
    process.env.NODE_OPTIONS,
  );
  if (argv === null || typeof process.execve !== 'function') return;
  try {
    process.execve(process.execPath, argv, process.env);
  } catch {
    // Still a working server, only with V8's default young generation.
  }
}
