import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { ActivityDeps } from './deps';
import { heartbeating } from './heartbeat';
import type { SendMessageInput } from './outbound';
import { isEnabled, tenantTool } from './tools/registry';
import { refused, type ToolContext, type ToolDefinition, type ToolNotification, type ToolResult } from './tools/tool';
import type { Channel } from '../domain/channels';
import { conversationWorkflowId } from '../domain/conversation-key';
import { finishToolRun, startToolRun } from '../db/repositories/tool-runs';
import { toolScope, toolSwitches } from '../db/repositories/tools';
import { withoutNul } from '../domain/nul';
import type { Database } from '../db/schema';

export interface RunToolInput {
  tenantId: string;
  conversationId: string;
  channel?: Channel;
  name: string;
  /** Checked against the tool's schema when the model asked (`planCall`), and again here. */
  arguments: Record<string, unknown>;
  /** From the workflow (its conversation, turn, round and call index), never the model: the same for every attempt. */
  key: string;
  /** An approved call: the declaration it was approved for (`ToolDefinition.fingerprint`); another is refused. */
  fingerprint?: string;
}

/** Sends a message through the outbox (`sendMessage`); how tools' notifications go out. */
export type SendThroughOutbox = (input: SendMessageInput) => Promise<unknown>;

async function toolOrFail(db: Kysely<Database>, input: RunToolInput, kind: 'read' | 'write'): Promise<ToolDefinition | { error: string }> {
  const [tool, switches] = await Promise.all([tenantTool(db, input.tenantId, input.name), toolSwitches(db, input.tenantId)]);
  // A declared API removed since the model asked: nothing to run, now or on a retry.
  if (!tool || tool.kind !== kind) throw ApplicationFailure.nonRetryable(`no ${kind} tool named ${input.name}`, 'UnknownTool');
  // Turned off since the model asked (or while its call waited for approval): it does not run.
  if (!isEnabled(tool, switches)) return refused(`${input.name} was turned off; it did not run`);
  return tool;
}

function checkedArguments(tool: ToolDefinition, args: Record<string, unknown>): Record<string, unknown> {
  const checked = tool.args.safeParse(args);
  if (!checked.success) throw ApplicationFailure.nonRetryable(`arguments of ${tool.name} do not fit its schema`, 'InvalidToolArguments');
  return checked.data;
}

export function toolActivities({ db, tools, embedder }: Pick<ActivityDeps, 'db' | 'tools' | 'embedder'>, send: SendThroughOutbox) {
  async function context(input: RunToolInput, trx: Kysely<Database>, signal: AbortSignal, notifications: ToolNotification[] | null): Promise<ToolContext> {
    const scope = await toolScope(trx, input.tenantId, input.conversationId);
    if (!scope.contactKey) throw ApplicationFailure.nonRetryable(`no conversation ${input.conversationId}`, 'UnknownConversation');
    return {
      db: trx,
      tenantId: input.tenantId,
      conversationId: input.conversationId,
      contactKey: scope.contactKey,
      channel: input.channel ?? null,
      timeZone: scope.timeZone,
      now: new Date(),
      callKey: input.key,
      allowPrivateUrls: tools.allowPrivateUrls,
      secrets: tools.secrets,
      embedder,
      signal,
      async notify(notification) {
        if (!notifications) throw new Error(`${input.name} reads only: it cannot send messages`);
        notifications.push(notification);
      },
    };
  }

  /**
   * Sends what a committed write owes people, each through the outbox under its own id: a message sent before is
   * recognised there and not sent again, one refused for good (an opted-out number) stays refused on its row.
   */
  async function sendNotifications(input: RunToolInput, notifications: ToolNotification[]): Promise<void> {
    if (notifications.length === 0) return;
    const tenant = await db.selectFrom('tenants').select('sender_number').where('id', '=', input.tenantId).executeTakeFirst();
    for (const n of notifications) {
      try {
        await send({
          outboxId: `notify:${n.id}`,
          conversationId: conversationWorkflowId({ tenantId: input.tenantId, contactKey: n.phone }),
          tenantId: input.tenantId,
          contactKey: n.phone,
          target: { channel: 'sms', address: n.phone, sender: tenant?.sender_number ?? null },
          delivery: { text: n.text, author: 'system' },
        });
      } catch (error) {
        if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
        log.warn('tool notification refused', { id: n.id, error: error.message });
      }
    }
  }

  return {
    /** A read tool: it changes nothing, so it may run any number of times. */
    async runReadTool(input: RunToolInput): Promise<ToolResult> {
      const tool = await toolOrFail(db, input, 'read');
      if ('error' in tool) return tool;
      const signal = Context.current().cancellationSignal;
      // An answer from outside (a company's API) may spell U+0000, which no record can hold.
      return withoutNul(await tool.run(checkedArguments(tool, input.arguments), await context(input, db, signal, null)));
    },

    /**
     * A write tool, exactly once per key: its effect (our own rows), its outcome and the messages it owes commit in
     * one transaction, and any later attempt (a retry after the write, a worker that died before reporting, a
     * replayed turn) finds the outcome and returns it instead of acting again. A worker killed mid-run leaves
     * nothing: the transaction is rolled back and the next attempt starts afresh. The messages go out after the
     * commit, through the outbox, on every attempt until one gets through (the outbox sends each once). A company's
     * API, whose effect is not ours to roll back, gets the key as `Idempotency-Key` on every attempt.
     */
    async runWriteTool(input: RunToolInput): Promise<ToolResult> {
      const tool = await toolOrFail(db, input, 'write');
      if ('error' in tool) return tool;
      if (input.fingerprint !== undefined && input.fingerprint !== (tool.fingerprint ?? '')) {
        return refused(`${tool.name} was changed after the call was approved; it did not run`);
      }
      const args = checkedArguments(tool, input.arguments);
      return heartbeating(async (signal) => {
        const { result, notifications } = await db.transaction().execute(async (trx) => {
          const run = await startToolRun(trx, { key: input.key, tenantId: input.tenantId, conversationId: input.conversationId, tool: tool.name, arguments: args });
          if (run.done) return { result: run.result as ToolResult, notifications: (run.notifications ?? []) as ToolNotification[] };
          const owed: ToolNotification[] = [];
          // Kept as the outcome: an answer from outside (a company's API) may spell U+0000, which jsonb refuses.
          const outcome = withoutNul(await tool.run(args, await context(input, trx, signal, owed)));
          await finishToolRun(trx, input.key, outcome, owed);
          return { result: outcome, notifications: owed };
        });
        await sendNotifications(input, notifications);
        return result;
      });
    },
  };
}
