import type { HandoffQueue, HandoffView } from '../../protocol/agent-api';
import { api } from './agent-api';
import { renderActions, selectConversation } from './conversation';
import { el } from './create-element';
import { announce, page } from './page';
import { state } from './state';

function age(iso: string): string {
  const minutes = Math.round((Date.now() - new Date(iso).getTime()) / 60000);
  return minutes < 1 ? 'just now' : minutes < 60 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

/** The name a web visitor gave, beside the conversation's key; the key alone otherwise. */
function customerLabel(handoff: HandoffView): string {
  return handoff.customerName ? `${handoff.customerName} · ${handoff.contactKey}` : handoff.contactKey;
}

/** The queue afresh; a handoff new since the last load is announced, and one that left it has ended. */
export async function loadQueue(): Promise<void> {
  const { handoffs } = await api<HandoffQueue>('/api/handoffs');
  const before = new Set(state.handoffs.map((h) => h.id));
  const fresh = handoffs.filter((h) => !before.has(h.id));
  if (state.handoffs.length > 0 || before.size > 0) {
    for (const h of fresh) announce(`New handoff from ${customerLabel(h)}: ${h.reason}`);
  }
  state.handoffs = handoffs;
  renderQueue();
  if (state.conversationId) {
    state.selected = handoffs.find((h) => h.conversationId === state.conversationId) ?? null;
    renderActions();
  }
}

function renderQueue(): void {
  page.queue.replaceChildren(
    ...state.handoffs.map((h) =>
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            class: 'queue-item',
            'data-testid': `handoff-${h.id}`,
            'aria-current': String(state.conversationId === h.conversationId),
            onclick: () => void select(h),
          },
          el('strong', {}, customerLabel(h)),
          el('span', { class: `status status-${h.status}` }, h.status),
          el('br'),
          el('span', { class: 'muted' }, `${h.channel} · ${h.reason} · ${age(h.createdAt)}`),
          h.claimedByName ? el('span', { class: 'muted' }, ` · ${h.claimedByName}`) : '',
        ),
      ),
    ),
  );
  page.queueCount.textContent = String(state.handoffs.length);
  page.queueEmpty.hidden = state.handoffs.length > 0;
}

/** Opens a handoff's conversation. */
function select(handoff: HandoffView): Promise<void> {
  return selectConversation(handoff.conversationId);
}
