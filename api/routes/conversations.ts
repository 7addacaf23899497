import { Hono } from 'hono';
import { z } from 'zod';
import { requireAgent, type AgentEnv } from '../auth';
import { agentConversation } from '../agent-conversation';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import { listCalls } from '../../db/repositories/calls';
import { visitorsOfConversation } from '../../db/repositories/web';
import { lastInboundAt, listMessages } from '../../db/repositories/messages';
import { holderName } from '../../db/repositories/handoffs';
import { conversationUsage } from '../../db/repositories/usage';
import { callView, conversationView, messageView, visitorView } from '../conversation-views';
import type { Channel } from '../../domain/channels';
import { assistantPrompt } from '../assistant-prompt';
import { approvedTemplates } from '../whatsapp-templates';
import { fillTemplate } from '../../domain/whatsapp-template';
import type { ConversationDetail, ConversationMessages } from '../protocol/agent-api';

/** An Idempotency-Key header, if it is a usable one (printable, at most 100 characters). */
function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,100}$/.test(header)) throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key: 1 to 100 printable characters');
  return header;
}

/** WhatsApp's customer service window. */
const whatsAppWindowMs = 24 * 3_600_000;

const handoffBody = z.object({ reason: z.string().trim().min(1).max(500) });
const messageBody = z.union([
  z.object({ channel: z.enum(['sms', 'whatsapp']), body: z.string().trim().min(1).max(1600) }).strict(),
  /** An approved WhatsApp template (`GET /api/whatsapp/templates`): what WhatsApp takes outside the 24-hour window. */
  z
    .object({
      channel: z.literal('whatsapp'),
      template: z.object({ contentSid: z.string().regex(/^HX[0-9a-f]{32}$/, 'a Content API template id (HX…)'), variables: z.record(z.string().regex(/^\d{1,2}$/), z.string().max(500)).default({}) }),
    })
    .strict(),
]);
const draftBody = z.object({ channel: z.enum(['sms', 'whatsapp']).default('sms'), instructions: z.string().trim().max(500).default('') });

/** The read model, for agents of the conversation's tenant only. */
export function conversationRoutes({ db, conversations, twilioAccounts }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  const conversationOr404 = (tenantId: string, id: string) => agentConversation(db, tenantId, id);

  /**
   * WhatsApp takes a business's own words only within 24 hours of the person's last WhatsApp message; outside it,
   * only an approved template. Refused here in words rather than by Twilio after the fact (error 63016).
   */
  async function withinWhatsAppWindow(conversationId: string): Promise<void> {
    const last = await lastInboundAt(db, conversationId, 'whatsapp');
    if (last && Date.now() - last.getTime() < whatsAppWindowMs) return;
    const when = last ? `their last was ${Math.floor((Date.now() - last.getTime()) / 3_600_000)} hours ago` : 'they have never written on WhatsApp';
    throw new HttpError(
      422,
      'whatsapp_window_closed',
      `WhatsApp allows your own words only within 24 hours of the person's last WhatsApp message (${when}). Send an approved WhatsApp template (GET /api/whatsapp/templates), or a text message (SMS) instead.`,
    );
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
    const message = c.req.valid('json');
    const key = { tenantId: conversation.tenant_id, contactKey: conversation.contact_key };
    const requestId = idempotencyKey(c.req.header('idempotency-key'));
    if ('template' in message) {
      const { contentSid, variables } = message.template;
      const template = (await approvedTemplates(await twilioAccounts.client(agent.tenant_id))).find((t) => t.sid === contentSid);
      if (!template) throw new HttpError(422, 'template_not_approved', `${contentSid} is not a WhatsApp template approved for this account`);
      const body = fillTemplate(template.body, variables);
      if (/\{\{\d+\}\}/.test(body)) throw new HttpError(400, 'template_variables', `fill every placeholder of ${template.name}: ${template.body}`);
      const { messageId } = await conversations.agentMessage(key, { agentId: agent.id, channel: 'whatsapp', body, template: { contentSid, variables } }, requestId);
      return c.json({ messageId }, 201);
    }
    if (message.channel === 'whatsapp') await withinWhatsAppWindow(conversation.id);
    const { messageId } = await conversations.agentMessage(key, { agentId: agent.id, channel: message.channel, body: message.body }, requestId);
    return c.json({ messageId }, 201);
  });

  /** The assistant writes a message from the conversation's context for the agent to edit before sending it. */
  app.post('/:id/draft', jsonBody(draftBody), async (c) => {
    const agent = c.get('agent');
    const conversation = await conversationOr404(agent.tenant_id, c.req.param('id'));
    const { channel, instructions } = c.req.valid('json');
    const { text } = await conversations.draft({ tenantId: conversation.tenant_id, conversationId: conversation.id, channel, agentName: agent.name, instructions });
    return c.json({ text });
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
        const holder = await holderName(db, conversation.id);
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
