import { page } from './page';
import { state } from './state';

/** Back to the sign-in card, the token forgotten and the live stream closed; `message` says why. */
export function signOut(message = ''): void {
  localStorage.removeItem('agentToken');
  state.stream?.abort();
  Object.assign(state, { token: null, me: null, selected: null, stream: null });
  page.workspace.hidden = true;
  page.signOut.hidden = true;
  page.signIn.hidden = false;
  page.whoami.textContent = '';
  page.signInError.textContent = message;
}
