// Builds the optional native chunk AEAD (native/cobblestone-gcm.c) into
// dist/native/cobblestone-gcm.node (see tooling/build-native-addon.ts); without
// it the package uses node:crypto.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNativeAddon } from '../../../tooling/build-native-addon.ts';
import { NATIVE_GCM_FILE } from '../src/cobblestone/native-gcm.ts';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
buildNativeAddon({
  label: '@coffer/protocol: native AES-GCM',
  fallback: 'node:crypto',
  source: join(packageRoot, 'native', 'cobblestone-gcm.c'),
  target: join(packageRoot, NATIVE_GCM_FILE),
  openssl: true,
  disabledBy: process.env.COFFER_NATIVE_CRYPTO === '0' ? 'COFFER_NATIVE_CRYPTO=0' : undefined,
});
