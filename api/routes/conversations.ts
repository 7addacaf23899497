import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { getConversation, listConversations } from '../../db/repositories/conversations';
import { listMessages } from '../../db/repositories/messages';
import type { Conversation, Message } from '../../db/schema';
import { snapshotQuery, type ConversationSnapshot } from '../../workflows/definitions';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
  tenant: z.string().min(1).optional(),
});

function conversationView(c: Conversation) {
  return {
    id: c.id,
    tenantId: c.tenant_id,
    contactKey: c.contact_key,
    lastChannel: c.last_channel,
    summary: c.summary,
    messageCount: c.message_count,
    lastMessageAt: c.last_message_at.toISOString(),
    createdAt: c.created_at.toISOString(),
  };
}

function messageView(m: Message) {
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    channel: m.channel,
    from: m.from_address,
    to: m.to_address,
    body: m.body,
    media: m.media,
    providerMessageId: m.provider_message_id,
    status: m.status,
    errorCode: m.error_code,
    errorMessage: m.error_message,
    createdAt: m.created_at.toISOString(),
  };
}

export function conversationRoutes({ db, temporal }: ApiDeps) {
  const app = new Hono();

  async function conversationOr404(id: string): Promise<Conversation> {
    const conversation = await getConversation(db, id);
    if (!conversation) throw new HttpError(404, 'not_found', `no conversation ${id}`);
    return conversation;
  }

  app.get('/', async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) throw new HttpError(400, 'invalid_query', parsed.error.issues[0]?.message ?? 'bad query');
    const { limit, before, tenant } = parsed.data;
    const rows = await listConversations(db, {
      limit,
      tenantId: tenant,
      before: before ? new Date(before) : undefined,
    });
    return c.json({ conversations: rows.map(conversationView) });
  });

  app.get('/:id', async (c) => {
    const conversation = await conversationOr404(c.req.param('id'));
    return c.json({ conversation: conversationView(conversation), live: await liveSnapshot(conversation.id) });
  });

  app.get('/:id/messages', async (c) => {
    const conversation = await conversationOr404(c.req.param('id'));
    const messages = await listMessages(db, conversation.id, { limit: 500 });
    return c.json({ messages: messages.map(messageView) });
  });

  /** The running workflow's own view (mode, pending batch); null when no run is open. */
  async function liveSnapshot(id: string): Promise<ConversationSnapshot | null> {
    try {
      const handle = temporal.workflow.getHandle(id);
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return null;
      return await handle.query(snapshotQuery);
    } catch {
      return null;
    }
  }

  return app;
}
