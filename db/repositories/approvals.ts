import type { Kysely } from 'kysely';
import type { Approval, ApprovalStatus, Database } from '../schema';

export async function insertApproval(
  db: Kysely<Database>,
  approval: Pick<Approval, 'id' | 'tenant_id' | 'conversation_id' | 'tool' | 'arguments_hash' | 'deadline'> & { arguments: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('approvals')
    .values({ ...approval, arguments: JSON.stringify(approval.arguments), status: 'pending' })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export function getApproval(db: Kysely<Database>, tenantId: string, id: string): Promise<Approval | undefined> {
  return db.selectFrom('approvals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The tenant's approvals waiting for a decision, oldest first (with `all`, the newest decided ones too). */
export function listApprovals(db: Kysely<Database>, tenantId: string, all = false): Promise<Approval[]> {
  let query = db.selectFrom('approvals').selectAll().where('tenant_id', '=', tenantId);
  if (!all) query = query.where('status', '=', 'pending');
  return query.orderBy('created_at', all ? 'desc' : 'asc').limit(200).execute();
}

/** Records a decision on a pending approval (or finds it recorded already: a repeat changes nothing). */
export async function decideApproval(
  db: Kysely<Database>,
  id: string,
  decision: { status: Exclude<ApprovalStatus, 'pending'>; decidedBy?: string | null; note?: string | null },
): Promise<void> {
  await db
    .updateTable('approvals')
    .set({ status: decision.status, decided_by: decision.decidedBy ?? null, note: decision.note ?? null, decided_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function setApprovalResult(db: Kysely<Database>, id: string, result: unknown): Promise<void> {
  await db.updateTable('approvals').set({ result: JSON.stringify(result) }).where('id', '=', id).execute();
}
