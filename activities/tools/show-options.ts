import { z } from 'zod';
import { defineTool } from './tool';
import type { ChatMessage, ToolCall } from '../context';
import { withoutNul } from '../../domain/nul';
import { maxActions, maxButtonChars, maxQuickReplies, readReplyOptions, showOptionsTool, type ReplyOptions } from '../../domain/reply-options';

/** Web chat only: buttons under the reply (`domain/reply-options.ts`). Nothing runs; the reply carries them. */
export const showOptions = defineTool({
  name: showOptionsTool,
  description:
    'Show buttons under your reply in the web chat: quick replies the visitor can tap instead of typing, and links ' +
    '(a listing, a booking page, a document from the knowledge base). Call it together with your reply text; only ' +
    'use links you were given.',
  args: z.object({
    quick_replies: z
      .array(z.string().max(maxButtonChars))
      .max(maxQuickReplies)
      .optional()
      .describe('Short answers the visitor is likely to give next, in their words'),
    actions: z
      .array(z.object({ label: z.string().max(maxButtonChars), url: z.string().describe('An https link') }))
      .max(maxActions)
      .optional(),
  }),
  kind: 'display',
  pack: 'core',
  channels: ['web'],
  async run() {
    return 'The buttons will be shown under your reply. Now write the reply.';
  },
});

/** The buttons this turn asked for so far: the newest `show_options` call, in this round or an earlier one. */
export function optionsShown(exchange: readonly ChatMessage[], calls: readonly ToolCall[]): ReplyOptions | null {
  const earlier = exchange.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []));
  const call = [...earlier, ...calls].filter((c) => c.function.name === showOptionsTool).at(-1);
  if (!call) return null;
  try {
    // The labels are kept (as JSON) with the reply: without NUL characters, which JSON may spell as `\u0000`.
    return readReplyOptions(withoutNul(JSON.parse(call.function.arguments)));
  } catch {
    return null;
  }
}
