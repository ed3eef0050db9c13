/**
 * The BUILT `coffer` CLI, one profile directory per device (removed when the
 * test, or for a device made in beforeAll the file, is done).
 */
import { type BinaryResult, CLI_BIN, runBinary } from '@coffer/test-harness';
import { tempDir } from '../../../tooling/test-temp.ts';

export const COFFER_BIN = CLI_BIN;

export type CliResult = BinaryResult;

export interface CliDevice {
  /** The profile directory (COFFER_HOME). */
  readonly home: string;
  run(args: readonly string[], input?: Uint8Array | string): Promise<CliResult>;
}

/** The CLI on the profile in `home` (which the caller made and removes). */
export function cliDeviceAt(home: string, passphrase: string): CliDevice {
  return {
    home,
    run: (args, input) =>
      runBinary(COFFER_BIN, args, {
        env: { HOME: home, COFFER_HOME: home, COFFER_PASSPHRASE: passphrase },
        ...(input === undefined ? {} : { input }),
      }),
  };
}

export async function newCliDevice(passphrase: string): Promise<CliDevice> {
  return cliDeviceAt(await tempDir('coffer-e2e-cli-'), passphrase);
}
