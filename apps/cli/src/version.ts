/**
 * The lockstep version of this build, embedded at build time by tsup (and by
 * vitest's `define`), so `coffer --version` reads no file.
 */
declare const __COFFER_VERSION__: string | undefined;

export const CLI_VERSION: string =
  typeof __COFFER_VERSION__ === 'string' ? __COFFER_VERSION__ : '0.0.0-dev';
