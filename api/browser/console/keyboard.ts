import { giveBack } from './conversation-actions';
import { moveSelection } from './inbox-list';
import { page } from './page';
import { state } from './state';

/** Whether the key was meant for a field (typing a j in a message is not moving in the list). */
function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLElement && target.isContentEditable);
}

/** j / k: next / previous conversation; r: write to the person; e: give the conversation back to the assistant. */
export function listenToKeys(): void {
  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target) || page.workspace.hidden) return;
    if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      moveSelection(event.key === 'j' ? 1 : -1);
    } else if (event.key === 'r' && state.conversationId) {
      event.preventDefault();
      const field = page.replyForm.hidden || page.actions.hidden ? page.sendBody : page.reply;
      if (!field.closest('[hidden]')) field.focus();
    } else if (event.key === 'e' && !page.giveBack.hidden && state.conversationId) {
      event.preventDefault();
      void giveBack();
    }
  });
}
