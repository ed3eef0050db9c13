/**
 * A one-line progress bar on stderr, only on a terminal and never with --json.
 * Redraws at most ~10 times per second so it costs nothing on fast transfers.
 */
import type { Output } from './output.ts';

export interface Progress {
  /** Set the absolute amount done (bytes or items). */
  update(done: number): void;
  /** Clear the line. */
  finish(): void;
}

const NOOP: Progress = { update() {}, finish() {} };

function human(n: number, unit: 'bytes' | 'items'): string {
  if (unit === 'items') return String(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A progress bar for `total` units (undefined: unknown total, shows a counter). */
export function createProgress(
  out: Output,
  label: string,
  total: number | undefined,
  unit: 'bytes' | 'items' = 'bytes',
): Progress {
  if (!out.interactive) return NOOP;
  const stderr = out.streams.stderr;
  const start = Date.now();
  let last = 0;
  let drawn = false;
  const draw = (done: number) => {
    const width = Math.max(10, Math.min(40, (stderr.columns ?? 80) - 50));
    const secs = Math.max(0.001, (Date.now() - start) / 1000);
    const rate = unit === 'bytes' ? ` ${human(done / secs, 'bytes')}/s` : '';
    let line: string;
    if (total !== undefined && total > 0) {
      const frac = Math.min(1, done / total);
      const fill = Math.round(frac * width);
      line = `${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${Math.floor(frac * 100)}% ${human(done, unit)}/${human(total, unit)}${rate}`;
    } else {
      line = `${label} ${human(done, unit)}${rate}`;
    }
    stderr.write(`\r\x1b[2K${line}`);
    drawn = true;
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(done);
    },
    finish() {
      if (drawn) stderr.write('\r\x1b[2K');
    },
  };
}
