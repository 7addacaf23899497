import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { configKeys } from '../../config';
import { sandboxAccountSid, sandboxAuthToken } from '../../devkit/twilio-signing';
import { searchAttributeTypes } from '../../workflows/definitions';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Service {
  image?: string;
  environment?: Record<string, string>;
  command?: string[];
  ports?: string[];
  networks?: Record<string, { aliases?: string[] } | null>;
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };

/**
 * Compose's variable substitution, for the forms the file uses: `${X}`, `${X:-default}`, `${X:+text}` (text only
 * when X is set), `${X:?error}`, nested; empty counts as unset, as with the `:` forms.
 */
function interpolate(value: string, env: Record<string, string>): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$$', i)) {
      out += '$';
      i += 2;
    } else if (value.startsWith('${', i)) {
      let depth = 0;
      let end = i;
      for (; end < value.length; end += 1) {
        if (value.startsWith('${', end)) depth += 1;
        else if (value[end] === '}' && --depth === 0) break;
      }
      const [, name = '', op, rest = ''] = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+?]))?([\s\S]*)$/.exec(value.slice(i + 2, end)) ?? [];
      const set = Boolean(env[name]);
      if (op === '-') out += set ? env[name] : interpolate(rest, env);
      else if (op === '+') out += set ? interpolate(rest, env) : '';
      else if (op === '?' && !set) throw new Error(`required: ${name} (${rest})`);
      else out += env[name] ?? '';
      i = end + 1;
    } else {
      out += value[i];
      i += 1;
    }
  }
  return out;
}

/** A service's environment as compose would give it, with `env` as the shell's. */
function environmentOf(service: string, env: Record<string, string> = {}): Record<string, string> {
  const raw = compose.services[service]?.environment ?? {};
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, interpolate(String(value), env)]));
}
const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };

/** The commands the compose file's header offers to run inside the app's container. */
const execLines = [...read('docker-compose.yml').matchAll(/^# +(docker compose exec app npx tsx (\S+) (.+))$/gm)].map((m) => ({
  line: m[1] ?? '',
  script: m[2] ?? '',
  args: [...(m[3] ?? '').matchAll(/"([^"]*)"|(\S+)/g)].map((a) => a[1] ?? a[2] ?? ''),
}));

/**
 * What the image runs: the app (its workflows are bundled at start), its migrations, the Twilio sandbox, and the
 * scripts the compose file's header runs in it.
 */
const imageEntries = ['worker/main.ts', 'workflows/index.ts', 'db/migrate-cli.ts', 'devkit/sandbox-main.ts', ...execLines.map((e) => e.script)];

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

  it('runs a PostgreSQL with pgvector, which the knowledge base needs', () => {
    expect(compose.services.postgres?.image).toMatch(/^pgvector\/pgvector:[\d.]+-pg\d+$/);
  });

  it('gives the app only settings the config knows, including every production key', () => {
    const names = Object.keys(compose.services.app?.environment ?? {});
    expect(names.filter((name) => !(configKeys as string[]).includes(name))).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining(['PUBLIC_BASE_URL', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']),
    );
  });

  it('starts without a Twilio account: the app sends through the sandbox, with its account and token', () => {
    const app = environmentOf('app');
    const sandbox = environmentOf('twilio-sandbox');
    expect(app).toMatchObject({ TWILIO_ACCOUNT_SID: sandboxAccountSid, TWILIO_AUTH_TOKEN: sandboxAuthToken });
    expect(sandbox.TWILIO_AUTH_TOKEN).toBe(sandboxAuthToken);
    // The app's URL names the sandbox on the compose network, at the port it listens on.
    const sandboxAt = new URL(app.TWILIO_API_BASE_URL ?? '');
    expect(compose.services['twilio-sandbox']?.networks?.default?.aliases).toContain(sandboxAt.hostname);
    expect(sandboxAt.port || '80').toBe(sandbox.PORT);
    expect(sandbox.HOST).toBe('0.0.0.0');
    expect(compose.services['twilio-sandbox']?.command?.join(' ')).toContain('devkit/sandbox-main.ts');
  });

  it("posts the sandbox's delivery callbacks to the app inside compose, however PUBLIC_BASE_URL reads", () => {
    const callbacks = new URL(environmentOf('twilio-sandbox').CALLBACK_BASE_URL ?? '');
    expect(callbacks.hostname).toBe('app');
    expect(callbacks.port).toBe(environmentOf('app').PORT);
  });

  it('uses a Twilio account when one is set, at Twilio unless told otherwise', () => {
    const account = { TWILIO_ACCOUNT_SID: `AC${'f'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'real-token' };
    expect(environmentOf('app', account)).toMatchObject({ ...account, TWILIO_API_BASE_URL: 'https://api.twilio.com' });
    const proxied = { ...account, TWILIO_API_BASE_URL: 'https://twilio-proxy.example.test' };
    expect(environmentOf('app', proxied)).toMatchObject(proxied);
  });

  // Temporal's frontend and UI, and the sandbox, have no authentication: only the app may be reached from elsewhere.
  it("publishes every port but the app's on this machine's loopback only", () => {
    const published = Object.entries(compose.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => ({ name, port })));
    expect(published.map((p) => p.name)).toEqual(expect.arrayContaining(['temporal', 'temporal-ui', 'twilio-sandbox']));
    expect(published.filter((p) => p.name !== 'app' && !p.port.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('says how to create the first agent, here and in the README, with a line that does it', async () => {
    const agentLine = execLines.find((e) => e.script === 'scripts/create-agent.ts');
    expect(agentLine?.args).toEqual(['--name', expect.any(String)]);
    if (!agentLine) return;
    expect(read('README.md')).toContain(agentLine.line);

    // Inside the container DATABASE_URL is the app's; here, the test database.
    const run = spawnSync(process.execPath, ['--import', 'tsx', agentLine.script, ...agentLine.args], {
      cwd: new URL('.', root),
      env: { ...process.env, DATABASE_URL: inject('databaseUrl') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const id = /\(([0-9a-f-]{36})\) of tenant default/.exec(run.stdout)?.[1];
    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      if (id) await db.query('delete from agents where id = $1', [id]);
    } finally {
      await db.end();
    }
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^token: \S+$/m);
    expect(id).toBeDefined();
  });

  it('registers every search attribute the workflow upserts, with its type', () => {
    const command = compose.services['temporal-search-attributes']?.command?.join(' ') ?? '';
    const listed = /for attribute in ([^;]+);/.exec(command)?.[1]?.trim().split(/\s+/) ?? [];
    expect(listed.sort()).toEqual(Object.entries(searchAttributeTypes).map(([name, type]) => `${name}:${type}`).sort());
  });
});

describe('the image', () => {
  it('has every package its programs load', () => {
    const loaded = [...packagesLoadedBy(imageEntries)];
    expect(loaded.length).toBeGreaterThan(5);
    expect(loaded.filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });
});
