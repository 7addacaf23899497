import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { agentForToken, createAgent } from '../db/repositories/agents';
import type { Embedder } from '../activities/knowledge/embeddings';
import { ingestDocument, textDocument } from '../activities/knowledge/ingest-document';
import type { Database } from '../db/schema';

/** A few documents so a fresh install answers questions before anyone loads a real knowledge base. */
export const demoDocuments = [
  {
    title: 'Opening hours',
    url: 'https://example.com/help/opening-hours',
    body: 'We are open Monday to Friday from 9am to 6pm and Saturday from 10am to 4pm. We are closed on Sundays and public holidays.',
  },
  {
    title: 'Returns and refunds',
    url: 'https://example.com/help/returns',
    body: 'You can return any unused item within 30 days of delivery for a full refund. Refunds reach your card within 5 business days after we receive the item.',
  },
  {
    title: 'Delivery',
    url: 'https://example.com/help/delivery',
    body: 'Standard delivery takes 2 to 4 business days and is free on orders over $50. Express delivery arrives the next business day for $12.',
  },
];

export async function seedDemoKnowledge(db: Kysely<Database>, embedder: Embedder | null, tenantId: string): Promise<number> {
  const existing = await db
    .selectFrom('knowledge_documents')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  if (Number(existing.count) > 0) return 0;
  for (const document of demoDocuments) await ingestDocument(db, embedder, textDocument(tenantId, document));
  return demoDocuments.length;
}

/**
 * Gives the tenant a number to text from when it has none, so linking a phone number works in the demo, and lets
 * its codes go to North American numbers (the README's examples are Canadian, the sandbox's number American).
 */
export async function setDemoSenderNumber(db: Kysely<Database>, tenantId: string, number: string): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ sender_number: number, code_countries: ['US', 'CA'] })
    .where('id', '=', tenantId)
    .where('sender_number', 'is', null)
    .execute();
}

/**
 * The demo agent's bearer token, the same at every start: kept in `tokenFile` (inside the local data folder, next
 * to the embedded database it opens) and created once. Tokens are stored hashed, so the file is the only copy.
 */
export async function demoAgentToken(db: Kysely<Database>, tenantId: string, tokenFile: string): Promise<string> {
  const kept = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '';
  const agent = kept ? await agentForToken(db, kept) : undefined;
  if (agent) {
    // The demo agent is an admin (it may turn tools on and off), also when it was created before agents had roles.
    await db.updateTable('agents').set({ role: 'admin' }).where('id', '=', agent.id).execute();
    return kept;
  }
  const { token } = await createAgent(db, { tenantId, name: 'Demo agent', role: 'admin' });
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  return token;
}
