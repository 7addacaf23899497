import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection';
import { EventBus, publishEvent, type BusEvent, type ConversationEvent } from '../../db/events';
import { optOut } from '../../db/repositories/contacts';
import { recordInboundMessage, type InboundRecord } from '../../db/repositories/inbound';
import { enqueueOutbound, markSent } from '../../db/repositories/outbox';
import { defaultTenantId } from '../../db/repositories/tenants';
import '../support/provided';

// The single-statement writes of a turn: what they change, what they leave alone on a repeat, what they announce.
const db = createDb(inject('databaseUrl'), { max: 2 });
const events: ConversationEvent[] = [];
let bus: EventBus;

beforeAll(async () => {
  bus = new EventBus(inject('databaseUrl'));
  bus.subscribeTenant(defaultTenantId, (event) => events.push(event));
  await bus.ready();
});
afterAll(async () => {
  await bus.close();
  await db.destroy();
});

/**
 * Waits until every notification committed so far has reached `seen`: a marker published after them arrives after
 * them (Postgres delivers notifications in commit order).
 */
async function flushed(seen: BusEvent[], conversationId: string, tenantId = defaultTenantId): Promise<void> {
  const marker = `marker-${randomUUID()}`;
  await publishEvent(db, { type: 'message', tenantId, conversationId, messageId: marker });
  await expect.poll(() => seen.some((e) => e.type === 'message' && e.messageId === marker)).toBe(true);
}

const notMarkers = (e: BusEvent) => !(e.type === 'message' && e.messageId.startsWith('marker-'));

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

    expect(await recordInboundMessage(db, inbound(id, contact, sid1, first))).toEqual({ wrote: true, optedOut: false, channels: ['sms'] });
    expect(await conversationRow(id)).toMatchObject({ message_count: 1, last_message_at: first, contact_key: contact });
    const contacts = await db.selectFrom('contacts').selectAll().where('contact_key', '=', contact).execute();
    expect(contacts).toHaveLength(1);

    // The same message again (a retried webhook): nothing changes.
    expect(await recordInboundMessage(db, inbound(id, contact, sid1, first))).toEqual({ wrote: false, optedOut: false, channels: ['sms'] });
    expect(await conversationRow(id)).toMatchObject({ message_count: 1 });

    // A new message stamped earlier (reordered delivery) is counted but does not move last_message_at back.
    expect((await recordInboundMessage(db, inbound(id, contact, sid2, new Date('2026-11-24T09:00:00Z')))).wrote).toBe(true);
    expect(await conversationRow(id)).toMatchObject({ message_count: 2, last_message_at: first });

    // The same person on WhatsApp, after opting out of SMS: the conversation knows both channels; the opt-out is
    // reported for the channel it was given on only.
    await optOut(db, { tenantId: defaultTenantId, contactKey: contact, channel: 'sms' }, 'STOP');
    const sid3 = `SM${randomUUID().replace(/-/g, '')}`;
    const onWhatsApp = inbound(id, contact, sid3, new Date('2026-11-24T11:00:00Z'));
    onWhatsApp.message.channel = 'whatsapp';
    expect(await recordInboundMessage(db, onWhatsApp)).toEqual({ wrote: true, optedOut: false, channels: ['sms', 'whatsapp'] });
    const sid4 = `SM${randomUUID().replace(/-/g, '')}`;
    expect(await recordInboundMessage(db, inbound(id, contact, sid4, new Date('2026-11-24T12:00:00Z')))).toEqual({
      wrote: true,
      optedOut: true,
      channels: ['sms', 'whatsapp'],
    });

    await flushed(events, id);
    const announced = events.filter((e) => e.conversationId === id && notMarkers(e)).map((e) => (e.type === 'message' ? e.messageId : null));
    expect(announced).toEqual([sid1, sid2, sid3, sid4].map((sid) => `in:${defaultTenantId}:${sid}`));
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

    await flushed(events, id);
    expect(events.filter((e) => e.conversationId === id && e.type === 'message' && e.messageId.startsWith('out:'))).toEqual([
      expect.objectContaining({ messageId: 'out:1' }),
      expect.objectContaining({ messageId: 'out:2' }),
    ]);
  });
});

describe('the event bus', () => {
  it("follows one conversation from another process: its events only, the tenant's stay with the tenant", async () => {
    const follower = new EventBus(inject('databaseUrl'));
    try {
      await follower.ready();
      const followed = `conversation-${randomUUID()}`;
      const other = `conversation-${randomUUID()}`;
      const own: BusEvent[] = [];
      const stop = follower.subscribeConversation(followed, (event) => own.push(event));
      await follower.ready();

      const event = (conversationId: string, messageId: string) => ({ type: 'message', tenantId: defaultTenantId, conversationId, messageId }) as const;
      await publishEvent(db, event(other, 'not-yours'));
      await publishEvent(db, event(followed, 'yours'));
      await publishEvent(db, { type: 'handoff', tenantId: defaultTenantId, conversationId: followed, taskId: 't1', status: 'open' });
      await flushed(own, followed);
      // Each numbered, as agents' streams resume by it.
      expect(own.filter(notMarkers)).toEqual([{ ...event(followed, 'yours'), eventId: expect.any(Number) }, expect.objectContaining({ type: 'handoff', taskId: 't1' })]);
      // The tenant's follower heard all three, each once.
      await flushed(events, other);
      expect(events.filter((e) => (e.conversationId === followed || e.conversationId === other) && notMarkers(e))).toHaveLength(3);

      stop();
      await publishEvent(db, event(followed, 'after'));
      await flushed(events, followed);
      expect(own.some((e) => e.type === 'message' && e.messageId === 'after')).toBe(false);
    } finally {
      await follower.close();
    }
  });
});
