import type { ActivityDeps } from './deps';
import type { GenerateReplyInput, GenerateReplyResult } from './llm';
import type { ReplyOptions } from '../domain/reply-options';
import type { ReplySource } from '../domain/citations';
import { customerWroteSince } from '../db/repositories/messages';
import { recordStreamedReply } from '../db/repositories/outbox';

/**
 * The result of a reply streamed live, recorded first when the turn asked for it: the customer already has it, so
 * the outbox row is written here, as spoken or shown, at the moment the last token went out. A reply overtaken by a
 * newer message is not recorded (`superseded`): the turn stops it when the customer writes again, but the word may
 * come after its last token.
 */
export async function finishStreamedReply(
  { db }: Pick<ActivityDeps, 'db'>,
  input: GenerateReplyInput,
  reply: { text: string; options?: ReplyOptions; model?: string; sources?: ReplySource[] },
  endedAt: Date,
): Promise<GenerateReplyResult> {
  const record = input.stream?.record;
  const { text, options = null, model = null, sources = null } = reply;
  const result = {
    kind: 'text' as const,
    text,
    streamedAt: endedAt.toISOString(),
    ...(options ? { options } : {}),
    ...(model ? { model } : {}),
    ...(sources ? { sources } : {}),
  };
  if (!record) return result;
  if (await customerWroteSince(db, input.conversationId, input.untilMessageId)) return { ...result, superseded: true };
  const { outboxId, target, contactKey } = record;
  await recordStreamedReply(
    db,
    {
      id: outboxId,
      conversation_id: input.conversationId,
      tenant_id: input.tenantId,
      direction: 'outbound',
      author: 'ai',
      channel: target.channel,
      from_address: target.sender ?? '',
      to_address: target.address,
      body: text,
      options: options && JSON.stringify(options),
      sources: sources && JSON.stringify(sources),
      model,
      status: 'spoken',
      provider_message_id: `${target.address}:${outboxId}`,
      created_at: endedAt,
    },
    { tenantId: input.tenantId, contactKey, channel: target.channel },
  );
  return { ...result, recordedAs: outboxId };
}
