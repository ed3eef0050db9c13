import { readFileSync } from 'node:fs';

/** Closed-loop load: `concurrency` workers run `task` back to back until the time is up. */

export interface LoadResult {
  operations: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
}

export async function closedLoop(
  concurrency: number,
  durationMs: number,
  task: (worker: number, iteration: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let operations = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        const ok = await task(worker, i).catch(() => false);
        latenciesMs.push(performance.now() - t0);
        if (ok) operations++;
        else errors++;
      }
    }),
  );
  return { operations, seconds: (performance.now() - start) / 1000, latenciesMs, errors };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Resident set size (current and peak) of a process, from /proc. */
export function rssOf(pid: number): { rssMB: number; peakMB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMB: Number.NaN, peakMB: Number.NaN };
  }
}

/** User + system CPU time of a process in milliseconds, from /proc (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
