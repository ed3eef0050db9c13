/**
 * The usual cast of a browser e2e file: the built server, one Chromium that
 * trusts exactly its key, and a page each for alice and bob (not signed up).
 */
import type { Browser } from 'playwright-core';
import { launchBrowser, newUserPage, type UserPage } from './browser.ts';
import { type E2eServer, startServer } from './server.ts';

export interface TwoPeople {
  server: E2eServer;
  browser: Browser;
  alice: UserPage;
  bob: UserPage;
}

export async function startTwoPeople(): Promise<TwoPeople> {
  const server = await startServer();
  const browser = await launchBrowser(server.spkiSha256);
  return {
    server,
    browser,
    alice: await newUserPage(browser, server.url),
    bob: await newUserPage(browser, server.url),
  };
}

/** Close what {@link startTwoPeople} opened (either may be missing if it failed). */
export async function stopTwoPeople(cast: Partial<TwoPeople>): Promise<void> {
  await cast.browser?.close();
  await cast.server?.stop();
}
