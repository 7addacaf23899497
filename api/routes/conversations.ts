import { createRoute, z } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import { agentConversation, conversationIdParam } from '../agent-conversation';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, text, withJsonBody } from '../openapi';
import { conversationDetailSchema, conversationMessagesSchema } from '../protocol/agent-schemas';
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

const handoffBody = z.object({ reason: text(500) }).strict();
const templateVariables = z
  .record(z.string().regex(/^\d{1,2}$/), z.string().max(500))
  .default({})
  .openapi({ propertyNames: { pattern: '^\\d{1,2}$' } } as object);
const messageBody = z.union([
  z.object({ channel: z.enum(['sms', 'whatsapp']), body: text(1600) }).strict(),
  /** An approved WhatsApp template (`GET /api/whatsapp/templates`): what WhatsApp takes outside the 24-hour window. */
  z
    .object({
      channel: z.literal('whatsapp'),
      template: z.object({ contentSid: z.string().regex(/^HX[0-9a-f]{32}$/, 'a Content API template id (HX…)'), variables: templateVariables }).strict(),
    })
    .strict(),
]);
const draftBody = z.object({ channel: z.enum(['sms', 'whatsapp']).default('sms'), instructions: z.string().trim().max(500).default('') }).strict();
const idParam = conversationIdParam;
const idempotencyHeader = z.object({
  'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,100}$/).optional().openapi({ description: 'A repeated key sends once: the first answer again.' }),
});
const tags = ['Conversations'];

/** The read model, for agents of the conversation's tenant only. */
export function conversationRoutes({ db, conversations, twilioAccounts }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
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

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: 'One conversation',
      description: 'Its record, the workflow\'s live snapshot, its calls, web visits, model usage and the assistant\'s prompt now.',
      tags,
      security: agentSecurity,
      request: { params: idParam },
      responses: { 200: jsonAnswer(conversationDetailSchema, 'The conversation.'), ...errorAnswers(400, 401, 404) },
    }),
    async (c) => {
      const conversation = await conversationOr404(c.get('agent').tenant_id, c.req.valid('param').id);
      const [live, calls, visitors, usage, prompt] = await Promise.all([
        conversations.snapshot(conversation.id),
        listCalls(db, conversation.id),
        visitorsOfConversation(db, conversation.tenant_id, conversation.contact_key),
        conversationUsage(db, conversation.id),
        assistantPrompt(db, conversation.tenant_id, conversation.last_channel as Channel),
      ]);
      return c.json({ conversation: conversationView(conversation), live, calls: calls.map(callView), visitors: visitors.map(visitorView), usage, assistantPrompt: prompt } satisfies ConversationDetail, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/messages',
      summary: "A conversation's messages",
      description: 'The oldest 500 (the timeline gives the newest).',
      tags,
      security: agentSecurity,
      request: { params: idParam },
      responses: { 200: jsonAnswer(conversationMessagesSchema, 'Its messages.'), ...errorAnswers(400, 401, 404) },
    }),
    async (c) => {
      const conversation = await conversationOr404(c.get('agent').tenant_id, c.req.valid('param').id);
      const messages = await listMessages(db, conversation.id, { limit: 500 });
      return c.json({ messages: messages.map(messageView) } satisfies ConversationMessages, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/handoff',
      summary: 'Hand the conversation to people',
      description: 'The customer is told, and the task joins the agents\' queue.',
      tags,
      security: agentSecurity,
      ...withJsonBody(handoffBody, { params: idParam }),
      responses: { 202: jsonAnswer(z.object({ requested: z.literal(true) }), 'Asked of the conversation.'), ...errorAnswers(400, 401, 404, 415) },
    }),
    async (c) => {
      const conversation = await conversationOr404(c.get('agent').tenant_id, c.req.valid('param').id);
      await conversations.requestHandoff(conversation.id, c.req.valid('json').reason);
      return c.json({ requested: true as const }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/messages',
      summary: 'Write to the person (SMS or WhatsApp)',
      description:
        "Through the conversation's outbox (opt-out, retries). WhatsApp takes your own words only within 24 hours of the person's last WhatsApp message (422 `whatsapp_window_closed` otherwise); outside it, an approved template.",
      tags,
      security: agentSecurity,
      ...withJsonBody(messageBody, { params: idParam, headers: idempotencyHeader }),
      responses: { 201: jsonAnswer(z.object({ messageId: z.string() }), 'Handed to the outbox.'), ...errorAnswers(400, 401, 404, 409, 415, 422, 502, 503) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const conversation = await conversationOr404(agent.tenant_id, c.req.valid('param').id);
      const message = c.req.valid('json');
      const key = { tenantId: conversation.tenant_id, contactKey: conversation.contact_key };
      const requestId = idempotencyKey(c.req.header('idempotency-key'));
      if ('template' in message) {
        const { contentSid, variables } = message.template;
        const template = (await approvedTemplates(await twilioAccounts.client(agent.tenant_id))).find((t) => t.sid === contentSid);
        if (!template) throw new HttpError(422, 'template_not_approved', `${contentSid} is not a WhatsApp template approved for this account`);
        const body = fillTemplate(template.body, variables);
        if (/\{\{\d+\}\}/.test(body)) throw new HttpError(422, 'template_variables', `fill every placeholder of ${template.name}: ${template.body}`);
        const { messageId } = await conversations.agentMessage(key, { agentId: agent.id, channel: 'whatsapp', body, template: { contentSid, variables } }, requestId);
        return c.json({ messageId }, 201);
      }
      if (message.channel === 'whatsapp') await withinWhatsAppWindow(conversation.id);
      const { messageId } = await conversations.agentMessage(key, { agentId: agent.id, channel: message.channel, body: message.body }, requestId);
      return c.json({ messageId }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/draft',
      summary: 'Draft a message with the assistant',
      description: "From the conversation's summary, its last 30 messages, the contact's name and note, and the agent's instructions. Nothing is sent.",
      tags,
      security: agentSecurity,
      ...withJsonBody(draftBody, { params: idParam }),
      responses: { 200: jsonAnswer(z.object({ text: z.string() }), 'The draft.'), ...errorAnswers(400, 401, 404, 415, 503) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const conversation = await conversationOr404(agent.tenant_id, c.req.valid('param').id);
      const { channel, instructions } = c.req.valid('json');
      const { text } = await conversations.draft({ tenantId: conversation.tenant_id, conversationId: conversation.id, channel, agentName: agent.name, instructions });
      return c.json({ text }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/calls',
      summary: 'Call the person',
      description: 'The service rings them from its number; the answered call is the voice route\'s, as any other, greeted with `callingGreeting`.',
      tags,
      security: agentSecurity,
      request: { params: idParam },
      responses: { 201: jsonAnswer(z.object({ callSid: z.string() }), 'Ringing.'), ...errorAnswers(400, 401, 404, 409, 422, 502, 503) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const conversation = await conversationOr404(agent.tenant_id, c.req.valid('param').id);
      const key = { tenantId: conversation.tenant_id, contactKey: conversation.contact_key };
      const { callSid } = await conversations.placeCall(key, { agentId: agent.id });
      return c.json({ callSid }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/takeover',
      summary: 'Take the conversation over',
      description: 'The assistant stays silent and the customer is not told; a second agent is refused (409, naming who has it).',
      tags,
      security: agentSecurity,
      request: { params: idParam },
      responses: { 200: jsonAnswer(z.object({ takenOver: z.literal(true), by: z.string() }), 'Taken over.'), ...errorAnswers(400, 401, 404, 409) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const conversation = await conversationOr404(agent.tenant_id, c.req.valid('param').id);
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
      return c.json({ takenOver: true as const, by: agent.id }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/giveback',
      summary: 'Give the conversation back to the assistant',
      tags,
      security: agentSecurity,
      request: { params: idParam },
      responses: { 200: jsonAnswer(z.object({ givenBack: z.literal(true) }), 'Given back.'), ...errorAnswers(400, 401, 404, 409) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const conversation = await conversationOr404(agent.tenant_id, c.req.valid('param').id);
      await conversations.giveBack(conversation.id, agent.id);
      return c.json({ givenBack: true as const }, 200);
    },
  );

  return app;
}
