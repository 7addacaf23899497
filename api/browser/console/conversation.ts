import type { CallView, MessageView, WebVisitorView } from '../../protocol/agent-api';
import type { ConversationTimeline, HandoffEntry, TimelineEntry } from '../../protocol/timeline';
import { api } from './agent-api';
import { renderContact } from './contact-panel';
import { el } from './create-element';
import { channelWord, renderInbox, statusWords } from './inbox-list';
import { page } from './page';
import { followReplies, showWriting } from './reply-stream';
import { state } from './state';

const authorLabel: Record<string, string> = { customer: 'Customer', ai: 'AI', agent: 'Agent', system: 'Automatic' };
/** A handoff in one of these is someone's to work on. */
const activeStatuses = ['open', 'escalated', 'claimed'];

const time = (iso: string) => new Date(iso).toLocaleTimeString();

/** Opens a conversation: its timeline, contact, controls, and the replies being written in it. */
export async function selectConversation(id: string): Promise<void> {
  if (state.conversationId !== id) {
    state.conversationId = id;
    state.timeline = null;
    page.actionError.textContent = '';
    page.sendBody.value = '';
    page.templateForm.hidden = true;
    showTyping('');
    followReplies(id);
  }
  state.selected = state.handoffs.find((h) => h.conversationId === id) ?? null;
  renderInbox();
  await loadMessages();
}

/** The conversation on screen afresh: everything that happened in it, in order. */
export async function loadMessages(): Promise<void> {
  const id = state.conversationId;
  if (!id) return;
  const timeline = await api<ConversationTimeline>(`/api/conversations/${encodeURIComponent(id)}/timeline`);
  if (state.conversationId !== id) return;
  state.timeline = timeline;
  renderTimeline(timeline);
  renderContact(timeline.contact);
  renderControls();
  renderActions();
}

function renderTimeline(timeline: ConversationTimeline): void {
  const { conversation, contact } = timeline;
  page.conversationTitle.textContent = contact.name ? `${contact.name} · ${conversation.contactKey}` : conversation.contactKey;
  page.conversationMeta.textContent = `${statusWords[conversation.status]} · ${conversation.channels.map(channelWord).join(', ')} · since ${new Date(contact.firstSeen).toLocaleDateString()}`;
  page.summary.hidden = !timeline.summary;
  page.summary.textContent = timeline.summary ? `What the assistant carries: ${timeline.summary}` : '';
  const list = page.messages;
  list.replaceChildren(...timeline.entries.map(entryItem));
  showWriting();
  list.scrollTop = list.scrollHeight;
}

function entryItem(entry: TimelineEntry): HTMLLIElement {
  switch (entry.kind) {
    case 'message':
      return messageItem(entry.message);
    case 'call':
      return callItem(entry.call, entry.transcript, entry.summary);
    case 'handoff':
      return eventItem('handoff', handoffWords(entry.handoff), entry.at);
    case 'approval': {
      const a = entry.approval;
      return eventItem('approval', `Approval of ${a.tool} (${a.summary}) · ${a.status}${a.note ? ` · ${a.note}` : ''}`, entry.at);
    }
    case 'tool': {
      const t = entry.tool;
      return eventItem('tool', `Tool ${t.tool} · ${t.status === 'done' ? 'done' : 'running'}${t.attempts > 1 ? ` (found again on retry ${t.attempts - 1}, acted once)` : ''}`, entry.at);
    }
    case 'visitor':
      return eventItem('visitor', visitorWords(entry.visitor), entry.at);
  }
}

function eventItem(kind: string, words: string, at: string): HTMLLIElement {
  return el('li', { class: `event event-${kind}`, 'data-kind': kind }, el('span', { class: 'who' }, time(at)), words);
}

function handoffWords(h: HandoffEntry): string {
  const opened = h.kind === 'takeover' ? `Taken over by ${h.claimedByName ?? 'an agent'}` : `Handed to people: ${h.reason}`;
  const claimed = h.kind === 'handoff' && h.claimedByName ? ` · claimed by ${h.claimedByName}` : '';
  const ended = h.endedAt ? ` · ${h.status === 'expired' ? 'expired' : h.kind === 'takeover' ? 'given back' : 'resolved'} at ${time(h.endedAt)}` : ` · ${h.status}`;
  // Its note is in the timeline as a message of its own.
  return `${opened}${claimed}${ended}`;
}

/** A web visitor of the conversation as they described themselves: a number they gave is marked as not proved. */
function visitorWords(visitor: WebVisitorView): string {
  const said = [visitor.name, visitor.email].filter(Boolean);
  if (visitor.linkedPhone) said.push(`proved ${visitor.linkedPhone}`);
  else if (visitor.phone) said.push(`gave ${visitor.phone} (not proved)`);
  return `Web visitor · ${said.length ? said.join(' · ') : 'no details given'}`;
}

function messageItem(m: MessageView): HTMLLIElement {
  const note = m.direction === 'internal';
  const who = note ? (m.author === 'system' ? 'Automatic note' : 'Note from the team') : `${authorLabel[m.author] ?? m.author} · ${channelWord(m.channel)}`;
  const status = m.direction !== 'outbound' ? '' : m.status === 'interrupted' ? ' · cut off by the caller' : ` · ${m.status}`;
  return el(
    'li',
    { class: `message ${note ? 'note' : `from-${m.author}`}`, 'data-author': m.author, 'data-channel': m.channel },
    el('span', { class: 'who' }, `${who} · ${time(m.createdAt)}${status}`),
    m.body,
    m.options ? el('span', { class: 'buttons' }, `Buttons: ${[...m.options.quickReplies, ...m.options.actions.map((a) => `${a.label} → ${a.url}`)].join(' · ')}`) : '',
    sourcesLine(m.sources),
  );
}

/** A call as one block: how it went, its turns as spoken, and the summary written after it. */
function callItem(call: CallView, transcript: MessageView[], summary: string | null): HTMLLIElement {
  const length = call.durationSeconds === null ? (call.endedAt ? '' : ' · in progress') : ` · ${call.durationSeconds} s`;
  const how = call.handoffData ? ' · put through to a person' : '';
  const interruptions = call.turns.filter((t) => t.interruptedAt).length;
  return el(
    'li',
    { class: 'call-block', 'data-testid': 'call', 'data-call-sid': call.callSid },
    el('span', { class: 'who' }, `Call · ${call.direction} · ${time(call.startedAt)}${length} · ${call.status}${how} · ${call.turns.length} ${call.turns.length === 1 ? 'turn' : 'turns'}${interruptions ? ` · interrupted ${interruptions}×` : ''}`),
    el('ol', { class: 'messages call-turns' }, ...transcript.map(messageItem)),
    summary ? el('p', { class: 'call-summary', 'data-testid': 'call-summary' }, `Summary: ${summary}`) : el('p', { class: 'muted' }, call.endedAt ? 'Summary being written…' : ''),
  );
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

/** Take over, give back, call and write: what the agent can do with the conversation on screen. */
function renderControls(): void {
  const timeline = state.timeline;
  page.controls.hidden = !timeline;
  if (!timeline) return;
  const held = timeline.heldBy;
  const mine = held?.agentId === state.me?.id;
  const phone = timeline.conversation.contactKey.startsWith('+');
  page.takeOver.hidden = mine;
  page.giveBack.hidden = !mine;
  page.call.hidden = !phone;
  page.sendForm.hidden = !phone;
  page.heldBy.textContent = mine
    ? 'You have this conversation: the assistant is silent until you give it back.'
    : held
      ? `${held.name} has this conversation.`
      : phone
        ? ''
        : 'No phone number: take over to reply in the chat.';
}

/** What the agent can do with the handoff of the conversation on screen: claim it, or (once theirs) reply and resolve. */
export function renderActions(): void {
  const h = state.selected;
  if (!h || !activeStatuses.includes(h.status)) {
    page.actions.hidden = true;
    return;
  }
  page.actions.hidden = false;
  const mine = h.claimedBy === state.me?.id;
  page.claim.hidden = mine || h.claimedBy !== null;
  page.replyForm.hidden = !mine;
  page.resolveForm.hidden = !mine;
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
