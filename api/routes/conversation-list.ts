import { Hono } from 'hono';
import { z } from 'zod';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { conversationStatuses } from '../../domain/conversation-status';
import { listInbox, type InboxCursor, type InboxRow } from '../../db/repositories/inbox';
import { channels, type Channel } from '../../domain/channels';
import type { ConversationList } from '../protocol/agent-api';
import { itemView } from '../conversation-views';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  channel: z.enum(channels as readonly [Channel, ...Channel[]]).optional(),
  status: z.enum(conversationStatuses).optional(),
  open: z.enum(['approval', 'handoff', 'any']).optional(),
  assigned: z.literal('me').optional(),
  q: z.string().trim().max(200).optional(),
  cursor: z.string().max(200).optional(),
  /** These conversations only, comma-separated (the conversations behind an analytics figure). */
  ids: z
    .string()
    .max(20_000)
    .transform((value) => value.split(',').filter(Boolean))
    .pipe(z.array(z.string().max(300)).max(200))
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
  throw new HttpError(400, 'invalid_query', 'cursor is not one this list gave');
}


/**
 * `GET /api/conversations`: the inbox. Every conversation of the agent's tenant, newest activity first, filtered and
 * searched, a page at a time; `nextCursor` asks for the next page (null on the last).
 */
export function conversationListRoutes({ db }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));
  app.get('/', async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, 'invalid_query', issue ? `${issue.path.join('.') || 'query'}: ${issue.message}` : 'bad query');
    }
    const { limit, channel, status, open, assigned, q, cursor, ids } = parsed.data;
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
    return c.json({ conversations: page.map(itemView), nextCursor: rows.length > limit && last ? cursorOf(last) : null } satisfies ConversationList);
  });
  return app;
}
