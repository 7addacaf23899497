import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Which way imports point. Activities never take values from workflow code (shared rules live in domain/), nothing
 * imports in a circle, and the product never depends on its tests or its local dev kit.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const production = ['activities', 'api', 'config', 'db', 'domain', 'workflows', 'worker'];
const everything = [...production, 'devkit', 'scripts', 'test', 'bench'];

interface Edge {
  from: string;
  to: string;
  /** false when the import brings only types (erased at run time). */
  value: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = join(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (statSync(join(root, candidate)).isFile()) return candidate;
    } catch {
      // Try the next form.
    }
  }
  return null;
}

function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, false);
  const edges: Edge[] = [];
  for (const statement of source.statements) {
    let specifier: string | null = null;
    let value = true;
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      specifier = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      if (clause?.isTypeOnly) value = false;
      else if (clause && !clause.name && named && named.length > 0 && named.every((n) => n.isTypeOnly)) value = false;
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      specifier = statement.moduleSpecifier.text;
      const named = statement.exportClause && ts.isNamedExports(statement.exportClause) ? statement.exportClause.elements : null;
      value = !statement.isTypeOnly && !(named && named.length > 0 && named.every((n) => n.isTypeOnly));
    }
    const to = specifier ? resolveImport(file, specifier) : null;
    if (to) edges.push({ from: file, to, value });
  }
  return edges;
}

const files = everything.flatMap(sourceFiles);
const edges = files.flatMap(importsOf);
const folderOf = (file: string) => relative(root, join(root, file)).split(/[\\/]/)[0] ?? '';

describe('imports', () => {
  it('see every source file', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === join('api', 'app.ts') && e.to === join('api', 'errors.ts'))).toBe(true);
  });

  it('never take values from workflow code into activities', () => {
    const wrong = edges.filter((e) => e.value && folderOf(e.from) === 'activities' && folderOf(e.to) === 'workflows');
    expect(wrong).toEqual([]);
  });

  it('never reach the tests, the dev kit, scripts or benchmarks from the product', () => {
    const wrong = edges.filter((e) => production.includes(folderOf(e.from)) && !production.includes(folderOf(e.to)));
    expect(wrong).toEqual([]);
  });

  it('keep domain/ pure: it imports only itself', () => {
    const wrong = edges.filter((e) => folderOf(e.from) === 'domain' && folderOf(e.to) !== 'domain');
    expect(wrong).toEqual([]);
  });

  it('form no circle of run-time imports', () => {
    const next = new Map<string, string[]>();
    for (const edge of edges.filter((e) => e.value)) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const to of next.get(file) ?? []) visit(to, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
