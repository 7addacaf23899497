import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { heartbeating } from './heartbeat';
import { toolNamed } from './tools/registry';
import type { ToolContext, ToolDefinition, ToolResult } from './tools/tool';
import type { Channel } from '../domain/channels';
import { finishToolRun, startToolRun } from '../db/repositories/tool-runs';
import { toolScope } from '../db/repositories/tools';

export interface RunToolInput {
  tenantId: string;
  conversationId: string;
  channel?: Channel;
  name: string;
  /** Checked against the tool's schema when the model asked (`planCall`), and again here. */
  arguments: Record<string, unknown>;
}

export interface RunWriteToolInput extends RunToolInput {
  /** From the workflow (its id, run, turn, round and call index), never the model: the same for every attempt. */
  key: string;
}

function toolOrFail(name: string, kind: 'read' | 'write'): ToolDefinition {
  const tool = toolNamed(name);
  if (!tool || tool.kind !== kind) throw ApplicationFailure.nonRetryable(`no ${kind} tool named ${name}`, 'UnknownTool');
  return tool;
}

function checkedArguments(tool: ToolDefinition, args: Record<string, unknown>): Record<string, unknown> {
  const checked = tool.args.safeParse(args);
  if (!checked.success) throw ApplicationFailure.nonRetryable(`arguments of ${tool.name} do not fit its schema`, 'InvalidToolArguments');
  return checked.data;
}

export function toolActivities({ db }: Pick<ActivityDeps, 'db'>) {
  async function context(input: RunToolInput, trx = db): Promise<ToolContext> {
    const scope = await toolScope(trx, input.tenantId, input.conversationId);
    if (!scope.contactKey) throw ApplicationFailure.nonRetryable(`no conversation ${input.conversationId}`, 'UnknownConversation');
    return { db: trx, tenantId: input.tenantId, conversationId: input.conversationId, contactKey: scope.contactKey, channel: input.channel ?? null, timeZone: scope.timeZone, now: new Date() };
  }

  return {
    /** A read tool: it changes nothing, so it may run any number of times. */
    async runReadTool(input: RunToolInput): Promise<ToolResult> {
      const tool = toolOrFail(input.name, 'read');
      return tool.run(checkedArguments(tool, input.arguments), await context(input));
    },

    /**
     * A write tool, exactly once per key: its effect (our own rows) and its outcome commit in one transaction, and
     * any later attempt (a retry after the write, a worker that died before reporting, a replayed turn) finds the
     * outcome and returns it instead of acting again. A worker killed mid-run leaves nothing: the transaction is
     * rolled back and the next attempt starts afresh.
     */
    async runWriteTool(input: RunWriteToolInput): Promise<ToolResult> {
      const tool = toolOrFail(input.name, 'write');
      const args = checkedArguments(tool, input.arguments);
      return heartbeating(() =>
        db.transaction().execute(async (trx) => {
          const run = await startToolRun(trx, { key: input.key, tenantId: input.tenantId, conversationId: input.conversationId, tool: tool.name, arguments: args });
          if (run.done) return run.result as ToolResult;
          const result = await tool.run(args, await context(input, trx));
          await finishToolRun(trx, input.key, result);
          return result;
        }),
      );
    },
  };
}
