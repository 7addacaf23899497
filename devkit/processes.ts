import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * What the OS says about other processes, read the way each OS allows without extra packages: `/proc` on Linux
 * (slim images have no `ps`, `lsof` or `ss`), `ps` and `lsof` elsewhere (macOS ships both).
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

/** The process listening on TCP `port`, or null when none is or it belongs to a user this one cannot see. */
export function listenerOf(port: number): number | null {
  if (!linux) {
    const pids = run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-t']);
    return pids ? Number(pids.split('\n')[0]) : null;
  }
  const inodes = new Set(['tcp', 'tcp6'].flatMap((table) => listeningInodes(`/proc/net/${table}`, port)));
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or another user's
    }
    for (const fd of fds) {
      try {
        if (inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`))?.[1] ?? '')) return Number(entry);
      } catch {
        // closed while listed
      }
    }
  }
  return null;
}

/** Socket inodes in a `/proc/net/tcp`-style table that listen on `port` (state 0A), on any address. */
function listeningInodes(table: string, port: number): string[] {
  let rows: string[];
  try {
    rows = readFileSync(table, 'utf8').trim().split('\n').slice(1);
  } catch {
    return []; // no IPv6
  }
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter((columns) => columns[3] === '0A' && parseInt(columns[1]?.split(':')[1] ?? '', 16) === port)
    .map((columns) => columns[9] ?? '');
}

function run(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null; // nothing matched, or the tool is missing
  }
}
