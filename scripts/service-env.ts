import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { runningStart } from '../devkit/dev-processes';
import { projectRoot } from '../devkit/python-tools';
import { connectionFailure } from './connection-failure';

/**
 * The environment a command run beside the service uses: its own variables, and for what they leave unset, the
 * settings of the `npm start` running in this project (its database, Temporal, embedding server), if one runs.
 */
export function serviceEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const start = runningStart(env.DEV_DATA_DIR ?? join(projectRoot, '.data'));
  const merged: NodeJS.ProcessEnv = { ...(start?.settings ?? {}) };
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') merged[key] = value;
  return merged;
}

/** Says `message` and ends the command with `code`. */
export function stop(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

/** A command that could not reach the database or Temporal ends saying so; any other error is left to surface. */
export function stopIfUnreachable(error: unknown): void {
  const reason = connectionFailure(error);
  if (reason) stop(`Cannot reach the database or Temporal (${reason}): start the service (npm start), or set DATABASE_URL and TEMPORAL_ADDRESS.`);
}

/** The service's configuration for a command (see `serviceEnv`); a bad setting ends it, in words. */
export function serviceConfig(): Config {
  try {
    return loadConfig(serviceEnv());
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message);
    throw error;
  }
}
