import { loadConfig, ConfigError } from '../config';
import { createLogger } from '../config/logger';
import { startService } from './service';

/** Production entry: API + worker against the Postgres and Temporal named in the environment. */
let config;
try {
  config = loadConfig(process.env, { requireProduction: true });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const log = createLogger(config.LOG_LEVEL);
const service = await startService(
  { ...config, DATABASE_URL: config.DATABASE_URL!, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS! },
  log,
);
log.info('serving', { api: service.apiUrl, temporal: config.TEMPORAL_ADDRESS, taskQueue: config.TEMPORAL_TASK_QUEUE });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info('shutting down', { signal });
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  });
}
