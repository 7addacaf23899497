import { Client, Connection } from '@temporalio/client';
import { startFakeOpenAI, type FakeOpenAI } from '../test/fakes/openai';
import { startFakeTwilio, type FakeTwilio } from '../test/fakes/twilio';
import { freePort } from '../devkit/free-port';
import { createScratchDatabase } from '../test/support/scratch-database';
import { startDevServer, type DevServer } from '../devkit/temporal-dev-server';
import { temporalCliPath } from '../devkit/python-tools';
import { startThrowawayPostgres } from '../devkit/local-postgres';
import { startTsProcess, type ChildService, type ProcessOptions } from './processes';

export interface Product {
  apiUrl: string;
  api: ChildService;
  worker: ChildService;
  stop(): Promise<void>;
}

export interface BenchEnv {
  temporal: DevServer;
  client: Client;
  databaseUrl: string;
  twilio: FakeTwilio;
  openai: FakeOpenAI;
  /** Starts the service as production runs it: an API process and a worker process, with `settings` on top. */
  startProduct(settings: Record<string, string>): Promise<Product>;
  /**
   * How to start a process of `role`: with a CPU profile when profiling is on (`--profile`), and workers (the
   * product's and the floors') at lower CPU priority with `--nice-workers`.
   */
  processOptions(role: string): ProcessOptions;
  stop(): Promise<void>;
}

/**
 * A real Temporal dev server, a fresh database on the local PostgreSQL, and the Twilio and OpenAI fakes. With
 * `profileDir`, the API and worker processes write V8 CPU profiles there when they stop.
 */
export async function startBenchEnv(options: { profileDir?: string; workerNiceness?: number } = {}): Promise<BenchEnv> {
  const local = process.env.BENCH_DATABASE_URL ? null : await startThrowawayPostgres('conversations-bench');
  const database = await createScratchDatabase(process.env.BENCH_DATABASE_URL ?? local?.adminUrl ?? '', `conversations_bench_${process.pid}`);
  const databaseUrl = database.url;

  const temporal = await startDevServer({ cliPath: temporalCliPath(), port: await freePort(), uiPort: null, dbFile: null });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const twilio = await startFakeTwilio();
  const openai = await startFakeOpenAI();
  let queues = 0;
  const processOptions = (role: string): ProcessOptions => ({
    nodeArgs: options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}/${role}`] : [],
    niceness: role.endsWith('worker') ? options.workerNiceness : undefined,
  });

  return {
    processOptions,
    temporal,
    client,
    databaseUrl,
    twilio,
    openai,
    async startProduct(settings) {
      const port = await freePort();
      const env = {
        PORT: String(port),
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: `bench-${process.pid}-${(queues += 1)}`,
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_API_BASE_URL: twilio.url,
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.baseURL,
        LOG_LEVEL: 'warn',
        ...settings,
      };
      const ready = '"message":"serving"';
      const [api, worker] = await Promise.all([
        startTsProcess('worker/main.ts', ['--api-only'], { ...env, LOG_LEVEL: 'info' }, ready, processOptions('api')),
        startTsProcess('worker/main.ts', ['--worker-only'], { ...env, LOG_LEVEL: 'info' }, ready, processOptions('worker')),
      ]);
      return {
        apiUrl: env.PUBLIC_BASE_URL,
        api,
        worker,
        async stop() {
          await Promise.all([api.stop(), worker.stop()]);
        },
      };
    },
    async stop() {
      await connection.close();
      await temporal.stop();
      await twilio.close();
      await openai.close();
      await database.drop();
      await local?.stop();
    },
  };
}
