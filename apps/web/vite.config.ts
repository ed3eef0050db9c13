import { defineConfig } from 'vite';

/**
 * Dev: `pnpm --filter coffer-web dev` serves the app and proxies `/v1` to a
 * local coffer-server over HTTPS (COFFER_DEV_SERVER, default
 * https://localhost:8443). `secure: false` accepts the dev server's
 * self-signed certificate, and only in this dev proxy.
 *
 * Build: plain files in dist/ for coffer-server to serve under a strict CSP,
 * so nothing is inlined (no inline scripts or styles, no data: fonts).
 */
const devServer = process.env.COFFER_DEV_SERVER ?? 'https://localhost:8443';

export default defineConfig({
  resolve: { conditions: ['@coffer/source', 'module', 'browser', 'development|production'] },
  oxc: { jsx: { runtime: 'automatic' } },
  server: {
    proxy: {
      '/v1': { target: devServer, changeOrigin: true, secure: false },
    },
  },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2023',
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
});
