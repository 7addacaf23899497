// The agent console: the inbox (every conversation, live), a person's timeline with what an agent can do in it, their
// contact panel, the handoff queue and approvals, campaigns under way, and the analytics view; kept live by the agent event stream. Every
// call goes through the same agent API as any other client. Loaded by index.html as a module (api/browser-scripts.ts
// bundles it).
import type { AgentView } from '../../protocol/agent-api';
import { api } from './agent-api';
import { loadApprovals } from './approvals';
import { loadGaps } from './gaps';
import { loadReplays } from './replays';
import { loadCampaigns } from './campaigns';
import { agentTyping, claim, reply, resolve } from './handoff-actions';
import { showAnalytics } from './analytics';
import { loadMessages, selectConversation } from './conversation';
import { draftMessage, giveBack, placeCall, sendMessage, takeOver } from './conversation-actions';
import { saveContact } from './contact-panel';
import { clearSubset, loadInbox, loadMore, showSubset, whenSelected } from './inbox-list';
import { listenToKeys } from './keyboard';
import { sendTemplate } from './whatsapp-templates';
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
  page.views.hidden = false;
  page.whoami.textContent = `${state.me.name} · ${state.me.tenantId}`;
  showBudget(state.me.budget);
  await Promise.all([loadInbox(), loadQueue(), loadApprovals(), loadGaps(), loadReplays(), loadCampaigns()]);
  void listen();
}

page.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(page.token.value.trim());
});
page.signOut.addEventListener('click', () => signOut());

/** The inbox or the analytics: one view at a time. */
function showView(view: 'inbox' | 'analytics'): void {
  page.workspace.hidden = view !== 'inbox';
  page.analyticsView.hidden = view !== 'analytics';
  page.showInbox.setAttribute('aria-pressed', String(view === 'inbox'));
  page.showAnalytics.setAttribute('aria-pressed', String(view === 'analytics'));
  if (view === 'analytics') {
    void showAnalytics(page.analytics, undefined, {
      // A figure's conversations open in the inbox.
      onOpenConversations: (ids, label) => {
        showView('inbox');
        void showSubset(ids, label);
      },
    });
  }
}
page.showInbox.addEventListener('click', () => showView('inbox'));
page.showAnalytics.addEventListener('click', () => showView('analytics'));

whenSelected((id) => void selectConversation(id));
let searching: ReturnType<typeof setTimeout> | undefined;
page.search.addEventListener('input', () => {
  clearTimeout(searching);
  searching = setTimeout(() => void loadInbox(), 250);
});
page.inboxFilters.addEventListener('submit', (event) => {
  event.preventDefault();
  void loadInbox();
});
for (const filter of [page.filterChannel, page.filterStatus, page.filterOpen, page.filterMine]) filter.addEventListener('change', () => void loadInbox());
page.inboxSubsetClear.addEventListener('click', () => void clearSubset());
page.more.addEventListener('click', () => void loadMore());
page.takeOver.addEventListener('click', () => void takeOver());
page.giveBack.addEventListener('click', () => void giveBack());
page.call.addEventListener('click', () => void placeCall());
page.draft.addEventListener('click', () => void draftMessage());
page.sendForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void sendMessage();
});
page.templateForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void sendTemplate();
});
page.contactForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void saveContact().then(loadMessages);
});
listenToKeys();
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
