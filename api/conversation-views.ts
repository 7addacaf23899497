import type { Approval, Call, CallTurn, Conversation, Message, WebVisitor } from '../db/schema';
import type { ReplySource } from '../domain/citations';
import { readReplyOptions } from '../domain/reply-options';
import type { ApprovalView, CallView, ConversationListItem, ConversationView, MessageView, WebVisitorView } from './protocol/agent-api';
import type { InboxRow } from '../db/repositories/inbox';

// The read model's rows as the agent API shows them (api/protocol/agent-api.ts).

export function conversationView(c: Conversation): ConversationView {
  return {
    id: c.id,
    tenantId: c.tenant_id,
    contactKey: c.contact_key,
    lastChannel: c.last_channel,
    channels: c.channels,
    summary: c.summary,
    messageCount: c.message_count,
    lastMessageAt: c.last_message_at.toISOString(),
    createdAt: c.created_at.toISOString(),
  };
}

/** A web visitor as they described themselves; `linkedPhone` is the one number they proved. */
export function visitorView(v: WebVisitor): WebVisitorView {
  return { name: v.name, email: v.email, phone: v.phone, linkedPhone: v.linked_phone, since: v.created_at.toISOString() };
}

export function messageView(m: Message): MessageView {
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    channel: m.channel,
    from: m.from_address,
    to: m.to_address,
    body: m.body,
    media: m.media,
    providerMessageId: m.provider_message_id,
    status: m.status,
    errorCode: m.error_code,
    errorMessage: m.error_message,
    fullBody: m.full_body,
    options: readReplyOptions(m.options),
    model: m.model,
    sources: Array.isArray(m.sources) ? (m.sources as ReplySource[]) : null,
    createdAt: m.created_at.toISOString(),
  };
}

export function callView(call: Call & { turns: CallTurn[] }): CallView {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    callSid: call.call_sid,
    direction: call.direction,
    from: call.from_address,
    to: call.to_address,
    status: call.status,
    sessionStatus: call.session_status,
    durationSeconds: call.duration_seconds,
    handoffData: call.handoff_data,
    errorCode: call.error_code,
    startedAt: call.started_at.toISOString(),
    connectedAt: iso(call.connected_at),
    endedAt: iso(call.ended_at),
    turns: call.turns.map((t) => ({
      turnId: t.turn_id,
      prompt: t.prompt,
      promptAt: t.prompt_at.toISOString(),
      firstTokenAt: iso(t.first_token_at),
      lastTokenAt: iso(t.last_token_at),
      interruptedAt: iso(t.interrupted_at),
    })),
  };
}

/** The arguments in words: "order id: A-1, amount: 20". */
function inWords(args: Record<string, unknown>): string {
  return Object.entries(args)
    .map(([name, value]) => `${name.replace(/_/g, ' ')}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

export function approvalView(a: Approval): ApprovalView {
  return {
    id: a.id,
    conversationId: a.conversation_id,
    tool: a.tool,
    arguments: a.arguments,
    summary: inWords(a.arguments),
    argumentsHash: a.arguments_hash,
    status: a.status,
    decidedBy: a.decided_by,
    note: a.note,
    result: a.result ?? null,
    deadline: a.deadline.toISOString(),
    createdAt: a.created_at.toISOString(),
    decidedAt: a.decided_at?.toISOString() ?? null,
  };
}

/** A row of the inbox. */
export function itemView(row: InboxRow): ConversationListItem {
  return {
    id: row.id,
    contactKey: row.contact_key,
    name: row.name,
    email: row.email,
    channels: row.channels,
    lastChannel: row.last_channel,
    status: row.status,
    lastMessageAt: row.last_message_at.toISOString(),
    preview: row.preview,
    previewAuthor: row.preview_author,
    openApprovals: row.open_approvals,
    messageCount: row.message_count,
    createdAt: row.created_at.toISOString(),
  };
}
