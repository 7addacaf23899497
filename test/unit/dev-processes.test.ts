import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reclaimLeftovers, runningStart, type StartRecord } from '../../devkit/dev-processes';
import { portTaken } from '../../devkit/ports';
import { commandOf } from '../../devkit/processes';
import { freePort } from '../../devkit/free-port';

/**
 * The next `npm start` stops the servers a killed one left running, by the record it kept: only a PID that still runs
 * the recorded command (PIDs are reused), and nothing of a start that still runs.
 */
const children: ChildProcess[] = [];
let dataDir = '';

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(dataDir, { force: true, recursive: true });
});

/** A stand-in for a server: a process listening on `port` until signalled. */
async function server(port: number): Promise<ChildProcess & { pid: number }> {
  const script = "require('net').createServer().listen(+process.argv[1], '127.0.0.1', () => console.log('listening'))";
  const child = spawn(process.execPath, ['-e', script, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await once(child.stdout, 'data');
  return child as ChildProcess & { pid: number };
}

function record(start: StartRecord): void {
  dataDir = mkdtempSync(join(tmpdir(), 'dev-processes-'));
  writeFileSync(join(dataDir, 'dev-processes.json'), JSON.stringify(start));
}

describe('the record of what npm start started', () => {
  it('lets the next start stop a server the dead start left running, and nothing that merely has its PID now', async () => {
    const port = await freePort();
    const left = await server(port);
    const reused = await server(await freePort());
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    record({
      pid: ended,
      command: 'node devkit/dev.ts',
      processes: [
        { what: 'the server', pid: left.pid, command: commandOf(left.pid) ?? '', ports: [port], stopSignals: ['SIGTERM'] },
        { what: 'the database', pid: reused.pid, command: 'postgres -D .data/postgres -p 54329', ports: [], stopSignals: ['SIGTERM'] },
      ],
    });

    const exited = once(left, 'exit');
    const said: string[] = [];
    await reclaimLeftovers(dataDir, (line) => said.push(line));

    expect(said).toEqual([`Stopped the server (pid ${left.pid}) left running by an earlier start that ended without stopping it.`]);
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(await portTaken(port, '127.0.0.1')).toBe(false);
    expect(commandOf(reused.pid)).not.toBeNull();
    expect(existsSync(join(dataDir, 'dev-processes.json'))).toBe(false);
  });

  it('leaves a start that still runs, and its servers, alone', async () => {
    const port = await freePort();
    const running = await server(port);
    const start: StartRecord = {
      pid: process.pid,
      command: commandOf(process.pid) ?? '',
      processes: [{ what: 'the server', pid: running.pid, command: commandOf(running.pid) ?? '', ports: [port], stopSignals: ['SIGTERM'] }],
    };
    record(start);

    const said: string[] = [];
    await reclaimLeftovers(dataDir, (line) => said.push(line));

    expect(said).toEqual([]);
    expect(await portTaken(port, '127.0.0.1')).toBe(true);
    expect(runningStart(dataDir)).toEqual(start);
  });
});
