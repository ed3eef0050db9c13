/**
 * Scenario switches: how the mock misbehaves. Each fault can be limited to
 * some operations (the `operationId`s of the protocol's route catalog) and
 * to a number of requests (`times`: fail N times, then behave), so flaky
 * servers are one line in a test.
 */
import { z } from 'zod';

/**
 * Which requests a fault hits: of the `operations` (default: all), skip the
 * first `after` (default 0), then hit `times` of them (default: every one).
 */
export interface Fault {
  times?: number;
  after?: number;
  operations?: string[];
}

/** Malicious behaviour of pull answers (and, for rollbacks, of the stored data). */
export interface MaliciousMode {
  /** Pull pages carry each record's envelope in another record's slot. */
  swapEnvelopes?: boolean;
  /** Each record that has an older revision is set back to it (under a new sequence) before a pull answers. */
  rollbackRevisions?: boolean;
  /** Pull pages also carry changes at or below the client's cursor (an old change replayed). */
  replayChanges?: boolean;
  /** Every record whose envelope changed gets its previous envelope back at a higher revision (a stale ciphertext replayed). */
  replayEnvelopes?: boolean;
  /** Pull pages silently leave out every other change, while the cursor moves past them. */
  dropChanges?: boolean;
}

/** Every switch; unset means "behave like the real server". */
export interface Scenario {
  /** Requests fail at the network level (fetch rejects); open live streams drop. */
  offline?: boolean | Fault;
  /** Answer with a 5xx problem (default 503 `unavailable`; 500 is `internal`). */
  serverError?: boolean | (Fault & { status?: 500 | 502 | 503 | 504 });
  /** Wait this long before answering (`delay` with fake timers in tests). */
  delayMs?: number | (Fault & { ms: number });
  /** A push meets a concurrent write of every record it touches, so each mutation conflicts. */
  conflict?: boolean | Fault;
  /** The protocol range this server accepts; outside it, 426 `version_not_supported`. */
  versionRange?: { min: number; max: number };
  /** Answer 200 with a body that breaks the wire schema (`shape`) or is not JSON (`not-json`). */
  malformed?: boolean | (Fault & { kind?: 'shape' | 'not-json' });
  malicious?: MaliciousMode;
  /**
   * Play a server from before the account live stream: `/v1/meta?features=1`
   * lists no features and `GET /v1/account/events` is an unknown route (404).
   */
  noAccountEvents?: boolean;
}

const FaultSchema = z.strictObject({
  times: z.int().min(0).optional(),
  after: z.int().min(0).optional(),
  operations: z.array(z.string()).optional(),
});

/** The scenario as JSON (runtime control endpoint; e.g. a browser test driving a dev server). */
export const ScenarioSchema = z.strictObject({
  offline: z.union([z.boolean(), FaultSchema]).optional(),
  serverError: z
    .union([
      z.boolean(),
      FaultSchema.extend({
        status: z
          .union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)])
          .optional(),
      }),
    ])
    .optional(),
  delayMs: z.union([z.int().min(0), FaultSchema.extend({ ms: z.int().min(0) })]).optional(),
  conflict: z.union([z.boolean(), FaultSchema]).optional(),
  versionRange: z.strictObject({ min: z.int(), max: z.int() }).optional(),
  noAccountEvents: z.boolean().optional(),
  malformed: z
    .union([z.boolean(), FaultSchema.extend({ kind: z.enum(['shape', 'not-json']).optional() })])
    .optional(),
  malicious: z
    .strictObject({
      swapEnvelopes: z.boolean().optional(),
      rollbackRevisions: z.boolean().optional(),
      replayChanges: z.boolean().optional(),
      replayEnvelopes: z.boolean().optional(),
      dropChanges: z.boolean().optional(),
    })
    .optional(),
});

type FaultOptions = {
  offline: object;
  serverError: { status: number };
  delayMs: { ms: number };
  conflict: object;
  malformed: { kind: 'shape' | 'not-json' };
};
type FaultKind = keyof FaultOptions;

interface ActiveFault<T> {
  remaining: number | undefined;
  skip: number;
  operations: ReadonlySet<string> | undefined;
  options: T;
}

function activate<T>(
  value: boolean | number | Fault | undefined,
  options: T,
): ActiveFault<T> | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object')
    return { remaining: undefined, skip: 0, operations: undefined, options };
  return {
    remaining: value.times,
    skip: value.after ?? 0,
    operations: value.operations ? new Set(value.operations) : undefined,
    options,
  };
}

const objectOf = <T extends object>(value: unknown): Partial<T> =>
  typeof value === 'object' && value !== null ? (value as Partial<T>) : {};

/** The live state of a scenario: faults with their remaining counts. */
export class ScenarioState {
  readonly scenario: Readonly<Scenario>;
  readonly #faults: { [K in FaultKind]?: ActiveFault<FaultOptions[K]> | undefined };

  constructor(scenario: Scenario = {}) {
    this.scenario = scenario;
    const delay = scenario.delayMs;
    this.#faults = {
      offline: activate(scenario.offline, {}),
      serverError: activate(scenario.serverError, {
        status: objectOf<{ status: number }>(scenario.serverError).status ?? 503,
      }),
      delayMs: activate(delay, { ms: typeof delay === 'number' ? delay : (delay?.ms ?? 0) }),
      conflict: activate(scenario.conflict, {}),
      malformed: activate(scenario.malformed, {
        kind: objectOf<{ kind: 'shape' | 'not-json' }>(scenario.malformed).kind ?? 'shape',
      }),
    };
  }

  /** Is the fault on for this operation? Counts the use when it is. */
  take<K extends FaultKind>(kind: K, operationId: string): FaultOptions[K] | undefined {
    const fault = this.#faults[kind] as ActiveFault<FaultOptions[K]> | undefined;
    if (!fault) return undefined;
    if (fault.operations && !fault.operations.has(operationId)) return undefined;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    if (fault.remaining !== undefined) {
      if (fault.remaining <= 0) return undefined;
      fault.remaining -= 1;
    }
    return fault.options;
  }

  /** Remaining uses of a fault (undefined: unlimited or off). */
  remaining(kind: FaultKind): number | undefined {
    return this.#faults[kind]?.remaining;
  }

  /** True while every request fails at the network level (live streams stay down). */
  get offlineForAll(): boolean {
    const f = this.#faults.offline;
    return (
      f !== undefined &&
      f.operations === undefined &&
      (f.remaining === undefined || f.remaining > 0)
    );
  }
}
