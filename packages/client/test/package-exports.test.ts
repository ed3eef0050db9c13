// Every `@coffer/client/<subpath>` the README or the TSDoc tells an app to
// import (or to point a worker at) must be in the exports map, with its
// built files under `files`: an app installs the package, not this folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('package exports', () => {
  it('exports every subpath the README and the TSDoc name', () => {
    const texts = [join(root, 'README.md'), ...sources(join(root, 'src'))].map((f) =>
      readFileSync(f, 'utf8'),
    );
    const named = new Set(texts.flatMap((t) => [...t.matchAll(/@coffer\/client\/([a-z-]+)/g)]));
    const subpaths = [...named].map((m) => `./${m[1]}`);
    expect(subpaths).toContain('./open-worker');
    const exported = Object.keys(pkg.exports);
    expect(subpaths.filter((s) => !exported.includes(s))).toEqual([]);
  });

  it('points types and code into dist (the only folder published) and source at real files', () => {
    expect(pkg.files).toEqual(['dist']);
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect(target.types, subpath).toMatch(/^\.\/dist\/.+\.d\.ts$/);
      expect(target.default, subpath).toMatch(/^\.\/dist\/.+\.js$/);
      expect(statSync(join(root, target['@coffer/source'])).isFile(), subpath).toBe(true);
    }
  });

  it('keeps the worker modules from being dropped as side-effect free', () => {
    // A worker module is all side effect (it sets onmessage); with the
    // package marked side-effect free, a bundler emptied an app's worker that
    // imports '@coffer/client/kdf-worker', and every login waited for ever.
    const workers = sources(join(root, 'src'))
      .filter((f) => /-worker\.ts$/.test(f))
      .map((f) => f.slice(root.length));
    expect(workers.length).toBeGreaterThanOrEqual(3);
    const marked = Array.isArray(pkg.sideEffects) ? pkg.sideEffects : [];
    for (const file of workers) {
      const name = file.replace(/^.*\//, '').replace(/\.ts$/, '.js');
      expect(marked, file).toContain(`./${file}`);
      expect(marked, file).toContain(`./dist/${name}`);
    }
  });
});
