import type { Kysely } from 'kysely';
import { systemPrompt } from '../activities/system-prompt';
import { offeredTools } from '../activities/tools/registry';
import type { Channel } from '../domain/channels';
import type { Database } from '../db/schema';

/** The system prompt a tenant's assistant is given now on `channel`, as a turn there builds it: what agents see. */
export async function assistantPrompt(db: Kysely<Database>, tenantId: string, channel: Channel): Promise<string> {
  const [tenant, tools] = await Promise.all([
    db.selectFrom('tenants').select(['name', 'system_prompt', 'persona', 'time_zone']).where('id', '=', tenantId).executeTakeFirstOrThrow(),
    offeredTools(db, tenantId, channel),
  ]);
  return systemPrompt(tenant, tools, channel, new Date());
}
