// Compiles one optional Node-API addon (a single C file) with the machine's C
// compiler and the running Node's own headers. No node-gyp and no download:
// where there is no compiler or no headers the package keeps its JavaScript
// path, and this says so on one line. CI (CI=true) or COFFER_REQUIRE_NATIVE=1
// turns that into a failure, so the tested build is the native one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NativeAddon {
  /** Who is building, for the one-line message: `@coffer/protocol: native AES-GCM`. */
  label: string;
  /** What is used without the addon: `node:crypto`. */
  fallback: string;
  source: string;
  target: string;
  /** The addon includes OpenSSL headers (they ship with Node's and match its OpenSSL). */
  openssl: boolean;
  /** Set when the addon was turned off on purpose (never an error, even in CI). */
  disabledBy?: string | undefined;
}

/** Headers of the Node that runs this build (with OpenSSL's when asked). */
function nodeHeaders(openssl: boolean): string | undefined {
  const candidates = [
    join(dirname(process.execPath), '..', 'include', 'node'),
    process.env.npm_config_nodedir ? join(process.env.npm_config_nodedir, 'include', 'node') : '',
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find(
    (dir) =>
      dir &&
      existsSync(join(dir, 'node_api.h')) &&
      (!openssl || existsSync(join(dir, 'openssl', 'evp.h'))),
  );
}

/** Build `addon`, or remove a stale one and say why not; exits the process on a required failure. */
export function buildNativeAddon(addon: NativeAddon): void {
  const required = process.env.CI === 'true' || process.env.COFFER_REQUIRE_NATIVE === '1';
  const skip = (reason: string, mayBeRequired = true): void => {
    rmSync(addon.target, { force: true });
    const line = `${addon.label} not built (${reason}); ${addon.fallback} will be used`;
    if (required && mayBeRequired) {
      console.error(`${line}. This build requires it (CI=true or COFFER_REQUIRE_NATIVE=1).`);
      process.exit(1);
    }
    console.warn(line);
  };
  if (addon.disabledBy) {
    skip(addon.disabledBy, false);
    return;
  }
  const headers = nodeHeaders(addon.openssl);
  if (!headers) {
    const what = addon.openssl ? 'Node headers with OpenSSL' : 'Node headers';
    skip(`no ${what} found for ${process.execPath}`);
    return;
  }
  const compiler = process.env.CC ?? 'cc';
  mkdirSync(dirname(addon.target), { recursive: true });
  try {
    execFileSync(
      compiler,
      [
        '-O2',
        '-std=c11',
        '-Wall',
        '-Wextra',
        '-Werror',
        '-fPIC',
        '-shared',
        // Node-API (and OpenSSL) symbols come from the node process that loads it.
        '-fvisibility=hidden',
        '-D_FORTIFY_SOURCE=2',
        '-fstack-protector-strong',
        '-I',
        headers,
        '-o',
        addon.target,
        addon.source,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    skip(code === 'ENOENT' ? `no C compiler (${compiler})` : `${compiler} failed`);
  }
}
