/** Server trust decisions against a real coffer-server over HTTPS (source modules, real TLS). */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tooling/test-temp.ts';
import { CliError } from '../src/cli/exit-codes.ts';
import { Output } from '../src/cli/output.ts';
import { establishTrust } from '../src/net/establish-trust.ts';
import { formatFingerprint } from '../src/net/fingerprint.ts';
import { loadServerTrust } from '../src/profile/servers.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
let url: URL;
const out = new Output(false, { stdout: new PassThrough(), stderr: new PassThrough() });

beforeAll(async () => {
  server = await startTestServer();
  url = new URL(server.url);
});
afterAll(() => server.stop());

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof CliError ? `${e.exit}:${e.code}:${e.message}` : `other:${String(e)}`;
  }
  return 'no error';
}

describe('establishing trust in a server', () => {
  it('pins a matching --pin and stores it in the profile (0600)', async () => {
    const home = await tempDir('coffer-home-');
    const trust = await establishTrust(home, url, { pin: server.fingerprint }, out);
    expect(trust).toEqual({
      kind: 'pin',
      sha256: server.fingerprint.replace(/:/g, '').toLowerCase(),
    });
    expect(await loadServerTrust(home, url.origin)).toEqual(trust);
    expect((await stat(join(home, 'servers.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    // Later commands reuse the stored decision without flags.
    expect(await establishTrust(home, url, {}, out)).toEqual(trust);
  });

  it('refuses a wrong --pin, naming the fingerprint the server shows', async () => {
    const home = await tempDir('coffer-home-');
    const msg = await failure(establishTrust(home, url, { pin: 'ab'.repeat(32) }, out));
    expect(msg).toMatch(/^network:pin_mismatch:/);
    expect(msg).toContain(server.fingerprint);
    expect(await loadServerTrust(home, url.origin)).toBeUndefined();
  });

  it('refuses an unknown self-signed certificate without a terminal, showing its fingerprint', async () => {
    const home = await tempDir('coffer-home-');
    const msg = await failure(establishTrust(home, url, {}, out));
    expect(msg).toMatch(/^network:untrusted_certificate:/);
    expect(msg).toContain(formatFingerprint(server.fingerprint.replace(/:/g, '')));
  });

  it('trusts the certificate given with --ca-file', async () => {
    const home = await tempDir('coffer-home-');
    const caFile = join(server.dataDir, 'tls', 'cert.pem');
    const trust = await establishTrust(home, url, { caFile }, out);
    expect(trust).toEqual({ kind: 'ca', caPem: await readFile(caFile, 'utf8') });
  });

  it('reports an unreachable server as a network error', async () => {
    const home = await tempDir('coffer-home-');
    const msg = await failure(establishTrust(home, new URL('https://127.0.0.1:1'), {}, out));
    expect(msg).toMatch(/^network:network:cannot reach 127\.0\.0\.1:1/);
  });
});
