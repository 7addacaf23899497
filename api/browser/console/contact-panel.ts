import type { ContactPanel } from '../../protocol/timeline';
import { api } from './agent-api';
import { el } from './create-element';
import { announce, page } from './page';
import { channelWord } from './inbox-list';
import { state } from './state';

function fact(term: string, value: string): Node[] {
  return [el('dt', {}, term), el('dd', {}, value)];
}

/** What is known of the person on screen; the editable part in the form, the rest as facts. */
export function renderContact(contact: ContactPanel): void {
  page.contactEmpty.hidden = true;
  page.contactFacts.hidden = false;
  page.contactForm.hidden = false;
  const phones = contact.phones.map((p) => (p.proved ? p.number : `${p.number} (given, not proved)`)).join(', ');
  page.contactFacts.replaceChildren(
    ...fact('Numbers', phones || 'none'),
    ...fact('Channels used', contact.channels.map(channelWord).join(', ') || 'none'),
    ...fact('First seen', new Date(contact.firstSeen).toLocaleString()),
    ...fact('Opted out', contact.optOuts.length ? contact.optOuts.map((o) => `${channelWord(o.channel)} (${o.reason}, ${new Date(o.since).toLocaleDateString()})`).join(', ') : 'no'),
  );
  // An agent's unsaved typing is not overwritten by a live refresh.
  if (page.contactForm.contains(document.activeElement)) return;
  page.contactName.value = contact.name ?? '';
  page.contactEmail.value = contact.email ?? '';
  page.contactTags.value = contact.tags.join(', ');
  page.contactNote.value = contact.note ?? '';
}

export async function saveContact(): Promise<void> {
  const id = state.conversationId;
  if (!id) return;
  page.contactStatus.textContent = '';
  try {
    const contact = await api<ContactPanel>(`/api/conversations/${encodeURIComponent(id)}/contact`, {
      method: 'PATCH',
      body: JSON.stringify({
        name: page.contactName.value.trim() || null,
        email: page.contactEmail.value.trim() || null,
        tags: page.contactTags.value.split(',').map((t) => t.trim()).filter(Boolean),
        note: page.contactNote.value.trim() || null,
      }),
    });
    (document.activeElement as HTMLElement | null)?.blur();
    renderContact(contact);
    page.contactStatus.textContent = 'Saved.';
    announce('Contact saved');
  } catch (error) {
    page.contactStatus.textContent = error instanceof Error ? error.message : String(error);
  }
}
