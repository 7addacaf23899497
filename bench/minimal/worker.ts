import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';

// Worker for the floor workflow. Its second activity POSTs to SINK_URL, as the product's send reaches Twilio.
Runtime.install({ logger: new DefaultLogger('WARN') });
const sink = process.env.SINK_URL ?? '';
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '' });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'minimal',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities: {
    async first() {},
    async second(token: string) {
      await fetch(sink, { method: 'POST', body: token });
    },
  },
});
console.log('minimal worker ready');
await worker.run();
