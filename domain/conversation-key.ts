/** Who a conversation belongs to: one per (tenant, contact), whatever the channel. */
export interface ConversationKey {
  tenantId: string;
  contactKey: string;
}

/** One workflow per (tenant, contact): SMS, WhatsApp and voice from one number share a conversation. */
export function conversationWorkflowId({ tenantId, contactKey }: ConversationKey): string {
  return `conversation:${tenantId}:${contactKey}`;
}
