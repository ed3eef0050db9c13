// Model test with the faults the basic model (sync-model.test.ts) does not
// play (test/fault-model.ts): the server purging tombstones (cursors behind
// the horizon must resync while writes are still unpushed), push answers
// lost after the server applied them (retries get the original outcome),
// devices restarting with a non-empty outbox, live event streams pulling in
// the background, and an application merge function. Every property runs
// against the current server and against an old one (before 53d9d1d:
// revisions restart at 1 after a purge), where the one failure the client
// cannot fix is excluded explicitly (below).
// Runs: COFFER_MODEL_RUNS (default kept small for the suite), operations per
// run: COFFER_MODEL_OPS (default 30), COFFER_MODEL_SERVER=current|old (default
// both); replay one failure with COFFER_MODEL_SEED and COFFER_MODEL_PATH.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FaultModelOptions,
  type FaultOp,
  faultOp,
  keepLaterWrite,
  OldServerRevisionReuse,
  runFaultModel,
} from './fault-model.ts';
import { YieldingStore } from './sync-harness.ts';

const runs = Number(process.env.COFFER_MODEL_RUNS ?? 60);
const replay = process.env.COFFER_MODEL_SEED
  ? { seed: Number(process.env.COFFER_MODEL_SEED), path: process.env.COFFER_MODEL_PATH ?? '' }
  : {};
// fast-check's default size caps arrays at about 10 operations whatever
// maxLength says; COFFER_MODEL_SIZE=max lets them span the whole maxLength.
const ops = fc.array(faultOp, {
  minLength: 1,
  maxLength: Number(process.env.COFFER_MODEL_OPS ?? 30),
  ...(process.env.COFFER_MODEL_SIZE === 'max' ? { size: 'max' as const } : {}),
});
const skew = fc.integer({ min: -450, max: 450 });

const servers = [
  { label: 'current server', old: false },
  { label: 'old server, the revision-reuse gap excluded', old: true },
].filter(({ old }) => {
  const only = process.env.COFFER_MODEL_SERVER;
  return only === undefined || only === (old ? 'old' : 'current');
});

describe.each(servers)('sync model with faults (fast-check), $label', ({ old }) => {
  // Old server: a run that fails only after a write applied on a reused base
  // revision is the known gap no client can close (the write's base names a
  // revision of two lives); it is counted, not checked. Any other failure,
  // and every failure on the current server, fails the property.
  let excluded = 0;
  const check = async (o: ReadonlyArray<FaultOp>, options: FaultModelOptions) => {
    try {
      await runFaultModel(o, { ...options, server: { oldServer: old } });
    } catch (e) {
      if (!(old && e instanceof OldServerRevisionReuse)) throw e;
      excluded++;
    }
  };
  const property = (name: string, run: () => Promise<void>) =>
    it(name, async () => {
      excluded = 0;
      await run();
      if (excluded > 0) console.info(`${name}: ${excluded} of ${runs} runs hit the old-server gap`);
      // The exclusion never swallows a whole property.
      expect(excluded).toBeLessThan(runs);
    });

  property('purges, lost answers, restarts and live streams: converge with nothing lost', () =>
    fc.assert(
      fc.asyncProperty(ops, (o) => check(o, {})),
      { numRuns: runs, ...replay },
    ),
  );

  property('the same with store calls that yield (writes interleave with background syncs)', () =>
    fc.assert(
      fc.asyncProperty(ops, (o) => check(o, { makeStore: () => new YieldingStore() })),
      { numRuns: runs, ...replay },
    ),
  );

  property(
    'the same with device clocks up to 0.9 s apart (less than the time between operations)',
    () =>
      fc.assert(
        fc.asyncProperty(ops, fc.tuple(skew, skew, skew), (o, skews) => check(o, { skews })),
        { numRuns: runs, ...replay },
      ),
  );

  property('the same with an application merge function', () =>
    fc.assert(
      fc.asyncProperty(ops, (o) => check(o, { merge: keepLaterWrite })),
      { numRuns: runs, ...replay },
    ),
  );
});
