import { createRoute, z } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { conversationStatuses } from '../../domain/conversation-status';
import { listInbox, type InboxCursor, type InboxRow } from '../../db/repositories/inbox';
import { channels, type Channel } from '../../domain/channels';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, queryInt, queryText } from '../openapi';
import type { ConversationList } from '../protocol/agent-api';
import { conversationListSchema } from '../protocol/agent-schemas';
import { itemView } from '../conversation-views';

const listQuery = z.object({
  limit: queryInt(1, 200, 50),
  channel: z.enum(channels as readonly [Channel, ...Channel[]]).optional(),
  status: z.enum(conversationStatuses).optional(),
  open: z.enum(['approval', 'handoff', 'any']).optional(),
  assigned: z.literal('me').optional(),
  q: queryText(200).trim().optional(),
  cursor: z.string().regex(/^[A-Za-z0-9_-]*$/, 'a cursor this list gave').max(200).optional(),
  /** These conversations only, comma-separated (the conversations behind an analytics figure). */
  ids: z
    .string()
    // Up to 200 ids, in the characters ids are made of.
    // (An alphanumeric sender ID may hold spaces.)
    .regex(/^[A-Za-z0-9:+._@ -]{1,120}(?:,[A-Za-z0-9:+._@ -]{1,120}){0,199}$/, 'up to 200 conversation ids, comma-separated')
    .transform((value) => value.split(','))
    .optional(),
})
  // A parameter this list does not know (`before=` of an older version, a misspelling) is refused, not ignored.
  .strict();

/** A page's last row as an opaque cursor: its time (microseconds and all) and id. */
function cursorOf(row: InboxRow): string {
  return Buffer.from(JSON.stringify([row.at_text, row.id])).toString('base64url');
}

function readCursor(cursor: string): InboxCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const shaped = typeof at === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/.test(at);
    // A real instant too: 2026-99-99 has the shape and no date.
    if (shaped && typeof id === 'string' && !Number.isNaN(Date.parse(`${at.replace(' ', 'T')}${/[+-]\d\d$/.test(at) ? ':00' : ''}`))) return { at, id };
  } catch {
    // Answered below.
  }
  throw new HttpError(422, 'invalid_cursor', 'cursor is not one this list gave');
}


/**
 * `GET /api/conversations`: the inbox. Every conversation of the agent's tenant, newest activity first, filtered and
 * searched, a page at a time; `nextCursor` asks for the next page (null on the last).
 */
export function conversationListRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));
  const route = createRoute({
    method: 'get',
    path: '/',
    summary: 'The inbox',
    description:
      "Every conversation of the agent's tenant, newest activity first, filtered and searched (`q`: words anyone wrote, a name or e-mail, four or more digits of a number), a page at a time. A parameter the list does not know is refused.",
    tags: ['Conversations'],
    security: agentSecurity,
    request: { query: listQuery },
    responses: { 200: jsonAnswer(conversationListSchema, 'A page of conversations.'), ...errorAnswers(400, 401, 422) },
  });
  app.openapi(route, async (c) => {
    const { limit, channel, status, open, assigned, q, cursor, ids } = c.req.valid('query');
    const agent = c.get('agent');
    // One more than asked says whether there is a next page.
    const rows = await listInbox(db, {
      tenantId: agent.tenant_id,
      agentId: agent.id,
      channel,
      status,
      open,
      assignedToMe: assigned === 'me',
      q: q || undefined,
      ids,
      after: cursor ? readCursor(cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({ conversations: page.map(itemView), nextCursor: rows.length > limit && last ? cursorOf(last) : null } satisfies ConversationList, 200);
  });
  return app;
}
