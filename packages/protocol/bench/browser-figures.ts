// Chromium figures: bundle browser-entry.ts, serve it on
// localhost (a secure context, so WebCrypto is available), drive it with Playwright.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../../tooling/vitest-preset.ts';
import { bundle } from './bundle.ts';

export interface BrowserFigures {
  userAgent: string;
  /** Raw subtle.encrypt of 16 KiB blocks, one at a time and eight in flight. */
  webCrypto16KiB: { sequentialMBps: number; eightInFlightMBps: number };
  sealMBps: number;
  openMBps: number;
  sealEnvelopeMBps: number;
  openEnvelopeMBps: number;
  argon2idFloorMs: number;
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
    await page.waitForFunction(() => 'runBench' in globalThis);
    return await page.evaluate(
      (n) =>
        (globalThis as unknown as { runBench(n: number): Promise<BrowserFigures> }).runBench(n),
      runs,
    );
  } finally {
    await browser.close();
    server.close();
  }
}
