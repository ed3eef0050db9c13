import { describe, expect, it } from 'vitest';
import { VersionNotSupportedError } from '../../src/transport/errors.ts';
import { appClient, devices, useCoffer } from './harness.ts';

const coffer = useCoffer();

const client = () => appClient();

describe('scenario: version mismatch', () => {
  it('the handshake says to upgrade the client when the server moved on', async () => {
    coffer.mock.setScenario({ versionRange: { min: 2, max: 3 } });
    const error = await client()
      .handshake()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionNotSupportedError);
    expect(error).toMatchObject({
      code: 'version_not_supported',
      upgrade: 'client',
      serverRange: { min: 2, max: 3 },
    });
    expect((error as Error).message).toContain('upgrade notes');
  });

  it('the handshake says to upgrade the server when it is older than the client', async () => {
    coffer.mock.setScenario({ versionRange: { min: 0, max: 0 } });
    const error = await client()
      .handshake()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ upgrade: 'server', clientProtocol: 1 });
  });

  it('a 426 on any route is a typed error; queued writes stay queued', async () => {
    const { clients, vaultId } = await devices(coffer, 1);
    const a = clients[0]!;
    coffer.mock.setScenario({ versionRange: { min: 2, max: 2 } });
    const error = await a.transport.listVaults().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionNotSupportedError);
    await a.records.put(vaultId, 'kept', 'safe');
    await a.engine.idle();
    expect(a.errors.map((e) => e.code)).toContain('version_not_supported');
    expect(a.state.getSnapshot().pending).toBe(1);
    expect((await a.records.get(vaultId, 'kept'))?.value).toBe('safe');
    expect(coffer.mock.vault(vaultId).headSeq).toBe(0);
  });
});
