import type { KnowledgeGapList, KnowledgeGapView } from '../../protocol/agent-api';
import { api } from './agent-api';
import { el } from './create-element';
import { announce, page } from './page';
import { state } from './state';

let shown: KnowledgeGapView[] = [];

/** The knowledge base's top gaps, afresh. */
export async function loadGaps(): Promise<void> {
  const { gaps } = await api<KnowledgeGapList>('/api/knowledge/gaps?days=30&limit=10');
  shown = gaps;
  render();
}

/** The form, filled with the gap's question as the title and an agent's answer to it as the draft. */
function draft(gap: KnowledgeGapView): void {
  page.gapError.textContent = '';
  page.gapTitle.value = gap.question.replace(/\s+/g, ' ').trim().slice(0, 300);
  page.gapContent.value = gap.draft ?? '';
  page.gapForm.hidden = false;
  page.gapContent.focus();
}

async function addDocument(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  page.gapError.textContent = '';
  try {
    await api('/api/knowledge/documents', {
      method: 'POST',
      body: JSON.stringify({ title: page.gapTitle.value.trim(), content: page.gapContent.value.trim() }),
    });
    announce(`Added “${page.gapTitle.value.trim()}” to the knowledge base`);
    page.gapForm.hidden = true;
    page.gapForm.reset();
  } catch (error) {
    page.gapError.textContent = error instanceof Error ? error.message : String(error);
  }
}

page.gapForm.addEventListener('submit', (event) => void addDocument(event));
page.gapCancel.addEventListener('click', () => {
  page.gapForm.hidden = true;
  page.gapForm.reset();
});

function render(): void {
  const admin = state.me?.role === 'admin';
  page.gaps.replaceChildren(
    ...shown.map((gap, i) =>
      el(
        'li',
        { class: 'gap', 'data-testid': `gap-${i}` },
        el('strong', {}, gap.question),
        el('span', { class: 'count' }, `${gap.count}×`),
        el('p', { class: 'muted' }, gap.examples.filter((e) => e !== gap.question).slice(0, 3).map((e) => `“${e}”`).join(' · ') || ' '),
        el('p', { class: 'muted' }, `${gap.handoffs} handed over · ${gap.unsourced} answered without a source · last ${new Date(gap.lastAskedAt).toLocaleDateString()}`),
        admin ? el('button', { type: 'button', onclick: () => draft(gap) }, 'Turn into a document') : el('p', { class: 'muted' }, 'An admin can turn it into a document.'),
      ),
    ),
  );
  page.gapsCount.textContent = String(shown.length);
  page.gapsEmpty.hidden = shown.length > 0;
}
