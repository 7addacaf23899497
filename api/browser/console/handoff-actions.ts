import { TypingNotice } from '../shared/typing-notice';
import { api } from './agent-api';
import { loadMessages } from './conversation';
import { announce, page } from './page';
import { loadQueue } from './queue';
import { state } from './state';

/** The selected handoff's id; the buttons that act on it show only while one is selected. */
function selectedId(): string {
  if (!state.selected) throw new Error('no handoff is selected');
  return state.selected.id;
}

/** Runs what the agent asked for; a refusal's words show under the actions. */
export async function act(work: () => Promise<void>): Promise<void> {
  page.actionError.textContent = '';
  try {
    await work();
  } catch (error) {
    page.actionError.textContent = error instanceof Error ? error.message : String(error);
  }
}

export function claim(): Promise<void> {
  return act(async () => {
    await api(`/api/handoffs/${selectedId()}/claim`, { method: 'POST', body: '{}' });
    await loadQueue();
    await loadMessages();
  });
}

export function reply(): Promise<void> {
  return act(async () => {
    await api(`/api/handoffs/${selectedId()}/reply`, { method: 'POST', body: JSON.stringify({ body: page.reply.value }) });
    page.reply.value = '';
    await loadMessages();
  });
}

export function resolve(): Promise<void> {
  return act(async () => {
    const body = { note: page.note.value || undefined, action: page.resolveAction.value };
    await api(`/api/handoffs/${selectedId()}/resolve`, { method: 'POST', body: JSON.stringify(body) });
    page.note.value = '';
    announce('Handoff resolved');
    await loadQueue();
    await loadMessages();
  });
}

/** The customer (in web chat) sees that the agent is writing. */
export const agentTyping = new TypingNotice({
  everyMs: 3000,
  stillWriting: () => Boolean(state.selected && page.reply.value.trim()),
  notify: () => void api(`/api/handoffs/${selectedId()}/typing`, { method: 'POST', body: '{}' }).catch(() => {}),
});
