import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { HttpError } from './errors';
import { getConversation } from '../db/repositories/conversations';
import type { Conversation, Database } from '../db/schema';
import { pathId } from './openapi';

/** The conversation `id` of the agent's tenant; another tenant's is as unknown as a missing one (404). */
export async function agentConversation(db: Kysely<Database>, tenantId: string, id: string): Promise<Conversation> {
  const conversation = await getConversation(db, id);
  if (!conversation || conversation.tenant_id !== tenantId) throw new HttpError(404, 'not_found', `no conversation ${id}`);
  return conversation;
}

/** A conversation's id in a route's path (`conversation:<tenant>:<contact>`, URL-encoded). */
export const conversationIdParam = z.object({
  id: pathId(300).openapi({ param: { name: 'id', in: 'path' }, example: 'conversation:default:+16045550123' }),
});
