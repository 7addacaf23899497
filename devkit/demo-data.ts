import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { agentForToken, createAgent } from '../db/repositories/agents';
import type { Embedder } from '../activities/knowledge/embeddings';
import { ingestDocument } from '../activities/knowledge/ingest-document';
import type { DocumentKind } from '../domain/knowledge/sections';
import { collect } from '../scripts/kb-ingest';
import { projectRoot } from './python-tools';
import type { Database } from '../db/schema';

/** The demo business's help centre: Markdown, HTML and text files, as a company would load its own. */
export const demoKnowledgeFolder = join(projectRoot, 'devkit', 'demo-knowledge');

/**
 * Loads the demo help centre into a tenant whose knowledge base is empty, through the same ingestion as
 * `npm run kb -- ingest devkit/demo-knowledge` (the same keys, so that command finds them unchanged).
 */
export async function seedDemoKnowledge(db: Kysely<Database>, embedder: Embedder | null, tenantId: string): Promise<number> {
  const existing = await db
    .selectFrom('knowledge_documents')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  if (Number(existing.count) > 0) return 0;
  const { items } = collect(demoKnowledgeFolder, projectRoot);
  for (const item of items) {
    if (!item.kind || !item.bytes) continue;
    const outcome = await ingestDocument(db, embedder, { tenantId, source: item.source, kind: item.kind as DocumentKind, bytes: item.bytes });
    if (outcome.outcome === 'failed') throw new Error(`demo document ${item.source}: ${outcome.reason}`);
  }
  return items.length;
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
