import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { agentForToken, createAgent } from '../db/repositories/agents';
import type { Client } from '@temporalio/client';
import { startIngest } from '../api/knowledge-runs';
import { collect } from '../scripts/kb-ingest';
import { projectRoot } from './python-tools';
import type { Database } from '../db/schema';

/** The demo business's help centre: Markdown, HTML and text files, as a company would load its own. */
export const demoKnowledgeFolder = join(projectRoot, 'devkit', 'demo-knowledge');

/**
 * Loads the demo help centre into a tenant that has no documents and no ingestion run yet, as an ingestion run of
 * its own (what `npm run kb -- ingest devkit/demo-knowledge` does, with the same keys): the worker embeds it in the
 * background, and a start killed half-way resumes it. Returns the run's id, or null when there was nothing to do.
 */
export async function seedDemoKnowledge(db: Kysely<Database>, temporal: Client, taskQueue: string, tenantId: string): Promise<string | null> {
  const [documents, runs] = await Promise.all([
    db.selectFrom('knowledge_documents').select('id').where('tenant_id', '=', tenantId).limit(1).execute(),
    db.selectFrom('knowledge_ingests').select('id').where('tenant_id', '=', tenantId).limit(1).execute(),
  ]);
  if (documents.length > 0 || runs.length > 0) return null;
  return startIngest(db, temporal, taskQueue, { tenantId, items: collect(demoKnowledgeFolder, projectRoot).items });
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
