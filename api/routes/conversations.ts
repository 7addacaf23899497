import { Hono } from 'hono';
import { z } from 'zod';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import { listCalls } from '../../db/repositories/calls';
import { visitorsOfConversation } from '../../db/repositories/web';
import { getConversation } from '../../db/repositories/conversations';
import { listMessages } from '../../db/repositories/messages';
import { holderOf } from '../../db/repositories/handoffs';
import { conversationUsage } from '../../db/repositories/usage';
import type { Call, CallTurn, Conversation, Message, WebVisitor } from '../../db/schema';
import { readReplyOptions } from '../../domain/reply-options';
import type { ReplySource } from '../../domain/citations';
import type { Channel } from '../../domain/channels';
import { assistantPrompt } from '../assistant-prompt';
import type { CallView, ConversationDetail, ConversationMessages, ConversationView, MessageView, WebVisitorView } from '../protocol/agent-api';

const handoffBody = z.object({ reason: z.string().trim().min(1).max(500) });
const messageBody = z.object({ channel: z.enum(['sms', 'whatsapp']), body: z.string().trim().min(1).max(1600) });

function conversationView(c: Conversation): ConversationView {
  return {
    id: c.id,
    tenantId: c.tenant_id,
    contactKey: c.contact_key,
    lastChannel: c.last_channel,
    channels: c.channels,
    summary: c.summary,
    messageCount: c.message_count,
    lastMessageAt: c.last_message_at.toISOString(),
    createdAt: c.created_at.toISOString(),
  };
}

/** A web visitor as they described themselves; `linkedPhone` is the one number they proved. */
function visitorView(v: WebVisitor): WebVisitorView {
  return { name: v.name, email: v.email, phone: v.phone, linkedPhone: v.linked_phone, since: v.created_at.toISOString() };
}

function messageView(m: Message): MessageView {
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
    fullBody: m.full_body,
    options: readReplyOptions(m.options),
    model: m.model,
    sources: Array.isArray(m.sources) ? (m.sources as ReplySource[]) : null,
    createdAt: m.created_at.toISOString(),
  };
}

function callView(call: Call & { turns: CallTurn[] }): CallView {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    callSid: call.call_sid,
    direction: call.direction,
    from: call.from_address,
    to: call.to_address,
    status: call.status,
    sessionStatus: call.session_status,
    durationSeconds: call.duration_seconds,
    handoffData: call.handoff_data,
    errorCode: call.error_code,
    startedAt: call.started_at.toISOString(),
    connectedAt: iso(call.connected_at),
    endedAt: iso(call.ended_at),
    turns: call.turns.map((t) => ({
      turnId: t.turn_id,
      prompt: t.prompt,
      promptAt: t.prompt_at.toISOString(),
      firstTokenAt: iso(t.first_token_at),
      lastTokenAt: iso(t.last_token_at),
      interruptedAt: iso(t.interrupted_at),
    })),
  };
}

/** The read model, for agents of the conversation's tenant only. */
export function conversationRoutes({ db, conversations }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  async function conversationOr404(tenantId: string, id: string): Promise<Conversation> {
    const conversation = await getConversation(db, id);
    // Another tenant's conversation is as unknown as a missing one.
    if (!conversation || conversation.tenant_id !== tenantId) throw new HttpError(404, 'not_found', `no conversation ${id}`);
    return conversation;
  }

  app.get('/:id', async (c) => {
    const conversation = await conversationOr404(c.get('agent').tenant_id, c.req.param('id'));
    const [live, calls, visitors, usage, prompt] = await Promise.all([
      conversations.snapshot(conversation.id),
      listCalls(db, conversation.id),
      visitorsOfConversation(db, conversation.tenant_id, conversation.contact_key),
      conversationUsage(db, conversation.id),
      assistantPrompt(db, conversation.tenant_id, conversation.last_channel as Channel),
    ]);
    return c.json({ conversation: conversationView(conversation), live, calls: calls.map(callView), visitors: visitors.map(visitorView), usage, assistantPrompt: prompt } satisfies ConversationDetail);
  });

  app.get('/:id/messages', async (c) => {
    const conversation = await conversationOr404(c.get('agent').tenant_id, c.req.param('id'));
    const messages = await listMessages(db, conversation.id, { limit: 500 });
    return c.json({ messages: messages.map(messageView) } satisfies ConversationMessages);
  });

  /** An operator hands the conversation to people; the customer is told and the task joins the agents' queue. */
  app.post('/:id/handoff', jsonBody(handoffBody), async (c) => {
    const conversation = await conversationOr404(c.get('agent').tenant_id, c.req.param('id'));
    await conversations.requestHandoff(conversation.id, c.req.valid('json').reason);
    return c.json({ requested: true }, 202);
  });

  /** An agent writes to the person first, by SMS or WhatsApp, through the conversation (outbox, opt-out, retries). */
  app.post('/:id/messages', jsonBody(messageBody), async (c) => {
    const agent = c.get('agent');
    const conversation = await conversationOr404(agent.tenant_id, c.req.param('id'));
    const { channel, body } = c.req.valid('json');
    const key = { tenantId: conversation.tenant_id, contactKey: conversation.contact_key };
    const { messageId } = await conversations.agentMessage(key, { agentId: agent.id, channel, body });
    return c.json({ messageId }, 201);
  });

  /** An agent has the service call the person; the call is answered by the voice route like any other. */
  app.post('/:id/calls', async (c) => {
    const agent = c.get('agent');
    const conversation = await conversationOr404(agent.tenant_id, c.req.param('id'));
    const key = { tenantId: conversation.tenant_id, contactKey: conversation.contact_key };
    const { callSid } = await conversations.placeCall(key, { agentId: agent.id });
    return c.json({ callSid }, 201);
  });

  /** An agent joins any conversation: the assistant stays silent and the customer is not told. */
  app.post('/:id/takeover', async (c) => {
    const agent = c.get('agent');
    const conversation = await conversationOr404(agent.tenant_id, c.req.param('id'));
    try {
      await conversations.takeOver({ tenantId: conversation.tenant_id, contactKey: conversation.contact_key }, agent.id);
    } catch (error) {
      // The agent who won is named, so the other knows whom to ask.
      if (error instanceof HttpError && error.code === 'handoff_claimed') {
        const holder = await holderOf(db, conversation.id);
        throw new HttpError(409, error.code, `${holder ?? 'Another agent'} has this conversation.`);
      }
      throw error;
    }
    return c.json({ takenOver: true, by: agent.id });
  });

  /** The agent who has the conversation hands it back: new messages are the assistant's again. */
  app.post('/:id/giveback', async (c) => {
    const agent = c.get('agent');
    const conversation = await conversationOr404(agent.tenant_id, c.req.param('id'));
    await conversations.giveBack(conversation.id, agent.id);
    return c.json({ givenBack: true });
  });

  return app;
}
