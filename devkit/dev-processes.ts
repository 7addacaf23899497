import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { portTaken } from './ports';
import { commandOf, runs } from './processes';

/** A server `npm start` ran outside its own process, as it recorded it. */
export interface OwnedProcess {
  /** As the start names it: 'the local PostgreSQL'. */
  what: string;
  pid: number;
  /** Its command line when started: a PID that runs anything else now was reused, and is not ours to stop. */
  command: string;
  ports: number[];
  /** Sent in turn while it runs, the first one stopping it cleanly. */
  stopSignals: NodeJS.Signals[];
}

/** One `npm start`: its own process and the servers it started, which outlive it when it is killed. */
export interface StartRecord {
  pid: number;
  command: string;
  processes: OwnedProcess[];
  /**
   * The settings the start gave its service (where its database, Temporal and embedding server are), so commands
   * run beside it (`npm run kb`) reach the same ones without being told.
   */
  settings?: Record<string, string>;
}

const recordFile = (dataDir: string) => join(dataDir, 'dev-processes.json');
const stopWaitMs = 15_000;

function readRecord(dataDir: string): StartRecord | null {
  try {
    return JSON.parse(readFileSync(recordFile(dataDir), 'utf8')) as StartRecord;
  } catch {
    return null;
  }
}

/** The start recorded in `dataDir` while it still runs: what it started holds this folder's ports and data. */
export function runningStart(dataDir: string): StartRecord | null {
  const record = readRecord(dataDir);
  return record && runs(record) ? record : null;
}

/**
 * Stops the servers an earlier start in `dataDir` left running when it ended without stopping them (kill -9, a
 * crash), so that this start can take their ports and data; says so in a line each. Resolves once their ports are
 * free. A start that still runs keeps its servers.
 */
export async function reclaimLeftovers(dataDir: string, say: (line: string) => void): Promise<void> {
  const earlier = readRecord(dataDir);
  if (!earlier || runs(earlier)) return;
  // In the reverse of their start order, as the start itself stops them.
  for (const leftover of earlier.processes.filter(runs).reverse()) {
    await stop(leftover);
    say(`Stopped ${leftover.what} (pid ${leftover.pid}) left running by an earlier start that ended without stopping it.`);
  }
  rmSync(recordFile(dataDir), { force: true });
}

async function stop(leftover: OwnedProcess): Promise<void> {
  for (const signal of leftover.stopSignals) {
    if (!runs(leftover)) break;
    try {
      process.kill(leftover.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') break;
      throw new Error(`Cannot stop ${leftover.what} (pid ${leftover.pid}) left running by an earlier start: ${String(error)}`);
    }
    await until(() => !runs(leftover));
  }
  if (runs(leftover)) {
    throw new Error(`${leftover.what} (pid ${leftover.pid}), left running by an earlier start, did not stop on ${leftover.stopSignals.join(' nor ')}.`);
  }
  // Its sockets close as it exits; should another process hold a port after that, the port check names it.
  await until(async () => (await Promise.all(leftover.ports.map((port) => portTaken(port, '127.0.0.1')))).every((taken) => !taken));
}

async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + stopWaitMs;
  while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/**
 * This start's record in `dataDir`, written again as each server starts, so that a start that dies at any point
 * leaves every server it started named for the next one.
 */
export class StartRecorder {
  // A process that is gone by the time it is recorded gets no command, which no running process matches.
  private readonly record: StartRecord = { pid: process.pid, command: commandOf(process.pid) ?? '', processes: [] };

  constructor(private readonly dataDir: string) {}

  add(started: Omit<OwnedProcess, 'command'>): void {
    this.record.processes.push({ ...started, command: commandOf(started.pid) ?? '' });
    this.write();
  }

  settings(settings: Record<string, string>): void {
    this.record.settings = settings;
    this.write();
  }

  private write(): void {
    mkdirSync(this.dataDir, { recursive: true });
    writeFileSync(recordFile(this.dataDir), `${JSON.stringify(this.record, null, 2)}\n`);
  }

  /** Once everything it started has stopped. A start that started nothing leaves another start's record alone. */
  clear(): void {
    if (this.record.processes.length > 0) rmSync(recordFile(this.dataDir), { force: true });
  }
}
