/**
 * The web app and the CLI on one account, byte for byte; and a server that
 * forges data: an envelope swapped between two records in its SQLite store is
 * shown as an integrity error, never as the other record's data.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../../../tooling/test-temp.ts';
import { launchBrowser, newUserPage, type UserPage } from '../src/browser.ts';
import { type CliDevice, newCliDevice } from '../src/cli.ts';
import { type E2eServer, startServer } from '../src/server.ts';
import {
  createVault,
  logIn,
  openVault,
  PASSPHRASE,
  putRecord,
  recordValue,
  signUp,
  syncStatus,
} from '../src/web-user.ts';

const ARTIFACTS = new URL('../artifacts/', import.meta.url);
// Non-ASCII, quotes, a tab and a trailing newline: what byte-identical has to survive.
const CLI_VALUE = 'ünïcødé ✓ "quoted"\tand a tab\n';
const WEB_VALUE = 'written in the browser: ✓ 🔐';

let server: E2eServer;
let browser: Browser;
let web: UserPage;
let cli: CliDevice;

async function ok(args: string[], input?: string) {
  const r = await cli.run(args, input);
  expect(r.code, `coffer ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launchBrowser(server.spkiSha256);
  web = await newUserPage(browser, server.url, true);
  cli = await newCliDevice(PASSPHRASE);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('web app and CLI on one account', () => {
  test('the CLI logs in to the account created in the browser', async () => {
    await signUp(web.page, 'dana');
    await createVault(web.page, 'Ops');
    await ok(['login', '--server', server.url, '--username', 'dana', '--pin', server.certSha256]);
    const list = JSON.parse((await ok(['--json', 'vault', 'list'])).stdout.toString()) as {
      vaults: Array<{ name: string }>;
    };
    expect(list.vaults.map((v) => v.name)).toEqual(['Ops']);
  });

  test('a value written with the CLI appears in the browser, byte-identical', async () => {
    await ok(['put', 'Ops', 'from/cli'], CLI_VALUE);
    await expect
      .poll(() => web.page.getByRole('option', { name: /^from\/cli/ }).count(), { timeout: 10_000 })
      .toBe(1);
    await web.page.getByRole('option', { name: /^from\/cli/ }).click();
    const shown = await recordValue(web.page).evaluate((el) => el.textContent);
    expect(Buffer.from(shown ?? '', 'utf8')).toEqual(Buffer.from(CLI_VALUE, 'utf8'));
  });

  test('a value written in the browser is read by the CLI, byte-identical', async () => {
    await putRecord(web.page, 'from/web', WEB_VALUE);
    await expect.poll(() => syncStatus(web.page).textContent()).toMatch(/All changes saved/);
    const got = await ok(['get', 'Ops', 'from/web', '--sync']);
    expect(got.stdout).toEqual(Buffer.from(WEB_VALUE, 'utf8'));
    await web.page.screenshot({
      path: new URL('phone-vault.png', ARTIFACTS).pathname,
      fullPage: true,
    });
  });

  test('a file attached in the browser downloads byte-identical with the CLI', async () => {
    const bytes = randomBytes(300 * 1024 + 17);
    await web.page.getByRole('button', { name: 'Attach file' }).click();
    await web.page
      .getByLabel('File', { exact: true })
      .setInputFiles({ name: 'backup.bin', mimeType: 'application/octet-stream', buffer: bytes });
    await web.page.getByRole('button', { name: 'Upload' }).click();
    await web.page.getByRole('heading', { name: 'backup.bin', level: 3 }).waitFor();
    await expect.poll(() => syncStatus(web.page).textContent()).toMatch(/All changes saved/);
    const out = join(await tempDir('coffer-e2e-out-'), 'backup.bin');
    await ok(['get', 'Ops', 'backup.bin', '--sync', '--out', out]);
    expect(Buffer.compare(await readFile(out), bytes)).toBe(0);
  });
});

describe('a malicious server', () => {
  test('a swapped envelope is an integrity error, not data', async () => {
    await putRecord(web.page, 'forged/target', 'the real target value');
    await expect.poll(() => syncStatus(web.page).textContent()).toMatch(/All changes saved/);
    const { vaultId, from, to } = lastTwoRecords(server);
    // `to` (forged/target, written last) gets the envelope of the record before it.
    server.swapEnvelope(vaultId, from, to);

    // A fresh device of the same account pulls everything, the forged row included.
    const fresh = await newUserPage(browser, server.url);
    await logIn(fresh.page, 'dana');
    await openVault(fresh.page, 'Ops');
    const unreadable = fresh.page.getByRole('option', { name: /^Unreadable record/ });
    await unreadable.waitFor({ timeout: 15_000 });
    await expect.poll(() => unreadable.textContent()).toMatch(/Integrity error/);
    await unreadable.click();
    await expect
      .poll(() => fresh.page.getByRole('alert').first().textContent())
      .toMatch(/Integrity error|integrity check/);
    // The other record's value is never shown under the forged slot.
    expect(await fresh.page.getByRole('option', { name: /^forged\/target/ }).count()).toBe(0);
    expect(await fresh.page.locator('pre.value').count()).toBe(0);
    await fresh.page.screenshot({
      path: new URL('integrity-error.png', ARTIFACTS).pathname,
      fullPage: true,
    });

    // The device that already had the record keeps its own copy and says what happened.
    await web.page.getByRole('button', { name: '← Vaults' }).click();
    await openVault(web.page, 'Ops');
    await expect
      .poll(() => syncStatus(web.page).locator('..').getByRole('alert').textContent(), {
        timeout: 15_000,
      })
      .toMatch(/integrity check/);
    await web.page.getByRole('option', { name: /^forged\/target/ }).click();
    await expect.poll(() => recordValue(web.page).textContent()).toBe('the real target value');
    await fresh.context.close();
  });

  test('no console errors and no CSP violations', () => {
    expect(web.problems).toEqual([]);
  });
});

/** The vault and the two records written last (by server sequence), from the server's store. */
function lastTwoRecords(s: E2eServer): { vaultId: string; from: string; to: string } {
  const rows = s.query(
    'SELECT hex(vault_id) AS v, hex(record_id) AS r FROM records WHERE envelope IS NOT NULL ORDER BY seq DESC LIMIT 2',
  ) as Array<{ v: string; r: string }>;
  const [to, from] = rows;
  if (!to || !from) throw new Error('need two records');
  return { vaultId: to.v.toLowerCase(), from: from.r.toLowerCase(), to: to.r.toLowerCase() };
}
