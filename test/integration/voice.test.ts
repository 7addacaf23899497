import { describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import { defaultServiceTexts } from '../../domain/texts';
import type { RelayCaller } from '../fakes/conversation-relay';
import { uniquePhone, type Stack, useStack } from '../support/stack';

/**
 * Calls through Twilio ConversationRelay, on the real stack: the caller's side is the relay caller (signed webhook,
 * signed socket, Twilio's frames); replies stream from the model through the workflow's reply activity.
 */
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

const conversationOf = (phone: string) => conversationWorkflowId({ tenantId: 'default', contactKey: phone });

async function connected(from: string): Promise<RelayCaller> {
  const caller = stack.caller(from);
  expect(await caller.ring()).toBe(200);
  await caller.connect();
  return caller;
}

async function messages(phone: string) {
  return stack.db
    .selectFrom('messages')
    .select(['direction', 'author', 'channel', 'body', 'status', 'full_body'])
    .where('conversation_id', '=', conversationOf(phone))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

describe('a phone call', () => {
  it('answers with TwiML that connects a ConversationRelay session greeting the caller', async () => {
    const caller = stack.caller(uniquePhone());
    expect(await caller.ring()).toBe(200);
    expect(caller.twiml).toContain('<Connect action="https://conversations.example.test/webhooks/twilio/voice/ended">');
    expect(caller.twiml).toContain('url="wss://conversations.example.test/webhooks/twilio/relay"');
    expect(caller.welcomeGreeting).toBe(defaultServiceTexts.welcomeGreeting);
    expect(caller.twiml).toContain('interruptible="any"');
    expect(caller.twiml).toContain('dtmfDetection="true"');
    expect(caller.parameters).toMatchObject({ tenantId: 'default', service: '+15005550006' });
  });

  it('answers two prompts in one conversation, streaming each reply token by token', async () => {
    const from = uniquePhone();
    const caller = await connected(from);
    caller.say('What are your opening hours?');
    const first = await caller.reply();
    expect(first.text).toBe('echo: What are your opening hours?');
    expect(first.tokens.length).toBeGreaterThan(1);
    caller.say('And on Sundays?');
    expect((await caller.reply()).text).toBe('echo: And on Sundays?');
    await caller.hangUp();
    await stack.settled(from);

    expect((await messages(from)).filter((m) => m.direction !== 'internal').map((m) => [m.author, m.channel, m.body, m.status])).toEqual([
      ['customer', 'voice', 'What are your opening hours?', 'received'],
      ['ai', 'voice', 'echo: What are your opening hours?', 'spoken'],
      ['customer', 'voice', 'And on Sundays?', 'received'],
      ['ai', 'voice', 'echo: And on Sundays?', 'spoken'],
    ]);
    // The second turn saw the first: one context.
    const secondTurn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'And on Sundays?');
    expect(secondTurn?.stream).toBe(true);
    expect(secondTurn?.messages.map((m) => m.content)).toEqual(
      expect.arrayContaining(['What are your opening hours?', 'echo: What are your opening hours?', 'And on Sundays?']),
    );
    const call = await stack.db.selectFrom('calls').selectAll().where('call_sid', '=', caller.callSid).executeTakeFirstOrThrow();
    expect(call).toMatchObject({ conversation_id: conversationOf(from), session_status: 'completed', direction: 'inbound' });
    const turns = await stack.db.selectFrom('call_turns').selectAll().where('call_sid', '=', caller.callSid).orderBy('prompt_at').execute();
    expect(turns.map((t) => t.prompt)).toEqual(['What are your opening hours?', 'And on Sundays?']);
    expect(turns.every((t) => t.first_token_at && t.last_token_at && t.first_token_at <= t.last_token_at)).toBe(true);
  });
});
