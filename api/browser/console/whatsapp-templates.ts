import type { WhatsAppTemplate, WhatsAppTemplateList } from '../../protocol/agent-api';
import { api } from './agent-api';
import { loadMessages } from './conversation';
import { el } from './create-element';
import { act } from './handoff-actions';
import { announce, page } from './page';
import { state } from './state';

let templates: WhatsAppTemplate[] = [];

/** The placeholders a template has, in order (`{{1}}`, `{{2}}`…). */
function placeholders(body: string): string[] {
  return [...new Set([...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1] ?? ''))].filter(Boolean);
}

function chosen(): WhatsAppTemplate | undefined {
  return templates.find((t) => t.sid === page.template.value);
}

function values(): Record<string, string> {
  const filled: Record<string, string> = {};
  for (const input of page.templateValues.querySelectorAll<HTMLInputElement>('input[data-placeholder]')) {
    if (input.value.trim()) filled[input.dataset.placeholder ?? ''] = input.value.trim();
  }
  return filled;
}

/** What the person will read, as the agent fills it in (the channel fills the real one). */
function preview(): void {
  const template = chosen();
  const filled = values();
  page.templatePreview.textContent = template ? template.body.replace(/\{\{(\d+)\}\}/g, (placeholder, n: string) => filled[n] ?? placeholder) : '';
}

/** One labelled box per placeholder, the person's name filled in where the template's sample is a name. */
function showValues(): void {
  const template = chosen();
  const name = state.timeline?.contact.name ?? '';
  page.templateValues.replaceChildren(
    ...(template ? placeholders(template.body) : []).flatMap((n) => {
      const input = el('input', { id: `template-value-${n}`, type: 'text', maxlength: '500', required: 'true', 'data-placeholder': n, placeholder: template?.variables[n] ?? '' });
      if (n === '1' && name) input.value = name;
      input.addEventListener('input', preview);
      return [el('label', { for: input.id }, `Value ${n}`), input];
    }),
  );
  preview();
}

/** Offers the account's approved templates (outside the 24-hour window, the only way WhatsApp takes a message). */
export async function offerTemplates(): Promise<void> {
  if (templates.length === 0) templates = (await api<WhatsAppTemplateList>('/api/whatsapp/templates')).templates;
  page.template.replaceChildren(...templates.map((t) => el('option', { value: t.sid }, `${t.name} (${t.language})`)));
  page.templateForm.hidden = templates.length === 0;
  showValues();
}

export function sendTemplate(): Promise<void> {
  return act(async () => {
    const template = chosen();
    if (!template || !state.conversationId) return;
    await api(`/api/conversations/${encodeURIComponent(state.conversationId)}/messages`, {
      method: 'POST',
      body: JSON.stringify({ channel: 'whatsapp', template: { contentSid: template.sid, variables: values() } }),
      idempotencyKey: crypto.randomUUID(),
    });
    page.templateForm.hidden = true;
    announce('Template sent');
    await loadMessages();
  });
}

page.template.addEventListener('change', showValues);
