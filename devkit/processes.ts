import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What the OS says about other processes, read the way each OS allows without extra packages: `/proc` on Linux
 * (slim images have no `ps`), `ps` elsewhere.
 */
const linux = process.platform === 'linux';

/** The command line `pid` runs, or null when no process runs there (a zombie has none). */
export function commandOf(pid: number): string | null {
  if (linux) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ') || null;
    } catch {
      return null;
    }
  }
  return run('ps', ['-p', String(pid), '-o', 'args=']);
}

/** Whether `pid` still runs `command`: a PID that now runs anything else was reused, and is someone else's. */
export function runs(recorded: { pid: number; command: string }): boolean {
  return commandOf(recorded.pid) === recorded.command;
}

function run(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null; // no such process
  }
}
