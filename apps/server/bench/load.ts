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

/**
 * Open-loop load: `clients` clients each start one task every
 * `1000 / ratePerClient` ms whatever the previous ones are doing (their
 * start times are spread over the first interval). Latency is measured from
 * the time a request was *due*, not from when it was sent, so a stalled
 * server is charged for every request it delayed (no coordinated omission).
 */
export async function openLoop(
  clients: number,
  ratePerClient: number,
  durationMs: number,
  task: (client: number, iteration: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let operations = 0;
  const interval = 1000 / ratePerClient;
  const start = performance.now();
  const inFlight: Array<Promise<void>> = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const offset = (interval * client) / clients;
      for (let i = 0; ; i++) {
        const due = start + offset + i * interval;
        if (due - start >= durationMs) break;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        inFlight.push(
          task(client, i)
            .catch(() => false)
            .then((ok) => {
              latenciesMs.push(performance.now() - due);
              if (ok) operations++;
              else errors++;
            }),
        );
      }
    }),
  );
  await Promise.all(inFlight);
  return { operations, seconds: (performance.now() - start) / 1000, latenciesMs, errors };
}

/** CPU time (user + system, ms) this process spent since `since`. */
export function ownCpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
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
