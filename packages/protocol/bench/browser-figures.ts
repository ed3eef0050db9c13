// Chromium figures: bundle browser-entry.ts, serve it on
// localhost (a secure context, so WebCrypto is available), drive it with Playwright.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Page } from 'playwright';
import { chromiumLaunchOptions } from '../../../tooling/vitest-preset.ts';
import { bundle } from './bundle.ts';
import { firstTouchMicrosPerPage, rendererMainThreadFaults, rendererPids } from './page-faults.ts';
import { MiB, mbPerSecond } from './streams.ts';

/** One workload: median MB/s, and median renderer main-thread page faults per 16 KiB of plaintext. */
export interface BrowserRate {
  MBps: number;
  /** Undefined where /proc is unavailable. */
  faultsPerChunk: number | undefined;
}

export interface BrowserFigures {
  userAgent: string;
  /** Raw WebCrypto, one 16 KiB chunk per call: the most any WebCrypto-based stream could reach. */
  webCrypto16KiB: {
    encryptOneAtATime: BrowserRate;
    encryptEightInFlight: BrowserRate;
    decryptEightInFlight: BrowserRate;
  };
  /** Fresh 16 KiB buffers allocated and written once, against one buffer written again and again. */
  memory: { freshBuffers: BrowserRate; reusedBuffer: BrowserRate };
  /** This machine's first touch of a fresh 4 KiB page, and a touch of a mapped one (Node, microseconds). */
  firstTouchMicrosPerPage: { fresh: number; mapped: number };
  seal: BrowserRate;
  open: BrowserRate;
  sealEnvelope: BrowserRate;
  openEnvelope: BrowserRate;
  argon2idFloorMs: number;
}

const TOTAL = 64 * MiB;
const CHUNKS = TOTAL / (16 * 1024);

interface BenchPage {
  prepareBench(): Promise<string[]>;
  runWorkload(name: string): Promise<number>;
  argon2idFloorMs(runs: number): Promise<number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `items` in an order fixed by `seed` (Fisher-Yates on a small LCG): every run of the bench alike. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = (seed * 2_654_435_761 + 1) >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Every workload once per round, interleaved (a warm-up round, then `runs`),
 * in a different order each round, reading the renderer's page faults
 * around each run.
 */
async function interleavedRates(page: Page, runs: number): Promise<Record<string, BrowserRate>> {
  const names = await page.evaluate(() => (globalThis as unknown as BenchPage).prepareBench());
  const pids = rendererPids();
  const ms = new Map<string, number[]>(names.map((name) => [name, []]));
  const faults = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round <= runs; round++) {
    // A new order each round: a run pays for the garbage of the run before
    // it, so no workload may always follow the same one.
    for (const name of shuffled(names, round)) {
      const before = rendererMainThreadFaults(pids);
      const took = await page.evaluate(
        (n) => (globalThis as unknown as BenchPage).runWorkload(n),
        name,
      );
      const after = rendererMainThreadFaults(pids);
      if (round === 0) continue;
      ms.get(name)!.push(took);
      if (before !== undefined && after !== undefined) faults.get(name)!.push(after - before);
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const counted = faults.get(name)!;
      const faultsPerChunk =
        counted.length > 0 ? Math.round((median(counted) / CHUNKS) * 10) / 10 : undefined;
      return [name, { MBps: mbPerSecond(TOTAL, median(ms.get(name)!)), faultsPerChunk }];
    }),
  );
}

export async function browserFigures(runs: number): Promise<BrowserFigures> {
  const script = await bundle('./browser-entry.ts', 'browser');
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      const html =
        '<!doctype html><meta charset="utf-8"><script type="module" src="/bench.js"></script>';
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launch({ ...chromiumLaunchOptions, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'runWorkload' in globalThis);
    const rates = await interleavedRates(page, runs);
    const argon2idFloorMs = await page.evaluate(
      (n) => (globalThis as unknown as BenchPage).argon2idFloorMs(n),
      Math.min(runs, 3),
    );
    const rate = (name: string) => rates[name]!;
    return {
      userAgent: await page.evaluate(() => navigator.userAgent),
      webCrypto16KiB: {
        encryptOneAtATime: rate('encryptOneAtATime'),
        encryptEightInFlight: rate('encryptEightInFlight'),
        decryptEightInFlight: rate('decryptEightInFlight'),
      },
      memory: { freshBuffers: rate('freshBuffers'), reusedBuffer: rate('reusedBuffer') },
      firstTouchMicrosPerPage: firstTouchMicrosPerPage(3),
      seal: rate('seal'),
      open: rate('open'),
      sealEnvelope: rate('sealEnvelope'),
      openEnvelope: rate('openEnvelope'),
      argon2idFloorMs,
    };
  } finally {
    await browser.close();
    server.close();
  }
}
