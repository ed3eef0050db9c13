/**
 * What the OLDEST builds left on disk, as small committed fixtures (see
 * fixtures/old-2026-11-28/README.md): a server database written by
 * coffer-server at e0485d3 and a CLI profile written by coffer at 8d56b97,
 * stored as SQL text so they stay readable and tiny. Tests feed them to the
 * current server and CLI, which must take them over in place.
 */
import { readFileSync } from 'node:fs';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CofferServer, startCofferServer } from '@coffer/test-harness';
import Database from 'better-sqlite3';
import { tempDir } from '../../../tooling/test-temp.ts';
import { type CliDevice, cliDeviceAt } from './cli.ts';

/** Where the fixture files are. */
export const OLD_FIXTURE = fileURLToPath(new URL('../fixtures/old-2026-11-28/', import.meta.url));

/** The throwaway passphrase of every account in the fixture (alice, bob, carol). */
export const OLD_FIXTURE_PASSPHRASE = 'skew test passphrase';

/** What the old builds did, for the tests' expectations (ids the old server assigned). */
export interface OldFixtureFacts {
  /** The address the old server had; the profile names it until moved to the test server. */
  serverUrl: string;
  vaults: Array<{ name: string; vaultId: string; role: string }>;
}

export function oldFixtureFacts(): OldFixtureFacts {
  return JSON.parse(readFileSync(join(OLD_FIXTURE, 'made.json'), 'utf8')) as OldFixtureFacts;
}

/** A SQLite file made from a dump (schema statements as the old code wrote them, then rows). */
export function sqliteFromDump(file: string, dumpPath: string): void {
  const db = new Database(file);
  try {
    db.exec(readFileSync(dumpPath, 'utf8'));
  } finally {
    db.close();
  }
}

/** The CURRENT server started on the database the old server left behind. */
export function startServerOnOldData(): Promise<CofferServer> {
  return startCofferServer({
    tempPrefix: 'coffer-e2e-old-data-',
    seedDataDir: (dir) =>
      sqliteFromDump(join(dir, 'coffer.sqlite3'), join(OLD_FIXTURE, 'server.sql')),
  });
}

/**
 * The old CLI's profile of `who`, in a temp dir, used by the CURRENT CLI.
 * Only the server's address and certificate pin are changed (the test server
 * listens on another port with another certificate): the replica, its outbox
 * and the sealed account are the old CLI's bytes.
 */
export async function restoreOldProfile(who: string, server: CofferServer): Promise<CliDevice> {
  const from = join(OLD_FIXTURE, who);
  const home = await tempDir(`coffer-e2e-old-${who}-`);
  // 0600 as the CLI writes them (git keeps the fixture files 0644).
  await copyFile(join(from, 'account.sealed'), join(home, 'account.sealed'));
  await chmod(join(home, 'account.sealed'), 0o600);
  sqliteFromDump(join(home, 'replica.sqlite'), join(from, 'replica.sql'));
  await chmod(join(home, 'replica.sqlite'), 0o600);
  const config = JSON.parse(await readFile(join(from, 'config.json'), 'utf8')) as {
    server: string;
  };
  const servers = JSON.parse(await readFile(join(from, 'servers.json'), 'utf8')) as Record<
    string,
    { trust: { kind: string; sha256?: string }; since: string }
  >;
  const entry = servers[config.server];
  if (entry === undefined) throw new Error(`the fixture's servers.json has no ${config.server}`);
  const sha256 = server.certificate.fingerprint256.replaceAll(':', '').toLowerCase();
  const moved = { [server.url]: { ...entry, trust: { ...entry.trust, sha256 } } };
  await writeFile(join(home, 'config.json'), JSON.stringify({ ...config, server: server.url }), {
    mode: 0o600,
  });
  await writeFile(join(home, 'servers.json'), JSON.stringify(moved), { mode: 0o600 });
  return cliDeviceAt(home, OLD_FIXTURE_PASSPHRASE);
}
