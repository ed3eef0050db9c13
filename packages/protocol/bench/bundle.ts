// Bundle a bench entry to one JavaScript file with esbuild (the bundler under
// tsup, a devDependency: reused rather than declared again).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface EsbuildLike {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
}

const esbuild = createRequire(fileURLToPath(import.meta.resolve('tsup')))('esbuild') as EsbuildLike;

/** The bundled JavaScript of `entry` (a file next to this one), workspace sources inlined. */
export async function bundle(entry: string, platform: 'browser' | 'node'): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform,
    target: platform === 'node' ? 'node22' : 'es2023',
    conditions: ['@coffer/source'],
  });
  return result.outputFiles[0]!.text;
}
