import { createRoute, z } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import { agentConversation, conversationIdParam } from '../agent-conversation';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, emailAddress, jsonAnswer, text, withJsonBody } from '../openapi';
import { approvalView, callView, itemView, messageView, visitorView } from '../conversation-views';
import { buildTimeline } from '../timeline';
import { getContact, optOutsOf, saveContact } from '../../db/repositories/contacts';
import { listInbox } from '../../db/repositories/inbox';
import { listCalls } from '../../db/repositories/calls';
import { listMessages } from '../../db/repositories/messages';
import { approvalsOf, handoffsOf, toolRunsOf } from '../../db/repositories/timeline';
import { visitorsOfConversation } from '../../db/repositories/web';
import type { Conversation, Database, WebVisitor } from '../../db/schema';
import { contactPanelSchema, conversationTimelineSchema, type ContactPanel, type ConversationTimeline } from '../protocol/timeline';
import type { Kysely } from 'kysely';

const contactChange = z
  .object({
    name: z.string().trim().max(200).nullable().optional(),
    // Empty or null clears it.
    email: z.union([emailAddress, z.literal('')]).nullable().optional(),
    tags: z.array(text(40)).max(20).optional(),
    note: z.string().trim().max(2000).nullable().optional(),
  })
  .strict();

/** The most recent messages a timeline shows. */
const timelineMessages = 500;

/** What is known of the person; `visitors` when the caller reads them anyway (the timeline shows them too). */
async function contactPanel(
  db: Kysely<Database>,
  conversation: Conversation,
  visitors: Promise<WebVisitor[]> = visitorsOfConversation(db, conversation.tenant_id, conversation.contact_key),
): Promise<ContactPanel> {
  const { tenant_id: tenantId, contact_key: contactKey } = conversation;
  const [contact, webVisitors, optOuts] = await Promise.all([getContact(db, tenantId, contactKey), visitors, optOutsOf(db, tenantId, contactKey)]);
  const phones = new Map<string, boolean>();
  if (contactKey.startsWith('+')) phones.set(contactKey, true);
  for (const v of webVisitors) {
    if (v.linked_phone) phones.set(v.linked_phone, true);
    else if (v.phone && !phones.has(v.phone)) phones.set(v.phone, false);
  }
  const firstSeen = [conversation.created_at, contact?.created_at, ...webVisitors.map((v) => v.created_at)].filter((d): d is Date => d instanceof Date);
  return {
    contactKey,
    name: contact?.name ?? webVisitors.find((v) => v.name)?.name ?? null,
    email: contact?.email ?? webVisitors.find((v) => v.email)?.email ?? null,
    phones: [...phones].map(([number, proved]) => ({ number, proved })),
    channels: conversation.channels,
    firstSeen: new Date(Math.min(...firstSeen.map((d) => d.getTime()))).toISOString(),
    optOuts: optOuts.map((o) => ({ channel: o.channel, reason: o.reason, since: o.created_at.toISOString() })),
    tags: contact?.tags ?? [],
    note: contact?.note ?? null,
  };
}

/** One person's whole conversation for the agent console, and the contact panel agents keep. */
export function conversationTimelineRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));
  const tags = ['Conversations'];
  const idParam = conversationIdParam;

  const conversationOr404 = (tenantId: string, id: string) => agentConversation(db, tenantId, id);

  const timelineRoute = createRoute({
    method: 'get',
    path: '/{id}/timeline',
    summary: "A person's timeline",
    description: 'Messages on every channel (the newest 500), each call as one block with its summary, tool runs, approvals, handoffs and takeovers, web visits, the summary the assistant carries, and who holds the conversation.',
    tags,
    security: agentSecurity,
    request: { params: idParam },
    responses: { 200: jsonAnswer(conversationTimelineSchema, 'Everything about the person, in order.'), ...errorAnswers(400, 401, 404) },
  });
  app.openapi(timelineRoute, async (c) => {
    const agent = c.get('agent');
    const conversation = await conversationOr404(agent.tenant_id, c.req.valid('param').id);
    const visitorsRead = visitorsOfConversation(db, conversation.tenant_id, conversation.contact_key);
    const [[row], contact, newestFirst, calls, handoffs, approvals, tools, visitors] = await Promise.all([
      listInbox(db, { tenantId: agent.tenant_id, agentId: agent.id, ids: [conversation.id], limit: 1 }),
      contactPanel(db, conversation, visitorsRead),
      listMessages(db, conversation.id, { limit: timelineMessages, newestFirst: true }),
      listCalls(db, conversation.id),
      handoffsOf(db, conversation.id),
      approvalsOf(db, conversation.id),
      toolRunsOf(db, conversation.id),
      visitorsRead,
    ]);
    if (!row) throw new HttpError(404, 'not_found', `no conversation ${conversation.id}`);
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    const held = [...handoffs].reverse().find((h) => h.status === 'claimed' && h.claimed_by);
    const entries = buildTimeline({
      messages: newestFirst.reverse().map(messageView),
      calls: calls.map(callView),
      handoffs: handoffs.map((h) => ({
        at: h.created_at.toISOString(),
        id: h.id,
        kind: h.kind,
        reason: h.reason,
        status: h.status,
        claimedBy: h.claimed_by,
        claimedByName: h.claimed_by_name,
        claimedAt: iso(h.claimed_at),
        endedAt: h.status === 'resolved' || h.status === 'expired' ? h.updated_at.toISOString() : null,
        note: h.resolution_note,
      })),
      approvals: approvals.map(approvalView),
      tools: tools.map((t) => ({ at: t.created_at.toISOString(), tool: t.tool, arguments: t.arguments, status: t.status, result: t.result ?? null, attempts: t.attempts, finishedAt: iso(t.finished_at) })),
      visitors: visitors.map(visitorView),
    });
    return c.json({
      conversation: itemView(row),
      contact,
      summary: conversation.summary,
      heldBy: held?.claimed_by ? { agentId: held.claimed_by, name: held.claimed_by_name ?? 'an agent', taskId: held.id, kind: held.kind } : null,
      entries,
    } satisfies ConversationTimeline, 200);
  });

  app.openapi(
    createRoute({ method: 'get', path: '/{id}/contact', summary: 'What is known of the person', tags, security: agentSecurity, request: { params: idParam }, responses: { 200: jsonAnswer(contactPanelSchema, 'The contact panel.'), ...errorAnswers(400, 401, 404) } }),
    async (c) => {
      const conversation = await conversationOr404(c.get('agent').tenant_id, c.req.valid('param').id);
      return c.json(await contactPanel(db, conversation), 200);
    },
  );

  /** An agent edits what is known of the person; the note reaches the assistant's next turn. */
  const contactRoute = createRoute({
    method: 'patch',
    path: '/{id}/contact',
    summary: 'Change what is known of the person',
    description: "Name, e-mail, tags, note (`null` or empty clears one); the name and note reach the assistant's next turn, as information.",
    tags,
    security: agentSecurity,
    ...withJsonBody(contactChange, { params: idParam }),
    responses: { 200: jsonAnswer(contactPanelSchema, 'The contact panel as changed.'), ...errorAnswers(400, 401, 404, 415) },
  });
  app.openapi(contactRoute, async (c) => {
    const conversation = await conversationOr404(c.get('agent').tenant_id, c.req.valid('param').id);
    const change = c.req.valid('json');
    const blankIsNull = (value: string | null | undefined) => (value === undefined ? undefined : value || null);
    await saveContact(db, conversation.tenant_id, conversation.contact_key, {
      ...(change.name !== undefined ? { name: blankIsNull(change.name) } : {}),
      ...(change.email !== undefined ? { email: blankIsNull(change.email) } : {}),
      ...(change.note !== undefined ? { note: blankIsNull(change.note) } : {}),
      ...(change.tags !== undefined ? { tags: [...new Set(change.tags)] } : {}),
    });
    return c.json(await contactPanel(db, conversation), 200);
  });

  return app;
}
