// Builds the optional page-cache hint (native/page-cache.c) into
// dist/native/page-cache.node (see tooling/build-native-addon.ts); without it
// large outputs simply stay in the page cache.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNativeAddon } from '../../../tooling/build-native-addon.ts';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
buildNativeAddon({
  label: 'coffer-cli: page-cache hint',
  fallback: 'the page cache as is',
  source: join(packageRoot, 'native', 'page-cache.c'),
  target: join(packageRoot, 'dist', 'native', 'page-cache.node'),
  openssl: false,
});
