import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { portConflicts } from '../../devkit/ports';
import { commandOf } from '../../devkit/processes';
import { freePort } from '../../devkit/free-port';

const holders: ChildProcess[] = [];

afterEach(() => {
  for (const holder of holders.splice(0)) holder.kill('SIGKILL');
});

/** Another process listening on `port`, as a foreign server or another `npm start` would. */
async function holdPort(port: number): Promise<number> {
  const script = "require('net').createServer().listen(+process.argv[1], '127.0.0.1', () => console.log('listening'))";
  const holder = spawn(process.execPath, ['-e', script, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  holders.push(holder);
  await once(holder.stdout, 'data');
  return holder.pid ?? 0;
}

describe('npm start beside a running one', () => {
  it('names the process holding each taken port, and how to start beside it', async () => {
    const port = await freePort();
    const pid = await holdPort(port);
    const free = await freePort();
    const message = await portConflicts([
      { port, host: '127.0.0.1', what: 'the API', instead: `PORT=${port + 1}` },
      { port: free, host: '127.0.0.1', what: 'the Temporal dev server', instead: 'TEMPORAL_ADDRESS=127.0.0.1:7233' },
    ]);
    expect(message?.split('\n')).toEqual([
      `Cannot start: port ${port} (the API) is already in use:`,
      expect.stringContaining(`  port ${port}: pid ${pid}, ${process.execPath} -e require('net')`),
      'Stop it, or start this one beside it, sharing what already runs:',
      `  PORT=${port + 1} npm start`,
    ]);
    expect(await portConflicts([{ port: free, host: '127.0.0.1', what: 'the API' }])).toBeNull();
  });

  it('says so when the npm start of the same folder holds them, stopped with Ctrl-C in its terminal', async () => {
    const port = await freePort();
    const pid = await holdPort(port);
    const running = { pid, command: commandOf(pid) ?? '', processes: [] };
    expect(await portConflicts([{ port, host: '127.0.0.1', what: 'the API', instead: `PORT=${port + 1}` }], running)).toBe(
      [
        `Cannot start: port ${port} (the API) is already in use.`,
        `Another \`npm start\` of this folder is running (pid ${pid}): stop it (Ctrl-C in its terminal, or kill ${pid}),`,
        'or start this one beside it, sharing what already runs:',
        `  PORT=${port + 1} npm start`,
      ].join('\n'),
    );
  });
});
