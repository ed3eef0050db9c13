/**
 * The server secret of instances sharing one PostgreSQL database, kept in
 * the database (schema 6) so that every instance keys the fake prelogin
 * salts of unknown usernames alike without being told. The first instance
 * stores its candidate; every other one adopts what is stored.
 */
import { createClient } from './database.ts';

/**
 * The secret stored in the database, storing `candidate` first if there is
 * none (one statement: instances starting together agree on one).
 *
 * @example
 * const secret = await sharedServerSecret(url, existingServerSecret(dataDir) ?? randomBytes(32));
 */
export async function sharedServerSecret(
  databaseUrl: string,
  candidate: Uint8Array,
  now: number = Date.now(),
): Promise<Uint8Array> {
  const client = createClient(databaseUrl);
  await client.connect();
  try {
    await client.query(
      'INSERT INTO server_secret (id, secret, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING',
      [Buffer.from(candidate), now],
    );
    const { rows } = await client.query<{ secret: Buffer }>(
      'SELECT secret FROM server_secret WHERE id = 1',
    );
    const secret = rows[0]?.secret;
    if (secret === undefined || secret.length !== 32) throw new Error('server_secret row missing');
    return new Uint8Array(secret);
  } finally {
    await client.end();
  }
}
