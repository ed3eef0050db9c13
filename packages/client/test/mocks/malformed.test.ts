import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../src/transport/errors.ts';
import { devices, useCoffer, values } from './harness.ts';

const coffer = useCoffer();

describe('scenario: malformed responses', () => {
  it('a body that breaks the schema, or is not JSON, is a typed InvalidResponseError', async () => {
    const { clients, vaultId } = await devices(coffer, 1);
    coffer.mock.setScenario({ malformed: { kind: 'shape' } });
    const shape = await clients[0]!.transport.pull(vaultId, 0, 10).catch((e: unknown) => e);
    expect(shape).toBeInstanceOf(InvalidResponseError);
    expect(shape).toMatchObject({ code: 'invalid_response' });
    coffer.mock.setScenario({ malformed: { kind: 'not-json' } });
    const html = await clients[0]!.transport.getMeta().catch((e: unknown) => e);
    expect(html).toBeInstanceOf(InvalidResponseError);
  });

  it('a garbled push answer: error event, write kept, the retry is applied exactly once', async () => {
    const { clients, vaultId, clock } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    coffer.mock.setScenario({ malformed: { times: 1, operations: ['push'] } });
    await a.records.put(vaultId, 'doc', 'once');
    await a.engine.idle();
    expect(a.errors.map((e) => e.code)).toContain('invalid_response');
    // The server did apply it; the client could not read the answer.
    expect(coffer.mock.vault(vaultId).headSeq).toBe(1);
    expect(a.state.getSnapshot().pending).toBe(1);
    clock.advance(10 * 60_000);
    await a.engine.sync(vaultId);
    expect(a.state.getSnapshot().pending).toBe(0);
    const pushes = coffer.mock.requestsOf('push');
    expect(pushes).toHaveLength(2);
    expect(pushes[1]?.mutationIds).toEqual(pushes[0]?.mutationIds);
    expect(coffer.mock.vault(vaultId).headSeq).toBe(1);
    expect(coffer.mock.vault(vaultId).records.size).toBe(1);
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ doc: 'once' });
  });

  it('a garbled pull answer leaves the replica as it was', async () => {
    const { clients, vaultId } = await devices(coffer, 2);
    const [a, b] = clients as [NonNullable<(typeof clients)[0]>, NonNullable<(typeof clients)[1]>];
    await a.records.put(vaultId, 'x', 1);
    await a.engine.idle();
    await b.engine.sync(vaultId);
    await a.records.put(vaultId, 'x', 2);
    await a.engine.idle();
    coffer.mock.setScenario({ malformed: { operations: ['pull'] } });
    await b.engine.sync(vaultId);
    expect(b.errors.map((e) => e.code)).toContain('invalid_response');
    expect(await values(b, vaultId)).toEqual({ x: 1 });
    coffer.mock.clearScenario();
    await b.engine.sync(vaultId);
    expect(await values(b, vaultId)).toEqual({ x: 2 });
  });
});
