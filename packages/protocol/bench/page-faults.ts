// Page-fault readings for the Chromium figures (Linux /proc; elsewhere they
// are reported as unavailable). On some virtual machines a page's first touch
// costs tens of microseconds, and every buffer WebCrypto returns is fresh
// memory: these readings say how much of a chunk's time that is.
import { readdirSync, readFileSync } from 'node:fs';

const PAGE = 4096;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(path: string): string[] | undefined {
  try {
    const raw = readFileSync(path, 'utf8');
    return raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Process ids of the renderers below this process's browser child: a walk
 * of /proc by parent id, so another Chromium on the machine is not counted.
 */
export function rendererPids(): number[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const parent = new Map<number, number>();
  for (const pid of pids) {
    // stat(5) field 4, ppid: index 1 after the name (state is index 0).
    const ppid = Number(statFields(`/proc/${pid}/stat`)?.[1]);
    if (Number.isInteger(ppid)) parent.set(pid, ppid);
  }
  const descends = (pid: number): boolean => {
    for (let at = parent.get(pid); at !== undefined && at > 1; at = parent.get(at)) {
      if (at === process.pid) return true;
    }
    return false;
  };
  return pids.filter((pid) => {
    if (!descends(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false;
    }
  });
}

/**
 * Minor page faults so far of the renderers' main threads (where this
 * Chromium runs subtle.encrypt and the streams), or undefined off Linux.
 */
export function rendererMainThreadFaults(pids: readonly number[]): number | undefined {
  if (pids.length === 0) return undefined;
  let faults = 0;
  for (const pid of pids) {
    // stat(5) field 10, minflt: index 7 after the name; the main thread's task id is the pid.
    const minflt = Number(statFields(`/proc/${pid}/task/${pid}/stat`)?.[7]);
    if (!Number.isFinite(minflt)) return undefined;
    faults += minflt;
  }
  return faults;
}

/**
 * Microseconds per 4 KiB page of this machine's first touch of fresh memory
 * (a new 64 MiB ArrayBuffer written one byte per page), and of a second pass
 * over the same, already mapped pages: median of `runs`.
 */
export function firstTouchMicrosPerPage(runs: number): { fresh: number; mapped: number } {
  const size = 64 * 1024 * 1024;
  const fresh: number[] = [];
  const mapped: number[] = [];
  for (let run = 0; run < runs; run++) {
    const bytes = new Uint8Array(new ArrayBuffer(size));
    for (const times of [fresh, mapped]) {
      const start = performance.now();
      for (let at = 0; at < size; at += PAGE) bytes[at] = run + 1;
      times.push(((performance.now() - start) * 1000) / (size / PAGE));
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { fresh: round(median(fresh)), mapped: round(median(mapped)) };
}
