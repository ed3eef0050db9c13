// Every type a public signature names must itself be public: an app that
// writes its own opener, transport or request (ClientOptions lets it) has to
// name them, and a library that re-exports a client needs them in its own
// declarations (TS2742 otherwise). The d.ts bundler warned about these.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = (f: string) => fileURLToPath(new URL(`../src/${f}`, import.meta.url));
const ENTRIES = ['index.ts', 'node.ts', 'store/sqlite-store.ts', 'store/indexeddb-store.ts'];
const ROOT = fileURLToPath(new URL('../src/', import.meta.url));

function program() {
  const config = ts.readConfigFile(
    fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    ts.sys.readFile,
  );
  const parsed = ts.parseJsonConfigFileContent(
    config.config,
    ts.sys,
    fileURLToPath(new URL('..', import.meta.url)),
  );
  return ts.createProgram(ENTRIES.map(src), parsed.options);
}

describe('public types', () => {
  it('names in public signatures are exported from an entry', () => {
    const p = program();
    const checker = p.getTypeChecker();
    const exported = new Set<string>();
    const roots: ts.Symbol[] = [];
    for (const entry of ENTRIES) {
      const file = p.getSourceFile(src(entry));
      const module = file && checker.getSymbolAtLocation(file);
      for (const s of module ? checker.getExportsOfModule(module) : []) {
        exported.add(s.name);
        roots.push(s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
      }
    }
    const missing = new Set<string>();
    const seen = new Set<ts.Symbol>();
    // Type names used in the declarations of public symbols (their members,
    // parameters and results), declared in this package's sources.
    const visit = (node: ts.Node) => {
      if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
        const target = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
        let s = checker.getSymbolAtLocation(target);
        if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
        const decl = s?.declarations?.[0];
        if (s && decl?.getSourceFile().fileName.startsWith(ROOT)) {
          if (!exported.has(s.name) && !(s.flags & ts.SymbolFlags.TypeParameter)) {
            missing.add(`${s.name} (${decl.getSourceFile().fileName.slice(ROOT.length)})`);
          }
          walk(s);
        }
      }
      // Bodies are not signatures; the SDK builds its API objects itself, so
      // their constructors are not for apps.
      if (ts.isBlock(node) || ts.isConstructorDeclaration(node)) return;
      if (
        (ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node)) &&
        (node.name.kind === ts.SyntaxKind.PrivateIdentifier ||
          ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Private)
      ) {
        return;
      }
      ts.forEachChild(node, visit);
    };
    const walk = (s: ts.Symbol) => {
      if (seen.has(s)) return;
      seen.add(s);
      for (const d of s.declarations ?? []) {
        if (d.getSourceFile().fileName.startsWith(ROOT)) ts.forEachChild(d, visit);
      }
    };
    for (const r of roots) walk(r);
    expect([...missing].sort()).toEqual([]);
  });
});
