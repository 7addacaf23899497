import { page } from './page';
import { stopFollowing } from './reply-stream';
import { state } from './state';

/** Back to the sign-in card, the token forgotten and the live stream closed; `message` says why. */
export function signOut(message = ''): void {
  localStorage.removeItem('agentToken');
  state.stream?.abort();
  stopFollowing();
  Object.assign(state, { token: null, me: null, selected: null, stream: null, conversationId: null, timeline: null, conversations: [], nextCursor: null });
  page.workspace.hidden = true;
  page.analyticsView.hidden = true;
  page.views.hidden = true;
  page.signOut.hidden = true;
  page.signIn.hidden = false;
  page.whoami.textContent = '';
  page.signInError.textContent = message;
}
