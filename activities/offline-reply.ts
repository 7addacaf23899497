import { setTimeout as sleep } from 'node:timers/promises';
import type { ActivityDeps } from './deps';
import { extractiveReply } from './extractive';
import type { GenerateReplyInput, GenerateReplyResult } from './llm';
import { turnMessages } from './reply-context';
import type { TokenStream } from './token-stream';

/**
 * A turn without a model: the extractive responder's reply. Streamed (a call, a chat), it is written word by word at
 * a speaking pace, as a model would, so a caller can cut in and a visitor sees it grow; the abort signal stops it.
 */
export async function offlineReply(
  deps: Pick<ActivityDeps, 'db' | 'llm' | 'embedder'>,
  input: GenerateReplyInput,
  stream: TokenStream | null,
  signal: AbortSignal,
): Promise<GenerateReplyResult> {
  const reply = await extractiveReply(deps.db, deps.embedder, input.tenantId, await turnMessages(deps, input), input.channel);
  if (stream && reply.kind === 'text') {
    for (const [index, word] of (reply.text.match(/\S+\s*/g) ?? []).entries()) {
      if (index > 0) await sleep(deps.llm.offlineWordMs, undefined, { signal });
      stream.push(word);
    }
  }
  return reply;
}
