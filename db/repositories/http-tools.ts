import type { Kysely } from 'kysely';
import { SecretUnreadable, type SecretBox } from '../../config/secrets';
import type { Database, HttpTool } from '../schema';
import { dropSecret, openSecret, sealSecret, secretNames } from './tenant-secrets';

export function httpTools(db: Kysely<Database>, tenantId: string): Promise<HttpTool[]> {
  return db.selectFrom('http_tools').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
}

export function httpTool(db: Kysely<Database>, tenantId: string, name: string): Promise<HttpTool | undefined> {
  return db.selectFrom('http_tools').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
}

/**
 * Declares the tool, its signing secret sealed with `box` (kept in its row only where the service has no key);
 * false when the tenant has one by that name already.
 */
export async function addHttpTool(
  db: Kysely<Database>,
  box: SecretBox | null,
  tool: Omit<HttpTool, 'created_at' | 'parameters' | 'secret'> & { parameters: Record<string, unknown>; secret: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const added = await trx
      .insertInto('http_tools')
      .values({ ...tool, parameters: JSON.stringify(tool.parameters), secret: box ? null : tool.secret })
      .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    if (box) await sealSecret(trx, box, tool.tenant_id, secretNames.toolSecret(tool.name), tool.secret);
    return true;
  });
}

/** The secret a declared API's calls are signed with: sealed, or in its row where the service had no key. */
export async function httpToolSecret(db: Kysely<Database>, box: SecretBox | null, tool: HttpTool): Promise<string> {
  const secret = tool.secret ?? (await openSecret(db, box, tool.tenant_id, secretNames.toolSecret(tool.name)));
  if (secret === null) throw new SecretUnreadable(`tool ${tool.name} of tenant ${tool.tenant_id} has no signing secret`);
  return secret;
}

/** Removes the tool, its secret and its switch; false when there was none. */
export async function removeHttpTool(db: Kysely<Database>, tenantId: string, name: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('http_tools').where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
    await dropSecret(trx, tenantId, secretNames.toolSecret(name));
    await trx.deleteFrom('tenant_tools').where('tenant_id', '=', tenantId).where('name', '=', name).execute();
    return removed.numDeletedRows > 0n;
  });
}
