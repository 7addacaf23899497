import fc from 'fast-check';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { publicBaseUrl, resetDatabase, startStack, type Stack } from '../support/stack';

/**
 * Thousands of random and hostile requests at the webhook routes. Whatever arrives, the answer is a 4xx with a JSON
 * error, never a 5xx, and nothing reaches Temporal or Postgres.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await resetDatabase(stack.db);
});
afterAll(async () => {
  await stack?.stop();
});
// Whatever a test sent, it left no trace: no workflow started, nothing written.
afterEach(async () => {
  await expectNoTrace();
});

const paths = ['/webhooks/twilio/messaging', '/webhooks/twilio/status'];
const sidLike = /^[A-Z]{2}[0-9a-f]{32}$/i;

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '+', 'whatsapp:', 'whatsapp:+', '+1', '+16045550100', 'whatsapp:+16045550100', "'; drop table messages; --", '<Response/>', '%00', '{"a":1}', 'SM', `SM${'z'.repeat(32)}`, '-1', '99999999', 'NaN', '1e309'),
);

const form = fc.dictionary(
  fc.oneof(fc.constantFrom('MessageSid', 'From', 'To', 'Body', 'NumMedia', 'MediaUrl0', 'MessageStatus', 'ErrorCode', 'AccountSid'), fc.string({ maxLength: 12 })),
  hostileString,
  { maxKeys: 8 },
);

async function post(path: string, body: string | Uint8Array, headers: Record<string, string>) {
  const response = await fetch(`${stack.apiUrl}${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text };
}

function expectJsonError(result: { status: number; text: string }) {
  expect(result.status, result.text).toBeGreaterThanOrEqual(400);
  expect(result.status, result.text).toBeLessThan(500);
  expect(JSON.parse(result.text)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
}

/** Every answer went out before this runs; a workflow start or a row would have been made before its answer. */
async function expectNoTrace(): Promise<void> {
  const count = await stack.temporal.workflow.count(`TaskQueue = "${stack.config.TEMPORAL_TASK_QUEUE}"`);
  expect(count.count).toBe(0);
  for (const table of ['messages', 'conversations', 'delivery_events', 'contacts'] as const) {
    expect(await stack.db.selectFrom(table).selectAll().execute()).toEqual([]);
  }
}

describe('webhook fuzzing', () => {
  it('answers unsigned, wrongly signed and garbage requests with a 4xx JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(form.map((f) => new URLSearchParams(f).toString()), fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', ''),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (path, body, contentType, signature) => {
          const headers: Record<string, string> = {};
          if (contentType) headers['content-type'] = contentType;
          if (signature !== undefined) headers['x-twilio-signature'] = signature;
          expectJsonError(await post(path, body, headers));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('answers correctly signed but invalid forms with a 4xx JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), form, async (path, fields) => {
        fc.pre(!sidLike.test(fields.MessageSid ?? ''));
        const signature = twilio.getExpectedTwilioSignature(stack.twilio.authToken, `${publicBaseUrl}${path}`, fields);
        expectJsonError(
          await post(path, new URLSearchParams(fields).toString(), {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': signature,
          }),
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses bodies over the limit with 413 before reading them', async () => {
    const body = `Body=${'x'.repeat(200_000)}`;
    expectJsonError(await post(paths[0] ?? '', body, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' }));
    const result = await post(paths[0] ?? '', body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(result.status).toBe(413);
  });
});
