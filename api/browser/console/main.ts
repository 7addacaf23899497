// The agent console: a handoff queue and a conversation view, kept live by the agent event stream. Every call goes
// through the same agent API as any other client. Loaded by index.html as a module (api/browser-scripts.ts bundles it).
import type { AgentView } from '../../protocol/agent-api';
import { api } from './agent-api';
import { loadApprovals } from './approvals';
import { loadGaps } from './gaps';
import { loadReplays } from './replays';
import { agentTyping, claim, reply, resolve } from './handoff-actions';
import { listen } from './live-events';
import { page } from './page';
import { loadQueue } from './queue';
import { signOut } from './sign-out';
import { state } from './state';

/** The month's model budget, when most of it is gone: agents know before customers start going to people. */
function showBudget(budget: AgentView['budget']): void {
  const percent = budget.monthlyTokens ? Math.floor((budget.usedThisMonth / budget.monthlyTokens) * 100) : 0;
  page.budget.hidden = budget.state === 'ok';
  page.budget.textContent =
    budget.state === 'spent'
      ? 'The monthly AI budget is spent: new conversations come to people.'
      : `${percent} % of the monthly AI budget is used.`;
}

async function signIn(token: string): Promise<void> {
  state.token = token;
  try {
    state.me = await api<AgentView>('/api/me');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    page.signInError.textContent = message === 'unauthorized' ? 'That token was not accepted.' : message;
    return;
  }
  localStorage.setItem('agentToken', token);
  page.signIn.hidden = true;
  page.workspace.hidden = false;
  page.signOut.hidden = false;
  page.whoami.textContent = `${state.me.name} · ${state.me.tenantId}`;
  showBudget(state.me.budget);
  await Promise.all([loadQueue(), loadApprovals(), loadGaps(), loadReplays()]);
  void listen();
}

page.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(page.token.value.trim());
});
page.signOut.addEventListener('click', () => signOut());
page.claim.addEventListener('click', () => void claim());
// One notice every few seconds at most while the agent writes, the last one at the end of its window.
page.reply.addEventListener('input', () => {
  if (state.selected) agentTyping.typed();
});
page.replyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void reply();
});
page.resolveForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void resolve();
});

if (state.token) void signIn(state.token);
