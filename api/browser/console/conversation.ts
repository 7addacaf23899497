import type { CallView, ConversationDetail, ConversationMessages, MessageView, WebVisitorView } from '../../protocol/agent-api';
import { api } from './agent-api';
import { el } from './create-element';
import { page } from './page';
import { state } from './state';

const authorLabel: Record<string, string> = { customer: 'Customer', ai: 'AI', agent: 'Agent', system: 'Automatic' };
/** A handoff in one of these is someone's to work on. */
const activeStatuses = ['open', 'escalated', 'claimed'];

/** One line per phone call of the conversation: direction, how long, how it ended. */
function callLine(call: CallView): HTMLLIElement {
  const length = call.durationSeconds === null ? '' : ` · ${call.durationSeconds} s`;
  const how = call.handoffData ? ' · put through to a person' : '';
  return el('li', { class: 'call' }, `Call · ${call.direction} · ${new Date(call.startedAt).toLocaleTimeString()}${length} · ${call.status}${how} · ${call.turns.length} ${call.turns.length === 1 ? 'turn' : 'turns'}`);
}

/** A web visitor of the conversation as they described themselves: a number they gave is marked as not proved. */
function visitorLine(visitor: WebVisitorView): HTMLLIElement {
  const said = [visitor.name, visitor.email].filter(Boolean);
  if (visitor.linkedPhone) said.push(`proved ${visitor.linkedPhone}`);
  else if (visitor.phone) said.push(`gave ${visitor.phone} (not proved)`);
  return el('li', { class: 'call' }, `Web visitor · ${said.length ? said.join(' · ') : 'no details given'} · since ${new Date(visitor.since).toLocaleDateString()}`);
}

/** The selected handoff's whole conversation, across channels: its visitors, its calls, every message and note. */
export async function loadMessages(): Promise<void> {
  if (!state.selected) return;
  const id = encodeURIComponent(state.selected.conversationId);
  const [{ messages }, { calls, visitors }] = await Promise.all([
    api<ConversationMessages>(`/api/conversations/${id}/messages`),
    api<ConversationDetail>(`/api/conversations/${id}`),
  ]);
  page.visitors.replaceChildren(...visitors.map(visitorLine));
  page.visitors.hidden = visitors.length === 0;
  page.calls.replaceChildren(...calls.map(callLine));
  page.calls.hidden = calls.length === 0;
  const list = page.messages;
  list.replaceChildren(
    ...messages.map((m) => {
      const note = m.direction === 'internal';
      const who = note ? (m.author === 'system' ? 'Automatic note' : 'Note from the team') : `${authorLabel[m.author] ?? m.author} · ${m.channel}`;
      const status = m.direction !== 'outbound' ? '' : m.status === 'interrupted' ? ' · cut off by the caller' : ` · ${m.status}`;
      return el(
        'li',
        { class: `message ${note ? 'note' : `from-${m.author}`}`, 'data-author': m.author },
        el('span', { class: 'who' }, `${who} · ${new Date(m.createdAt).toLocaleTimeString()}${status}`),
        m.body,
        m.options ? el('span', { class: 'buttons' }, `Buttons: ${[...m.options.quickReplies, ...m.options.actions.map((a) => `${a.label} → ${a.url}`)].join(' · ')}`) : '',
        sourcesLine(m.sources),
      );
    }),
  );
  list.scrollTop = list.scrollHeight;
}

/**
 * The documents an AI reply cited, each a link where it has a page; a reply to a question of fact that cited none
 * is marked, so an agent checks it.
 */
function sourcesLine(sources: MessageView['sources']): HTMLElement | string {
  if (sources === null) return '';
  if (sources.length === 0) return el('span', { class: 'sources unsourced', title: 'A question of fact answered without any knowledge-base passage' }, 'No source: not from the knowledge base');
  return el(
    'span',
    { class: 'sources' },
    'Sources: ',
    ...sources.flatMap((s, i) => [i > 0 ? ' · ' : '', s.url ? el('a', { href: s.url, target: '_blank', rel: 'noopener' }, s.title) : s.title]),
  );
}

/** What the agent can do with the selected handoff: claim it, or (once theirs) reply and resolve. */
export function renderActions(): void {
  const h = state.selected;
  if (!h || !activeStatuses.includes(h.status)) {
    page.actions.hidden = true;
    if (h) page.conversationMeta.textContent = 'This handoff has ended; the AI answers again.';
    return;
  }
  page.actions.hidden = false;
  const mine = h.claimedBy === state.me?.id;
  page.claim.hidden = mine || (h.claimedBy !== null && !mine);
  page.replyForm.hidden = !mine;
  page.resolveForm.hidden = !mine;
  if (h.claimedBy && !mine) page.actionError.textContent = `${h.claimedByName ?? 'Another agent'} is handling this one.`;
}

let customerTypingTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows "typing" for a few seconds after each notice; a message that arrives ends it. */
export function showTyping(text: string): void {
  clearTimeout(customerTypingTimer);
  page.customerTyping.textContent = text;
  if (text) {
    customerTypingTimer = setTimeout(() => {
      page.customerTyping.textContent = '';
    }, 6000);
  }
}
