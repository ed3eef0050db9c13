// Chromium figures: bundle browser-entry.ts with esbuild, serve it on
// localhost (a secure context, so WebCrypto is available), drive it with Playwright.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../../../tooling/vitest-preset.ts';

export interface BrowserFigures {
  userAgent: string;
  sealMBps: number;
  openMBps: number;
  argon2idFloorMs: number;
}

interface EsbuildLike {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
}

// esbuild is the bundler under tsup (a devDependency): reuse it rather than add another.
const esbuild = createRequire(fileURLToPath(import.meta.resolve('tsup')))('esbuild') as EsbuildLike;

async function bundle(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./browser-entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2023',
    conditions: ['@coffer/source'],
  });
  return result.outputFiles[0]!.text;
}

export async function browserFigures(runs: number): Promise<BrowserFigures> {
  const script = await bundle();
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
