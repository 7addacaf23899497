import { readdirSync, readFileSync } from 'node:fs';
import { childrenOf } from './processes';

const ticksPerSecond = 100;

/** CPU time (user + system) a process and its children have used so far, in milliseconds, from `/proc`. */
export function cpuMs(pid: number): number {
  return [pid, ...childrenOf(pid)].reduce((total, id) => total + ownCpuMs(id), 0);
}

function ownCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** Every PostgreSQL server process on the machine (postmaster and backends): the database's whole share. */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += ownCpuMs(Number(entry));
    } catch {
      // Gone already.
    }
  }
  return total;
}

/** This process (the load generator and the Twilio and OpenAI fakes). */
export const selfCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/**
 * CPU milliseconds each named part spends while `work` runs, divided by `units` (turns, requests): where the
 * time of a scenario goes when every part shares the same cores.
 */
export async function cpuPerUnit(
  parts: Record<string, () => number>,
  units: number,
  work: () => Promise<void>,
): Promise<{ cpuMsPerUnit: Record<string, number>; wallMs: number }> {
  const before = Object.fromEntries(Object.entries(parts).map(([name, read]) => [name, read()]));
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const cpuMsPerUnit: Record<string, number> = {};
  for (const [name, read] of Object.entries(parts)) cpuMsPerUnit[name] = Math.round(((read() - (before[name] ?? 0)) / units) * 10) / 10;
  return { cpuMsPerUnit, wallMs };
}
