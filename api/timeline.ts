import type { ApprovalView, CallView, MessageView, WebVisitorView } from './protocol/agent-api';
import type { HandoffEntry, TimelineEntry, ToolEntry } from './protocol/timeline';

/** What a timeline is made of, each list in any order. */
export interface TimelineParts {
  messages: MessageView[];
  calls: CallView[];
  handoffs: (HandoffEntry & { at: string })[];
  approvals: ApprovalView[];
  tools: (ToolEntry & { at: string })[];
  visitors: WebVisitorView[];
}

const summaryPrefix = 'Summary of the phone call: ';

/** Whether a voice message belongs to the call: a caller's turn, a reply spoken on it, or the note written after it. */
function ofCall(message: MessageView, callSid: string): boolean {
  return message.channel === 'voice' && (message.providerMessageId?.startsWith(`${callSid}:`) || message.to === callSid || message.from === callSid);
}

/**
 * One person's conversation in time order: each call a single block holding its spoken turns and its summary, the
 * other messages, handoffs, approvals, tools and web visits between them. Entries at the same moment keep the order
 * of the list above (a message before the tool it led to).
 */
export function buildTimeline(parts: TimelineParts): TimelineEntry[] {
  const inCalls = new Set<string>();
  const entries: TimelineEntry[] = [];
  for (const call of parts.calls) {
    const spoken = parts.messages.filter((m) => ofCall(m, call.callSid));
    for (const m of spoken) inCalls.add(m.id);
    const note = spoken.find((m) => m.direction === 'internal' && m.body.startsWith(summaryPrefix));
    entries.push({
      kind: 'call',
      at: call.startedAt,
      call,
      transcript: spoken.filter((m) => m !== note),
      summary: note ? note.body.slice(summaryPrefix.length) : null,
    });
  }
  for (const message of parts.messages) if (!inCalls.has(message.id)) entries.push({ kind: 'message', at: message.createdAt, message });
  for (const { at, ...handoff } of parts.handoffs) entries.push({ kind: 'handoff', at, handoff });
  for (const approval of parts.approvals) entries.push({ kind: 'approval', at: approval.createdAt, approval });
  for (const { at, ...tool } of parts.tools) entries.push({ kind: 'tool', at, tool });
  for (const visitor of parts.visitors) entries.push({ kind: 'visitor', at: visitor.since, visitor });
  const rank: Record<TimelineEntry['kind'], number> = { visitor: 0, call: 1, message: 2, handoff: 3, approval: 4, tool: 5 };
  return entries
    .map((entry, index) => ({ entry, index, time: Date.parse(entry.at) }))
    .sort((a, b) => a.time - b.time || rank[a.entry.kind] - rank[b.entry.kind] || a.index - b.index)
    .map(({ entry }) => entry);
}
