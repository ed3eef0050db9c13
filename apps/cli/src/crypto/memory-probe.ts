/**
 * `COFFER_DEBUG_MEMORY=1`: one stderr line per phase of a file transfer with
 * the elapsed time, the process RSS and its high-water mark (from
 * /proc/self/status) and V8's view (heap, external, array buffers), so a
 * peak can be pinned to a phase (Argon2id, streaming, the final fsync).
 * Off by default: a disabled probe is one comparison.
 */
import { readFileSync } from 'node:fs';

const enabled = process.env.COFFER_DEBUG_MEMORY === '1';
const started = performance.now();

function statusKb(status: string, field: string): string {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return m?.[1] === undefined ? '?' : (Number(m[1]) / 1024).toFixed(0);
}

/** Print one probe line (no-op unless COFFER_DEBUG_MEMORY=1). */
export function probeMemory(phase: string): void {
  if (!enabled) return;
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // Not Linux: V8's figures alone.
  }
  const m = process.memoryUsage();
  const mib = (n: number) => (n / 2 ** 20).toFixed(0);
  process.stderr.write(
    `[memory] ${(performance.now() - started).toFixed(0).padStart(6)} ms ${phase.padEnd(24)} rss ${statusKb(status, 'VmRSS')} MiB hwm ${statusKb(status, 'VmHWM')} MiB heap ${mib(m.heapUsed)}/${mib(m.heapTotal)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)} MiB\n`,
  );
}
