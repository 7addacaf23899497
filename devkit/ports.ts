import { createServer } from 'node:net';

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

/** The first problem with the planned ports, as one readable paragraph, or null when all are free. */
export async function portConflicts(planned: PlannedPort[]): Promise<string | null> {
  const taken: PlannedPort[] = [];
  for (const entry of planned) if (await portTaken(entry.port, entry.host)) taken.push(entry);
  if (taken.length === 0) return null;
  return [
    `Cannot start: ${taken.map((t) => `port ${t.port} (${t.what})`).join(', ')} ${taken.length === 1 ? 'is' : 'are'} already in use.`,
    'Another `npm start` is probably running: stop it (Ctrl-C in its terminal), or start this one beside it,',
    'sharing what already runs:',
    `  ${taken.map((t) => t.instead).filter(Boolean).join(' ')} npm start`,
  ].join('\n');
}
