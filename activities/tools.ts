import type { ChatMessage, ToolCall } from './context';
import type { Channel } from '../domain/channels';
import { withoutNul } from '../domain/nul';
import { maxActions, maxButtonChars, maxQuickReplies, readReplyOptions, showOptionsTool, type ReplyOptions } from '../domain/reply-options';

/**
 * The tools offered to the LLM. Each is run by the workflow as its own activity (durable, retried on its own), and
 * its result goes back to the next `generateReply` call; `handoff_to_human` is handled by the workflow itself.
 */
const commonTools = [
  {
    type: 'function' as const,
    function: {
      name: 'search_knowledge',
      description:
        "Search the company's knowledge base (opening hours, prices, policies, products). Use it before answering " +
        'any factual question about the company.',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', description: 'What to look for, in a few words' } },
        required: ['query'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function' as const,
    function: {
      name: 'handoff_to_human',
      description:
        'Hand the conversation to a human agent: when the customer asks for a person, is upset, or needs something ' +
        'you cannot do or answer from the knowledge base. The customer is told a person will reply.',
      parameters: {
        type: 'object',
        properties: { reason: { type: 'string', description: 'Why a person is needed, for the agent' } },
        required: ['reason'],
        additionalProperties: false,
      },
    },
  },
];

/** Web chat only: buttons shown under the reply (`domain/reply-options.ts`). Nothing runs; the reply carries them. */
const showOptions = {
  type: 'function' as const,
  function: {
    name: showOptionsTool,
    description:
      'Show buttons under your reply in the web chat: quick replies the visitor can tap instead of typing, and links ' +
      '(a listing, a booking page, a document from the knowledge base). Call it together with your reply text; only ' +
      'use links you were given.',
    parameters: {
      type: 'object',
      properties: {
        quick_replies: {
          type: 'array',
          maxItems: maxQuickReplies,
          items: { type: 'string', maxLength: maxButtonChars },
          description: 'Short answers the visitor is likely to give next, in their words',
        },
        actions: {
          type: 'array',
          maxItems: maxActions,
          items: {
            type: 'object',
            properties: { label: { type: 'string', maxLength: maxButtonChars }, url: { type: 'string', description: 'An https link' } },
            required: ['label', 'url'],
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
};

/** The tools for a reply on `channel`. */
export function toolsFor(channel: Channel | undefined) {
  return channel === 'web' ? [...commonTools, showOptions] : commonTools;
}

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
