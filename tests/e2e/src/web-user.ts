/** What a person does in the web app, as Playwright steps (accessible names only). */
import type { Page } from 'playwright-core';

export const PASSPHRASE = 'correct horse battery staple';

export async function signUp(page: Page, username: string): Promise<void> {
  await page.getByRole('button', { name: 'Create one' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
  await page.getByLabel('Passphrase again').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Your vaults' }).waitFor({ timeout: 60_000 });
}

export async function logIn(page: Page, username: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Your vaults' }).waitFor({ timeout: 60_000 });
}

export async function createVault(page: Page, name: string): Promise<void> {
  await page.getByLabel('New vault name').fill(name);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

export async function openVault(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

export async function putRecord(
  page: Page,
  name: string,
  value: string,
  kind: 'Text' | 'JSON' | 'Secret' = 'Text',
): Promise<void> {
  await page.getByRole('button', { name: 'New record' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('radio', { name: kind }).check();
  await page.getByLabel('Value', { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name, level: 3 }).waitFor();
}

export async function editRecord(page: Page, name: string, value: string): Promise<void> {
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Value', { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name, level: 3 }).waitFor();
}

/** The shown value of a text or JSON record. */
export function recordValue(page: Page) {
  return page.locator('pre.value');
}

export function syncStatus(page: Page) {
  return page.getByRole('group', { name: 'Sync status' });
}
