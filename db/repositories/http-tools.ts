import type { Kysely } from 'kysely';
import type { Database, HttpTool } from '../schema';

export function httpTools(db: Kysely<Database>, tenantId: string): Promise<HttpTool[]> {
  return db.selectFrom('http_tools').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
}

export function httpTool(db: Kysely<Database>, tenantId: string, name: string): Promise<HttpTool | undefined> {
  return db.selectFrom('http_tools').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
}

/** Declares the tool; false when the tenant has one by that name already. */
export async function addHttpTool(db: Kysely<Database>, tool: Omit<HttpTool, 'created_at' | 'parameters'> & { parameters: Record<string, unknown> }): Promise<boolean> {
  const added = await db
    .insertInto('http_tools')
    .values({ ...tool, parameters: JSON.stringify(tool.parameters) })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
    .executeTakeFirst();
  return Number(added.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Removes the tool and its switch; false when there was none. */
export async function removeHttpTool(db: Kysely<Database>, tenantId: string, name: string): Promise<boolean> {
  const removed = await db.deleteFrom('http_tools').where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
  await db.deleteFrom('tenant_tools').where('tenant_id', '=', tenantId).where('name', '=', name).execute();
  return removed.numDeletedRows > 0n;
}
