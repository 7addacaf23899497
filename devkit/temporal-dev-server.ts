import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeTypes } from '../workflows/definitions';

export interface DevServer {
  address: string;
  pid: number;
  uiUrl: string | null;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  cliPath: string;
  port: number;
  /** null runs headless (no Web UI), as tests do. */
  uiPort: number | null;
  /** SQLite file that keeps history across restarts; null keeps everything in memory. */
  dbFile: string | null;
  namespace?: string;
  /**
   * Where the server writes what it has to say (else a pipe to this process). A server that should outlive this
   * process, if it is killed, needs a file: writing to the pipe of a process that is gone ends the server.
   */
  logFile?: string;
}

/** Starts `temporal server start-dev` with the search attributes the conversation workflow upserts. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'error'];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const [name, type] of Object.entries(searchAttributeTypes)) args.push('--search-attribute', `${name}=${type}`);

  const log = options.logFile ? openSync(options.logFile, 'a') : 'pipe';
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'ignore', log] });
  if (typeof log === 'number') closeSync(log);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const said = () => (options.logFile ? readFileSync(options.logFile, 'utf8').slice(-4000) : stderr);
  const address = `127.0.0.1:${options.port}`;
  await waitUntilServing(address, options.namespace ?? 'default', child, said);
  // A history file from an earlier version lacks attributes added since: the flags apply to new files only.
  const connection = await Connection.connect({ address });
  try {
    await ensureSearchAttributes(connection, options.namespace ?? 'default');
  } finally {
    await connection.close();
  }
  return {
    address,
    pid: child.pid ?? 0,
    uiUrl: options.uiPort === null ? null : `http://localhost:${options.uiPort}`,
    stop: () => stopChild(child),
  };
}

/** temporal.api.enums.v1.IndexedValueType of each search attribute type the conversation uses. */
export const indexedValueTypes = { Keyword: 2, Bool: 5, KeywordList: 7 } as const;

/** Registers the conversation's search attributes that the namespace lacks. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  // The time-skipping test server does not list them; it starts with none.
  const customAttributes = await connection.operatorService.listSearchAttributes({ namespace }).then(
    (listed) => listed.customAttributes,
    () => ({}),
  );
  const missing = Object.entries(searchAttributeTypes).filter(([name]) => !(name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, indexedValueTypes[type]])),
  });
}

/** Until the frontend answers and the namespace is registered: the first moments after start, it may not be yet. */
async function waitUntilServing(address: string, namespace: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited (${child.exitCode}): ${stderr()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`temporal dev server not serving on ${address}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  // Ended already: by a signal (Ctrl-C reaches the terminal's whole process group), or on its own.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
