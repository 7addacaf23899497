import { inspect } from 'node:util';
import { DefaultLogger, Runtime, type LogEntry, type LogLevel as SdkLevel, type Logger as SdkLogger } from '@temporalio/worker';
import { createLogger, type LogLevel } from '../config/logger';

// The SDK's info level narrates bundling and worker state changes; it is shown from LOG_LEVEL=debug on.
const sdkLevels = { debug: 'INFO', info: 'WARN', warn: 'WARN', error: 'ERROR' } as const;
const ourLevels: Record<SdkLevel, LogLevel> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The Temporal SDK's logger, writing the service's own one-line JSON. The SDK logs every failed activity attempt with
 * the error inspected whole (a model call that failed four times filled ~170 lines with stacks and the provider's
 * response headers); here an error is its message and its causes' messages, and the full inspection (stack, causes,
 * properties) is added as `<field>Stack` at LOG_LEVEL=debug.
 */
export function sdkLogger(level: LogLevel): SdkLogger {
  const log = createLogger('debug');
  const withStacks = level === 'debug';
  return new DefaultLogger(sdkLevels[level], ({ level: at, message, meta = {} }: LogEntry) => {
    log[ourLevels[at]](message, fields(meta, withStacks));
  });
}

/** The Temporal SDK logs through LOG_LEVEL too. The runtime is process-wide and can be installed once. */
export function installSdkLogging(level: LogLevel): void {
  try {
    Runtime.install({ logger: sdkLogger(level) });
  } catch {
    // Already installed by an earlier service in this process.
  }
}

function fields(meta: Record<string, unknown>, withStacks: boolean): Record<string, unknown> {
  // The task token is an opaque key for completing the activity from elsewhere: nothing a reader can use.
  const { taskToken, ...rest } = meta;
  const out: Record<string, unknown> = withStacks ? { ...rest, taskToken } : rest;
  for (const [key, value] of Object.entries(rest)) {
    if (!(value instanceof Error)) continue;
    out[key] = oneLine(value);
    if (withStacks) out[`${key}Stack`] = inspect(value, { depth: 6 });
  }
  return out;
}

/** `message (cause: message; cause: message)`, down the error's cause chain. */
function oneLine(error: Error): string {
  const causes: string[] = [];
  for (let cause = error.cause; cause !== undefined && causes.length < 5; cause = cause instanceof Error ? cause.cause : undefined) {
    causes.push(cause instanceof Error ? cause.message : String(cause));
  }
  return causes.length > 0 ? `${error.message} (${causes.map((c) => `cause: ${c}`).join('; ')})` : error.message;
}
