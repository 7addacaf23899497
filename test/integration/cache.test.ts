import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait';
import { smsParams, type Stack, useStack } from '../support/stack';

/**
 * Far more live conversations than the worker's workflow cache holds, all starting at once: the worker evicts
 * constantly, while most tasks wait on their local `recordInbound`. Every conversation must still be answered.
 */
let stack: Stack;
useStack((started) => (stack = started), { WORKER_MAX_CACHED_WORKFLOWS: '20', BATCH_QUIET_MS: '0', BATCH_MAX_WAIT_MS: '0' });

describe('a small workflow cache', () => {
  it('answers 300 new conversations arriving 48 at a time with room for 20 in the cache', async () => {
    const contacts = Array.from({ length: 300 }, (_, i) => `+1604888${String(i).padStart(4, '0')}`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 48 }, async () => {
        while (next < contacts.length) {
          const from = contacts[next++] ?? '';
          const response = await stack.postSms(smsParams({ from, body: `hello from ${from}` }));
          expect(response.status).toBe(200);
        }
      }),
    );
    await waitFor(
      () => (contacts.every((from) => stack.twilio.sent.some((s) => s.to === from)) ? true : undefined),
      60_000,
      'a reply in every conversation',
    ).catch(() => {
      const silent = contacts.filter((from) => !stack.twilio.sent.some((s) => s.to === from));
      throw new Error(`${silent.length} of ${contacts.length} conversations got no reply (first: ${silent[0]})`);
    });
    expect(stack.twilio.sent.filter((s) => s.to.startsWith('+1604888'))).toHaveLength(contacts.length);
  }, 120_000);
});
