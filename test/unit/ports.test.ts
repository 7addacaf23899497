import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { portConflicts } from '../../devkit/ports';
import { freePort } from '../support/ports';

describe('npm start beside a running one', () => {
  it('names every taken port and how to start beside what holds it', async () => {
    const busy = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => busy.listen(port, '127.0.0.1', resolve));
    try {
      const free = await freePort();
      const message = await portConflicts([
        { port, host: '127.0.0.1', what: 'the API', instead: `PORT=${port + 1}` },
        { port: free, host: '127.0.0.1', what: 'the Temporal dev server', instead: 'TEMPORAL_ADDRESS=127.0.0.1:7233' },
      ]);
      expect(message).toBe(
        [
          `Cannot start: port ${port} (the API) is already in use.`,
          'Another `npm start` is probably running: stop it (Ctrl-C in its terminal), or start this one beside it,',
          'sharing what already runs:',
          `  PORT=${port + 1} npm start`,
        ].join('\n'),
      );
      expect(await portConflicts([{ port: free, host: '127.0.0.1', what: 'the API' }])).toBeNull();
    } finally {
      busy.close();
    }
  });
});
