import { createServer } from 'node:net';
import type { StartRecord } from './dev-processes';
import { commandOf, listenerOf } from './processes';

/** Whether something already listens on `port` (tried the way the service will bind it). */
export function portTaken(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

export interface PlannedPort {
  port: number;
  host: string;
  /** What would listen there. */
  what: string;
  /** The setting that lets a second start use (or avoid) whatever holds the port, e.g. `PORT=3001`. */
  instead?: string;
}

/**
 * The first problem with the planned ports, as one readable paragraph, or null when all are free. `running` is the
 * `npm start` of this folder that still runs, if one does: the ports it holds are its own, and Ctrl-C in its terminal
 * frees them; any other process holding one is named, since nobody may know which terminal it runs in, if any.
 */
export async function portConflicts(planned: PlannedPort[], running: StartRecord | null = null): Promise<string | null> {
  const taken: PlannedPort[] = [];
  for (const entry of planned) if (await portTaken(entry.port, entry.host)) taken.push(entry);
  if (taken.length === 0) return null;
  const held = taken.map((entry) => ({ ...entry, pid: listenerOf(entry.port) }));
  const ours = (pid: number | null) => running !== null && (pid === running.pid || running.processes.some((p) => p.pid === pid));
  const them = taken.length === 1 ? 'it' : 'them';
  const inUse = `Cannot start: ${taken.map((t) => `port ${t.port} (${t.what})`).join(', ')} ${taken.length === 1 ? 'is' : 'are'} already in use`;
  const beside = `  ${taken.map((t) => t.instead).filter(Boolean).join(' ')} npm start`;
  if (running && held.every((h) => ours(h.pid))) {
    return [
      `${inUse}.`,
      `Another \`npm start\` of this folder is running (pid ${running.pid}): stop it (Ctrl-C in its terminal, or kill ${running.pid}),`,
      'or start this one beside it, sharing what already runs:',
      beside,
    ].join('\n');
  }
  return [
    `${inUse}:`,
    ...held.map((h) => `  port ${h.port}: ${holder(h.pid, ours(h.pid) ? running : null)}`),
    `Stop ${them}, or start this one beside ${them}, sharing what already runs:`,
    beside,
  ].join('\n');
}

/** Who listens on a port, in a line: its pid and command, shortened (a dev server's runs to hundreds of characters). */
function holder(pid: number | null, start: StartRecord | null): string {
  if (pid === null) return 'held by a process this user cannot see';
  const command = commandOf(pid) ?? 'ended since';
  const line = `pid ${pid}, ${command.length > 160 ? `${command.slice(0, 159)}…` : command}`;
  if (!start) return line;
  if (start.pid === pid) return `${line} (the \`npm start\` of this folder)`;
  return `${line} (started by the \`npm start\` of this folder, pid ${start.pid})`;
}
