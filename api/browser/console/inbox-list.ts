import type { ConversationList, ConversationListItem } from '../../protocol/agent-api';
import { api } from './agent-api';
import { el } from './create-element';
import { page } from './page';
import { state } from './state';

/** How each status reads in the list. */
export const statusWords: Record<ConversationListItem['status'], string> = {
  ai: 'AI answering',
  waiting: 'Waiting for a person',
  with_agent: 'With a person',
  opted_out: 'Opted out',
  closed: 'Closed',
};

const channelWords: Record<string, string> = { sms: 'SMS', whatsapp: 'WhatsApp', voice: 'Call', web: 'Web chat' };
export const channelWord = (channel: string) => channelWords[channel] ?? channel;

/** Conversations named by an analytics figure: the list shows those alone until "Show all". */
let subset: { ids: string[]; label: string } | null = null;
let onSelect: (id: string) => void = () => {};

/** What selecting a row does (the timeline opens it). */
export function whenSelected(select: (id: string) => void): void {
  onSelect = select;
}

function listPath(cursor?: string): string {
  const params = new URLSearchParams({ limit: '50' });
  if (subset) params.set('ids', subset.ids.join(','));
  const q = page.search.value.trim();
  if (q) params.set('q', q);
  if (page.filterChannel.value) params.set('channel', page.filterChannel.value);
  if (page.filterStatus.value) params.set('status', page.filterStatus.value);
  if (page.filterOpen.value) params.set('open', page.filterOpen.value);
  if (page.filterMine.checked) params.set('assigned', 'me');
  if (cursor) params.set('cursor', cursor);
  return `/api/conversations?${params}`;
}

async function fetchPage(cursor?: string): Promise<ConversationList | null> {
  page.inboxError.textContent = '';
  try {
    return await api<ConversationList>(listPath(cursor));
  } catch (error) {
    page.inboxError.textContent = error instanceof Error ? error.message : String(error);
    return null;
  }
}

/** The first page afresh (a new search or filter). */
export async function loadInbox(): Promise<void> {
  const list = await fetchPage();
  if (!list) return;
  state.conversations = list.conversations;
  state.nextCursor = list.nextCursor;
  renderInbox();
}

export async function loadMore(): Promise<void> {
  if (!state.nextCursor) return;
  const list = await fetchPage(state.nextCursor);
  if (!list) return;
  const have = new Set(state.conversations.map((c) => c.id));
  state.conversations.push(...list.conversations.filter((c) => !have.has(c.id)));
  state.nextCursor = list.nextCursor;
  renderInbox();
}

/**
 * Something changed (a message, a handoff): the first page again, merged in. Its rows take the top in their new
 * order (a conversation with a new message moves up); rows further down, loaded by "Load more", stay below.
 */
export async function refreshInbox(): Promise<void> {
  const list = await fetchPage();
  if (!list) return;
  const top = new Set(list.conversations.map((c) => c.id));
  const oldest = list.conversations.at(-1)?.lastMessageAt ?? '';
  const below = list.nextCursor === null ? [] : state.conversations.filter((c) => !top.has(c.id) && c.lastMessageAt <= oldest);
  state.conversations = [...list.conversations, ...below];
  if (below.length === 0) state.nextCursor = list.nextCursor;
  renderInbox();
}

/** Shows only these conversations (from an analytics figure), named by `label`. */
export function showSubset(ids: string[], label: string): Promise<void> {
  subset = { ids, label };
  page.inboxSubset.hidden = false;
  page.inboxSubsetLabel.textContent = `Showing ${ids.length} conversation${ids.length === 1 ? '' : 's'}: ${label}.`;
  return loadInbox();
}

export function clearSubset(): Promise<void> {
  subset = null;
  page.inboxSubset.hidden = true;
  return loadInbox();
}

function when(iso: string): string {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : date.toLocaleDateString();
}

function row(c: ConversationListItem): HTMLLIElement {
  // A web visitor who gave no name is one by their session's key, which reads as noise.
  const name = c.name ? `${c.name} · ${c.contactKey}` : c.contactKey.startsWith('web:') ? 'Web visitor' : c.contactKey;
  const preview = c.preview ? `${c.previewAuthor === 'customer' ? '' : `${c.previewAuthor === 'ai' ? 'AI' : c.previewAuthor === 'agent' ? 'Agent' : 'Service'}: `}${c.preview}` : '';
  return el(
    'li',
    {},
    el(
      'button',
      {
        type: 'button',
        class: 'inbox-item',
        'data-testid': `conversation-${c.contactKey}`,
        'data-conversation-id': c.id,
        'aria-current': String(state.conversationId === c.id),
        onclick: () => onSelect(c.id),
      },
      el('span', { class: 'inbox-top' }, el('strong', {}, name), el('span', { class: 'when' }, when(c.lastMessageAt))),
      el(
        'span',
        { class: 'inbox-meta' },
        el('span', { class: `status status-${c.status}` }, statusWords[c.status]),
        ` ${c.channels.map(channelWord).join(' · ')}`,
        c.openApprovals > 0 ? el('span', { class: 'status status-waiting' }, `${c.openApprovals} to approve`) : '',
      ),
      el('span', { class: 'preview' }, preview),
    ),
  );
}

export function renderInbox(): void {
  page.inbox.replaceChildren(...state.conversations.map(row));
  page.inboxEmpty.hidden = state.conversations.length > 0;
  page.more.hidden = state.nextCursor === null;
}

/** j / k: the next or previous conversation in the list. */
export function moveSelection(step: 1 | -1): void {
  if (state.conversations.length === 0) return;
  const at = state.conversations.findIndex((c) => c.id === state.conversationId);
  const next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), state.conversations.length - 1);
  const target = state.conversations[next];
  if (!target) return;
  onSelect(target.id);
  page.inbox.querySelector<HTMLButtonElement>(`[data-conversation-id="${CSS.escape(target.id)}"]`)?.focus();
}
