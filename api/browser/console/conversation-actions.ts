import { api, ApiError } from './agent-api';
import { loadMessages } from './conversation';
import { act } from './handoff-actions';
import { refreshInbox } from './inbox-list';
import { announce, page } from './page';
import { loadQueue } from './queue';
import { state } from './state';
import { offerTemplates } from './whatsapp-templates';

/** The conversation on screen, in a path. */
function path(): string {
  if (!state.conversationId) throw new Error('no conversation is selected');
  return `/api/conversations/${encodeURIComponent(state.conversationId)}`;
}

async function afresh(): Promise<void> {
  await Promise.all([loadQueue(), loadMessages(), refreshInbox()]);
}

export function takeOver(): Promise<void> {
  return act(async () => {
    await api(`${path()}/takeover`, { method: 'POST', body: '{}' });
    announce('You have the conversation');
    await afresh();
  });
}

export function giveBack(): Promise<void> {
  return act(async () => {
    await api(`${path()}/giveback`, { method: 'POST', body: '{}' });
    announce('Given back to the assistant');
    await afresh();
  });
}

export function placeCall(): Promise<void> {
  return act(async () => {
    await api(`${path()}/calls`, { method: 'POST', body: '{}' });
    announce('Calling');
    await loadMessages();
  });
}

/** The agent's own words (or the edited draft), by SMS or WhatsApp, through the conversation's outbox. */
export function sendMessage(): Promise<void> {
  return act(async () => {
    try {
      await api(`${path()}/messages`, { method: 'POST', body: JSON.stringify({ channel: page.sendChannel.value, body: page.sendBody.value }), idempotencyKey: crypto.randomUUID() });
    } catch (error) {
      // Outside WhatsApp's window: the refusal's words, and the templates that may go instead.
      if (error instanceof ApiError && error.code === 'whatsapp_window_closed') await offerTemplates();
      throw error;
    }
    page.sendBody.value = '';
    announce('Message sent');
    await loadMessages();
  });
}

/** The assistant writes a message from the conversation for the agent to edit; nothing is sent. */
export function draftMessage(): Promise<void> {
  return act(async () => {
    page.draft.disabled = true;
    page.draft.textContent = 'Drafting…';
    try {
      const { text } = await api<{ text: string }>(`${path()}/draft`, {
        method: 'POST',
        body: JSON.stringify({ channel: page.sendChannel.value, instructions: page.sendBody.value.trim().slice(0, 500) }),
      });
      page.sendBody.value = text;
      page.sendBody.focus();
    } finally {
      page.draft.disabled = false;
      page.draft.textContent = 'Draft with the assistant';
    }
  });
}
