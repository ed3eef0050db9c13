/**
 * One device (profile directory) of one user, driving the built CLI. The
 * profile goes when the test that made it finishes (made in beforeAll: when
 * the file is done).
 */
import { expect } from 'vitest';
import { tempDir } from '../../../../tooling/test-temp.ts';
import { type CliResult, coffer, type RunOptions } from './cli.ts';

export interface Device {
  home: string;
  passphrase: string;
  /** Run with this device's profile; uses its COFFER_SESSION once unlocked. */
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** Run and expect exit 0. */
  ok(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** `coffer unlock` once, so later commands skip key derivation. */
  unlock(): Promise<void>;
}

export async function newDevice(passphrase: string): Promise<Device> {
  const home = await tempDir('coffer-dev-');
  let session: string | undefined;
  const device: Device = {
    home,
    passphrase,
    run(args, options = {}) {
      return coffer(args, {
        ...options,
        env: {
          COFFER_HOME: home,
          COFFER_PASSPHRASE: passphrase,
          COFFER_SESSION: session,
          ...options.env,
        },
      });
    },
    async ok(args, options) {
      const r = await device.run(args, options);
      expect(r.code, `coffer ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r;
    },
    async unlock() {
      session = (await device.ok(['unlock', '--raw'])).stdout.trim();
      expect(session).toMatch(/^cfs1\./);
    },
  };
  return device;
}
