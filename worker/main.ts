import { loadConfig, ConfigError } from '../config';
import { createLogger } from '../config/logger';
import { startService } from './service';

/**
 * Production entry: API + worker against the Postgres and Temporal named in the environment.
 * `--api-only` / `--worker-only` run one half, to scale them separately.
 */
const args = new Set(process.argv.slice(2));
const roles = { api: !args.has('--worker-only'), worker: !args.has('--api-only') };

let config;
try {
  config = loadConfig(process.env, { requireProduction: true });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const { DATABASE_URL, TEMPORAL_ADDRESS } = config;
if (!DATABASE_URL || !TEMPORAL_ADDRESS) throw new Error('unreachable: production config requires both');
const log = createLogger(config.LOG_LEVEL);
const service = await startService({ ...config, DATABASE_URL, TEMPORAL_ADDRESS }, log, { roles });
log.info('serving', { api: service.apiUrl, worker: roles.worker, temporal: TEMPORAL_ADDRESS, taskQueue: config.TEMPORAL_TASK_QUEUE });

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
