// Builds the optional native chunk AEAD (native/cobblestone-gcm.c) into
// dist/native/cobblestone-gcm.node with the machine's C compiler and the
// running Node's own headers. No node-gyp and no download: where there is no
// compiler or no headers the package simply uses node:crypto, and this says
// so on one line. CI (CI=true) or COFFER_REQUIRE_NATIVE=1 turns that into a
// failure, so the tested build is the fast one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_GCM_FILE } from '../src/cobblestone/native-gcm.ts';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const source = join(packageRoot, 'native', 'cobblestone-gcm.c');
const target = join(packageRoot, NATIVE_GCM_FILE);
const required = process.env.CI === 'true' || process.env.COFFER_REQUIRE_NATIVE === '1';

/** No addon (node:crypto will be used); an error where the build requires it, unless turned off on purpose. */
function skip(reason: string, mayBeRequired = true): never {
  rmSync(target, { force: true });
  const line = `@coffer/protocol: native AES-GCM not built (${reason}); node:crypto will be used`;
  if (required && mayBeRequired) {
    console.error(`${line}. This build requires it (CI=true or COFFER_REQUIRE_NATIVE=1).`);
    process.exit(1);
  }
  console.warn(line);
  process.exit(0);
}

if (process.env.COFFER_NATIVE_CRYPTO === '0') skip('COFFER_NATIVE_CRYPTO=0', false);

/** Headers of the Node that runs this build: they match the OpenSSL it exports. */
function nodeHeaders(): string | undefined {
  const candidates = [
    join(dirname(process.execPath), '..', 'include', 'node'),
    process.env.npm_config_nodedir ? join(process.env.npm_config_nodedir, 'include', 'node') : '',
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find(
    (dir) =>
      dir && existsSync(join(dir, 'node_api.h')) && existsSync(join(dir, 'openssl', 'evp.h')),
  );
}

const headers = nodeHeaders();
if (!headers) skip(`no Node headers with OpenSSL found for ${process.execPath}`);

const compiler = process.env.CC ?? 'cc';
mkdirSync(dirname(target), { recursive: true });
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
      // Node-API and OpenSSL symbols come from the node process that loads it.
      '-fvisibility=hidden',
      '-D_FORTIFY_SOURCE=2',
      '-fstack-protector-strong',
      '-I',
      headers,
      '-o',
      target,
      source,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  skip(code === 'ENOENT' ? `no C compiler (${compiler})` : `${compiler} failed`);
}
