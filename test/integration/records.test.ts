import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection';
import { listenForEvents, publishEvent, type ConversationEvent, type EventListener } from '../../db/events';
import { optOut } from '../../db/repositories/contacts';
import { recordInboundMessage, type InboundRecord } from '../../db/repositories/inbound';
import { enqueueOutbound, markSent } from '../../db/repositories/outbox';
import { defaultTenantId } from '../../db/repositories/tenants';
import '../support/provided';

// The single-statement writes of a turn: what they change, what they leave alone on a repeat, what they announce.
const db = createDb(inject('databaseUrl'), { max: 2 });
const events: ConversationEvent[] = [];
let listener: EventListener;

beforeAll(async () => {
  listener = listenForEvents(inject('databaseUrl'), (event) => events.push(event));
  // LISTEN is set up asynchronously: wait until a notification round-trips.
  const probe = `probe-${randomUUID()}`;
  const deadline = Date.now() + 10_000;
  while (!events.some((e) => e.conversationId === probe) && Date.now() < deadline) {
    await publishEvent(db, { type: 'message', tenantId: 'probe', conversationId: probe, messageId: 'probe' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
afterAll(async () => {
  await listener.close();
  await db.destroy();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

function inbound(conversationId: string, contactKey: string, sid: string, at: Date): InboundRecord {
  return {
    conversation: { id: conversationId, tenantId: defaultTenantId, contactKey, phone: contactKey },
    message: {
      id: `in:${defaultTenantId}:${sid}`,
      conversation_id: conversationId,
      tenant_id: defaultTenantId,
      direction: 'inbound',
      author: 'customer',
      channel: 'sms',
      from_address: contactKey,
      to_address: '+16045550000',
      body: `message ${sid}`,
      provider_message_id: sid,
      status: 'received',
      created_at: at,
    },
  };
}

const conversationRow = (id: string) => db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('recording an inbound message', () => {
  it('creates the conversation and contact, counts each new message once, and never moves time backwards', async () => {
    const id = `conversation-${randomUUID()}`;
    const contact = `+1778${Math.floor(Math.random() * 1e7).toString().padStart(7, '0')}`;
    const first = new Date('2026-11-24T10:00:00Z');
    const sid1 = `SM${randomUUID().replace(/-/g, '')}`;
    const sid2 = `SM${randomUUID().replace(/-/g, '')}`;

    expect(await recordInboundMessage(db, inbound(id, contact, sid1, first))).toBe(true);
    expect(await conversationRow(id)).toMatchObject({ message_count: 1, last_message_at: first, contact_key: contact });
    const contacts = await db.selectFrom('contacts').selectAll().where('contact_key', '=', contact).execute();
    expect(contacts).toHaveLength(1);

    // The same message again (a retried webhook): nothing changes.
    expect(await recordInboundMessage(db, inbound(id, contact, sid1, first))).toBe(false);
    expect(await conversationRow(id)).toMatchObject({ message_count: 1 });

    // A new message stamped earlier (reordered delivery) is counted but does not move last_message_at back.
    expect(await recordInboundMessage(db, inbound(id, contact, sid2, new Date('2026-11-24T09:00:00Z')))).toBe(true);
    expect(await conversationRow(id)).toMatchObject({ message_count: 2, last_message_at: first });

    await settle();
    const announced = events.filter((e) => e.conversationId === id).map((e) => (e.type === 'message' ? e.messageId : null));
    expect(announced).toEqual([`in:${defaultTenantId}:${sid1}`, `in:${defaultTenantId}:${sid2}`]);
  });
});

describe('the outbox', () => {
  it('writes a part once, counts it once, reports an opt-out, and knows about callbacks that came first', async () => {
    const id = `conversation-${randomUUID()}`;
    const contact = `+1778${Math.floor(Math.random() * 1e7).toString().padStart(7, '0')}`;
    await recordInboundMessage(db, inbound(id, contact, `SM${randomUUID().replace(/-/g, '')}`, new Date()));
    const target = { tenantId: defaultTenantId, contactKey: contact, channel: 'sms' };
    const part = (outboxId: string) => ({
      id: outboxId,
      conversation_id: id,
      tenant_id: defaultTenantId,
      direction: 'outbound' as const,
      author: 'ai' as const,
      channel: 'sms',
      from_address: '+16045550000',
      to_address: contact,
      body: 'hello',
      status: 'pending',
    });

    expect(await enqueueOutbound(db, part('out:1'), target)).toEqual({ created: true, optedOut: false });
    expect(await enqueueOutbound(db, part('out:1'), target)).toEqual({ created: false, optedOut: false });
    expect(await conversationRow(id)).toMatchObject({ message_count: 2 });

    const event = { type: 'message', tenantId: defaultTenantId, conversationId: id, messageId: 'out:1' } as const;
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    expect(await markSent(db, { id: 'out:1', providerMessageId: sid, status: 'queued' }, event)).toEqual({ earlyCallbacks: false });
    const sent = await db.selectFrom('messages').selectAll().where('id', '=', 'out:1').where('conversation_id', '=', id).executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ provider_message_id: sid, status: 'queued' });

    const early = `SM${randomUUID().replace(/-/g, '')}`;
    await db.insertInto('delivery_events').values({ provider_message_id: early, status: 'delivered', error_code: null }).execute();
    await enqueueOutbound(db, part('out:2'), target);
    expect(await markSent(db, { id: 'out:2', providerMessageId: early, status: 'queued' }, { ...event, messageId: 'out:2' })).toEqual({
      earlyCallbacks: true,
    });

    await optOut(db, target, 'STOP');
    expect(await enqueueOutbound(db, part('out:3'), target)).toEqual({ created: true, optedOut: true });

    await settle();
    expect(events.filter((e) => e.conversationId === id && e.type === 'message' && e.messageId.startsWith('out:'))).toHaveLength(2);
  });
});
