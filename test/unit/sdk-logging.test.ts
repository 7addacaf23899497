import { MockActivityEnvironment } from '@temporalio/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sdkLogger } from '../../worker/sdk-logging';

/**
 * What a failed activity attempt puts in the service's log: the worker logs every attempt, and a model that is down
 * fails several in a row.
 */
afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs one failing attempt of `generateReply` with the SDK logging as the service sets it up; returns the lines. */
async function failedAttempt(level: 'info' | 'debug'): Promise<string[]> {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const environment = new MockActivityEnvironment({ activityType: 'generateReply', attempt: 3 }, { logger: sdkLogger(level) });
  const cause = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:443') });
  const failure = new OpenAI.APIConnectionError({ message: 'Connection error.', cause });
  await expect(environment.run(() => Promise.reject(failure))).rejects.toBe(failure);
  vi.restoreAllMocks();
  return written.join('').split('\n').filter(Boolean);
}

describe('a failed activity attempt in the log', () => {
  it('is one line: the activity, the attempt, the error and its causes, in words', async () => {
    const lines = await failedAttempt('info');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 'warn',
      message: 'Activity failed',
      activityType: 'generateReply',
      attempt: 3,
      error: 'Connection error. (cause: fetch failed; cause: connect ECONNREFUSED 127.0.0.1:443)',
    });
    expect(lines[0]).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('carries the whole error, stack and causes, at LOG_LEVEL=debug', async () => {
    const lines = await failedAttempt('debug');
    const failed = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.message === 'Activity failed');
    expect(failed?.error).toBe('Connection error. (cause: fetch failed; cause: connect ECONNREFUSED 127.0.0.1:443)');
    expect(failed?.errorStack).toMatch(/APIConnectionError: Connection error\.\n\s+at /);
    expect(failed?.errorStack).toContain('connect ECONNREFUSED 127.0.0.1:443');
    expect(lines).toHaveLength(1);
  });
});
