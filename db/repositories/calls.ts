import { sql, type Kysely } from 'kysely';
import type { Call, CallTurn, Database } from '../schema';

/** What a spoken reply's row becomes when the caller cut in: `body` what they heard, `full_body` the whole reply. */
export async function markInterrupted(db: Kysely<Database>, messageId: string, heard: string): Promise<boolean> {
  const row = await db
    .updateTable('messages')
    .set({
      // When the row holds only what was heard already (the writing was stopped), there is no longer reply to keep.
      full_body: sql`case when body = ${heard.trim()} then full_body else coalesce(full_body, body) end`,
      body: heard.trim(),
      status: 'interrupted',
      updated_at: new Date(),
    })
    .where('id', '=', messageId)
    .where((eb) => eb.or([eb('status', '<>', 'interrupted'), eb('body', '<>', heard.trim())]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordCallStart(
  db: Kysely<Database>,
  call: {
    callSid: string;
    tenantId: string;
    conversationId: string;
    contactKey: string;
    direction: string;
    from: string;
    to: string;
    status: string;
  },
): Promise<void> {
  await db
    .insertInto('calls')
    .values({
      call_sid: call.callSid,
      tenant_id: call.tenantId,
      conversation_id: call.conversationId,
      contact_key: call.contactKey,
      direction: call.direction,
      from_address: call.from,
      to_address: call.to,
      status: call.status,
    })
    .onConflict((oc) => oc.column('call_sid').doUpdateSet({ status: call.status }))
    .execute();
}

/**
 * Binds a relay session (ConversationRelay's `setup`) to the call the signed voice webhook recorded, once: the call
 * as recorded then, or undefined when there is no such call, it is over, or a session has it already.
 */
export async function bindRelaySession(db: Kysely<Database>, callSid: string, sessionId: string): Promise<Call | undefined> {
  return db
    .updateTable('calls')
    .set({ session_id: sessionId, status: 'in-progress', connected_at: sql`coalesce(connected_at, now())` })
    .where('call_sid', '=', callSid)
    .where('ended_at', 'is', null)
    .where('session_id', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** What the `<Connect action>` callback or the call's status callback tell about its end. */
export async function recordCallEnd(
  db: Kysely<Database>,
  callSid: string,
  end: {
    status?: string;
    sessionStatus?: string;
    durationSeconds?: number;
    handoffData?: string | null;
    errorCode?: string | null;
    errorMessage?: string | null;
  },
): Promise<Call | undefined> {
  return db
    .updateTable('calls')
    .set({
      ...(end.status ? { status: end.status } : {}),
      ...(end.sessionStatus ? { session_status: end.sessionStatus } : {}),
      ...(end.durationSeconds !== undefined ? { duration_seconds: end.durationSeconds } : {}),
      ...(end.handoffData ? { handoff_data: end.handoffData } : {}),
      ...(end.errorCode ? { error_code: end.errorCode, error_message: end.errorMessage ?? null } : {}),
      ended_at: sql`coalesce(ended_at, now())`,
    })
    .where('call_sid', '=', callSid)
    .returningAll()
    .executeTakeFirst();
}

/** A call's status as it moves (ringing, in-progress); the end is `recordCallEnd`. */
export async function recordCallStatus(db: Kysely<Database>, callSid: string, status: string): Promise<Call | undefined> {
  return db.updateTable('calls').set({ status }).where('call_sid', '=', callSid).returningAll().executeTakeFirst();
}

export async function recordTurnPrompt(db: Kysely<Database>, turn: { callSid: string; turnId: string; prompt: string; at: Date }): Promise<void> {
  await db
    .insertInto('call_turns')
    .values({ call_sid: turn.callSid, turn_id: turn.turnId, prompt: turn.prompt, prompt_at: turn.at })
    .onConflict((oc) => oc.columns(['call_sid', 'turn_id']).doNothing())
    .execute();
}

/** Timing of a turn's reply as the caller got it: first token, last token, or the moment they cut in. */
export async function recordTurnTiming(
  db: Kysely<Database>,
  callSid: string,
  turnId: string,
  timing: { firstTokenAt?: Date; lastTokenAt?: Date; interruptedAt?: Date },
): Promise<void> {
  await db
    .updateTable('call_turns')
    .set({
      ...(timing.firstTokenAt ? { first_token_at: sql`coalesce(first_token_at, ${timing.firstTokenAt})` } : {}),
      ...(timing.lastTokenAt ? { last_token_at: timing.lastTokenAt } : {}),
      ...(timing.interruptedAt ? { interrupted_at: timing.interruptedAt } : {}),
    })
    .where('call_sid', '=', callSid)
    .where('turn_id', '=', turnId)
    .execute();
}

/** A conversation's calls, newest first, each with its turns in order. */
export async function listCalls(db: Kysely<Database>, conversationId: string): Promise<(Call & { turns: CallTurn[] })[]> {
  const calls = await db.selectFrom('calls').selectAll().where('conversation_id', '=', conversationId).orderBy('started_at', 'desc').limit(50).execute();
  if (calls.length === 0) return [];
  const turns = await db
    .selectFrom('call_turns')
    .selectAll()
    .where(
      'call_sid',
      'in',
      calls.map((c) => c.call_sid),
    )
    .orderBy('prompt_at')
    .execute();
  return calls.map((call) => ({ ...call, turns: turns.filter((t) => t.call_sid === call.call_sid) }));
}

/** The tenant a call was recorded for (by the voice webhook, or when the service placed it). */
export async function tenantOfCall(db: Kysely<Database>, callSid: string): Promise<string | null> {
  const row = await db.selectFrom('calls').select('tenant_id').where('call_sid', '=', callSid).executeTakeFirst();
  return row?.tenant_id ?? null;
}
