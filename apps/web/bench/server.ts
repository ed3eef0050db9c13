/** The built coffer-server on a temporary data dir and a free port, serving the built web app. */
import { startCofferServer, WEB_ROOT } from '@coffer/test-harness';

export interface BenchServer {
  url: string;
  /** What the SDK's `tls.pinSha256` takes. */
  certSha256: string;
  /** For Chromium's `--ignore-certificate-errors-spki-list`. */
  spkiSha256: string;
  stop(): Promise<void>;
}

export async function startServer(): Promise<BenchServer> {
  const server = await startCofferServer({ webRoot: WEB_ROOT, tempPrefix: 'coffer-web-bench-' });
  return {
    url: server.url,
    certSha256: server.certificate.fingerprint256,
    spkiSha256: server.certificate.spkiSha256,
    stop: () => server.dispose(),
  };
}
