import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configKeys } from '../../config';
import type { StartRecord } from '../../devkit/dev-processes';
import { portTaken } from '../../devkit/ports';
import { runs } from '../../devkit/processes';
import { projectRoot } from '../../devkit/python-tools';
import { waitFor } from '../support/wait';

/**
 * `npm start` for real (its entry, devkit/dev.ts), beside a developer's own: its own data folder and ports. Killed
 * with kill -9, it leaves its PostgreSQL and Temporal dev server running, as separate processes do; the next start
 * stops them, says so, and comes up on the same data; a clean stop leaves nothing of either start running.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'dev-start-'));
// Run as root, the local PostgreSQL runs as the `postgres` user, which must reach its folder inside this one.
chmodSync(dataDir, 0o755);
const recordFile = join(dataDir, 'dev-processes.json');
const starts: ChildProcess[] = [];

afterAll(() => {
  // Each start is its own process group; the servers it started run in groups of their own (so they outlive a
  // killed start) and are named in its record: whatever a failure left, this ends.
  const left = existsSync(recordFile) ? (JSON.parse(readFileSync(recordFile, 'utf8')) as StartRecord).processes.filter(runs) : [];
  for (const pid of [...starts.map((s) => -(s.pid ?? 0)), ...left.map((p) => p.pid)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // that group has ended
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** An offset that puts every port `npm start` listens on (API, sandbox, Temporal, its UI, embeddings, PostgreSQL) on a free one. */
async function freeOffset(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const offset = 1000 + Math.floor(Math.random() * 10_000);
    const taken = await Promise.all([3000, 3099, 7233, 7433, 8233, 54329].map((port) => portTaken(port + offset, '0.0.0.0')));
    if (!taken.includes(true)) return offset;
  }
  throw new Error('no free set of ports for npm start');
}

interface Start {
  child: ChildProcess & { pid: number };
  output(): string;
  exited: Promise<number | null>;
}

function start(offset: number): Start {
  // What the developer's shell configures (a database, Twilio, a model) is not for this copy; the Temporal CLI is.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key === 'TEMPORAL_CLI' || !(configKeys as string[]).includes(key)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'devkit/dev.ts'], {
    cwd: projectRoot,
    env: { ...env, DEV_DATA_DIR: dataDir, DEV_PORT_OFFSET: String(offset), LOG_LEVEL: 'warn' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  starts.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child: child as Start['child'], output: () => output, exited };
}

/** Until it prints how to stop it, the last of its ready lines; it failing to start fails the test with its output. */
async function ready(start: Start): Promise<void> {
  await waitFor(
    () => {
      if (start.child.exitCode !== null) throw new Error(`npm start exited (${start.child.exitCode}) before it was ready:\n${start.output()}`);
      return start.output().includes('Stop:    Ctrl-C') ? true : undefined;
    },
    180_000,
    'npm start to be ready',
  );
}

function record(): StartRecord {
  return JSON.parse(readFileSync(recordFile, 'utf8')) as StartRecord;
}

function demoToken(output: string): string | undefined {
  return /demo agent token: (\S+)/.exec(output)?.[1];
}

describe('npm start after one killed with kill -9', () => {
  it('stops what the killed start left running, comes up on the same data, and leaves nothing running once stopped', async () => {
    const offset = await freeOffset();
    const first = start(offset);
    await ready(first);
    const earlier = record();
    expect(earlier.pid).toBe(first.child.pid);
    expect(earlier.processes.map((p) => p.what)).toEqual(['the local PostgreSQL', 'the Temporal dev server', 'the offline embedding server']);

    process.kill(first.child.pid, 'SIGKILL'); // its own process only, as `kill -9 <pid>` does
    await first.exited;
    expect(earlier.processes.filter(runs).map((p) => p.what)).toEqual(['the local PostgreSQL', 'the Temporal dev server', 'the offline embedding server']);

    const second = start(offset);
    await ready(second);
    for (const leftover of earlier.processes) {
      expect(second.output()).toContain(`Stopped ${leftover.what} (pid ${leftover.pid}) left running by an earlier start that ended without stopping it.`);
    }
    expect(earlier.processes.filter(runs)).toEqual([]);
    // The demo agent, read back from the reclaimed PostgreSQL's data.
    expect(demoToken(second.output())).toBe(demoToken(first.output()));

    const later = record();
    expect(later.pid).toBe(second.child.pid);
    process.kill(second.child.pid, 'SIGINT');
    expect(await second.exited).toBe(0);
    expect([earlier, later].flatMap((r) => [r, ...r.processes]).filter(runs)).toEqual([]);
    expect(existsSync(recordFile)).toBe(false);
  }, 420_000);
});
