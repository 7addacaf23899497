import { heartbeating } from './heartbeat';
import type { ActivityDeps } from './deps';
import { judge } from './replay/judge';
import { recordedTurns } from './replay/recorded-turns';
import { answersDiffer } from './replay/report';
import { variantAnswer } from './replay/variant-answer';
import type { ReplayVariant } from './replay/variant';
import { finishReplay, getReplay, saveReplayedConversation } from '../db/repositories/replays';
import { channels, type Channel } from '../domain/channels';

export interface ReplayConversationInput {
  replayId: string;
  tenantId: string;
  conversationId: string;
  variant: ReplayVariant;
  /** The turns asked in [from, to) (ISO instants: the replay's days in the tenant's time zone). */
  from: string;
  to: string;
  maxToolRounds: number;
  judgeModel: string | null;
}

export function replayActivities(deps: ActivityDeps) {
  const { db, models } = deps;
  async function replay(input: ReplayConversationInput, signal: AbortSignal): Promise<{ turns: number; changed: number }> {
    const conversation = await db.selectFrom('conversations').select(['id', 'last_channel']).where('id', '=', input.conversationId).where('tenant_id', '=', input.tenantId).executeTakeFirst();
    if (!conversation) return { turns: 0, changed: 0 };
    const scope = { tenantId: input.tenantId, conversationId: input.conversationId, channel: channels.includes(conversation.last_channel as Channel) ? (conversation.last_channel as Channel) : undefined };
    const judgeModels = input.judgeModel && models ? models.withModel(input.judgeModel) : null;
    const turns = [];
    for (const turn of await recordedTurns(db, input.conversationId, new Date(input.from), new Date(input.to))) {
      // A model that fails throws: retried, and past the last attempt the replay stops saying why (a model the
      // endpoint does not know fails it at once).
      const variant = await variantAnswer({ ...deps, maxToolRounds: input.maxToolRounds }, scope, turn, input.variant, signal);
      const changed = answersDiffer(turn.answer, variant);
      const verdict = changed && judgeModels ? await judge(judgeModels, scope, turn.question, turn.answer, variant, signal).catch(() => null) : null;
      turns.push({
        position: turn.position,
        askedAt: turn.askedAt,
        question: turn.question,
        recorded: turn.answer,
        variant,
        changed,
        verdict: changed ? (verdict?.verdict ?? null) : judgeModels ? 'same' : null,
        verdictReason: verdict?.reason ?? null,
      });
    }
    await saveReplayedConversation(db, input.replayId, input.conversationId, turns);
    return { turns: turns.length, changed: turns.filter((t) => t.changed).length };
  }

  return {
    /**
     * Replays one conversation's turns against the variant and keeps them beside the recorded ones (replacing what
     * an earlier attempt kept, so a retry counts once). Heartbeats every second. Sends nothing and changes nothing live.
     */
    async replayConversation(input: ReplayConversationInput): Promise<{ turns: number; changed: number }> {
      return heartbeating((signal) => replay(input, signal));
    },

    /** Ends a replay: done, or failed with why. */
    async finishReplay(input: { replayId: string; tenantId: string; error?: string }): Promise<{ status: string }> {
      await finishReplay(db, input.replayId, input.error);
      return { status: (await getReplay(db, input.tenantId, input.replayId))?.status ?? 'unknown' };
    },
  };
}
