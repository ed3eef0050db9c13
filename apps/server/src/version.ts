/** The version of this build (replaced at bundle time; the package version from source). */
declare const __COFFER_VERSION__: string | undefined;

export const SERVER_VERSION: string =
  typeof __COFFER_VERSION__ === 'string' ? __COFFER_VERSION__ : '0.1.0-dev';
