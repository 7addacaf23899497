import type { ApprovalList, ApprovalView } from '../../protocol/agent-api';
import { api } from './agent-api';
import { el } from './create-element';
import { announce, page } from './page';

let shown: ApprovalView[] = [];

/** Actions waiting for a person, afresh; a new one is announced. */
export async function loadApprovals(): Promise<void> {
  const { approvals } = await api<ApprovalList>('/api/approvals');
  const before = new Set(shown.map((a) => a.id));
  for (const a of approvals) if (shown.length > 0 && !before.has(a.id)) announce(`Approval needed: ${a.tool}`);
  shown = approvals;
  render();
}

async function decide(approval: ApprovalView, decision: 'approve' | 'deny', note: string): Promise<void> {
  page.approvalError.textContent = '';
  try {
    // The hash binds the decision to exactly the call shown here.
    await api(`/api/approvals/${encodeURIComponent(approval.id)}/${decision}`, {
      method: 'POST',
      body: JSON.stringify({ argumentsHash: approval.argumentsHash, ...(note ? { note } : {}) }),
    });
    announce(`${approval.tool} ${decision === 'approve' ? 'approved' : 'denied'}`);
  } catch (error) {
    page.approvalError.textContent = error instanceof Error ? error.message : String(error);
  }
  await loadApprovals();
}

function render(): void {
  page.approvals.replaceChildren(
    ...shown.map((a) => {
      const note = el('input', { type: 'text', maxlength: '2000', placeholder: 'Note (optional)', 'aria-label': `Note on ${a.tool}` });
      return el(
        'li',
        { class: 'approval', 'data-testid': `approval-${a.id}` },
        el('strong', {}, a.tool.replace(/_/g, ' ')),
        el('p', {}, a.summary || 'no arguments'),
        el('p', { class: 'muted' }, `${a.conversationId.replace(/^conversation:[^:]+:/, '')} · decide by ${new Date(a.deadline).toLocaleTimeString()}`),
        note,
        el('button', { type: 'button', onclick: () => void decide(a, 'approve', note.value.trim()) }, 'Approve'),
        el('button', { type: 'button', class: 'secondary', onclick: () => void decide(a, 'deny', note.value.trim()) }, 'Deny'),
      );
    }),
  );
  page.approvalsCount.textContent = String(shown.length);
  page.approvalsEmpty.hidden = shown.length > 0;
}
