/**
 * Chromium (Debian's, through playwright-core) trusting exactly the test
 * server's key: `--ignore-certificate-errors-spki-list` pins its SPKI hash,
 * so no other certificate error is waved through. Console errors and CSP
 * violations are collected so tests can assert there are none.
 */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../tooling/vitest-preset.ts';

export async function launchBrowser(spkiSha256: string): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumLaunchOptions.executablePath,
    headless: true,
    args: [...chromiumLaunchOptions.args, `--ignore-certificate-errors-spki-list=${spkiSha256}`],
  });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen so far. */
  problems: string[];
}

export async function newUserPage(browser: Browser, url: string, phone = false): Promise<UserPage> {
  const context = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const problems: string[] = [];
  collectProblems(page, problems);
  await page.goto(url);
  return { context, page, problems };
}

/**
 * Push `page`'s console errors and uncaught exceptions onto `problems` (a
 * failed resource load or the offline network error is not a problem: tests
 * cause those on purpose).
 */
export function collectProblems(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    if (
      m.type() === 'error' &&
      !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED/.test(m.text())
    )
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
}
