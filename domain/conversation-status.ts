/**
 * Where a conversation stands, as the inbox shows and filters it: `ai`, the assistant answers; `waiting` for a
 * person; `with_agent`, a person has it; `opted_out` of a channel; `closed`, its run ended.
 */
export const conversationStatuses = ['ai', 'waiting', 'with_agent', 'opted_out', 'closed'] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];
