/** An element of the console page (index.html), as the type it must be. */
function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`console: the page has no #${id}`);
  return found;
}

/** The console page's elements: the page is written once and never replaced, so they are found once. */
export const page = {
  whoami: byId('whoami', HTMLParagraphElement),
  budget: byId('budget', HTMLParagraphElement),
  signOut: byId('sign-out', HTMLButtonElement),
  signIn: byId('sign-in', HTMLElement),
  signInForm: byId('sign-in-form', HTMLFormElement),
  token: byId('token', HTMLInputElement),
  signInError: byId('sign-in-error', HTMLParagraphElement),
  workspace: byId('workspace', HTMLDivElement),
  queueCount: byId('queue-count', HTMLSpanElement),
  live: byId('live', HTMLParagraphElement),
  queue: byId('queue', HTMLUListElement),
  queueEmpty: byId('queue-empty', HTMLParagraphElement),
  approvals: byId('approvals', HTMLUListElement),
  approvalsCount: byId('approvals-count', HTMLSpanElement),
  approvalsEmpty: byId('approvals-empty', HTMLParagraphElement),
  approvalError: byId('approval-error', HTMLParagraphElement),
  gaps: byId('gaps', HTMLUListElement),
  gapsCount: byId('gaps-count', HTMLSpanElement),
  gapsEmpty: byId('gaps-empty', HTMLParagraphElement),
  gapForm: byId('gap-form', HTMLFormElement),
  gapTitle: byId('gap-title', HTMLInputElement),
  gapContent: byId('gap-content', HTMLTextAreaElement),
  gapCancel: byId('gap-cancel', HTMLButtonElement),
  gapError: byId('gap-error', HTMLParagraphElement),
  replays: byId('replays', HTMLUListElement),
  replaysEmpty: byId('replays-empty', HTMLParagraphElement),
  replaysError: byId('replays-error', HTMLParagraphElement),
  conversationTitle: byId('conversation-title', HTMLHeadingElement),
  conversationMeta: byId('conversation-meta', HTMLParagraphElement),
  visitors: byId('visitors', HTMLUListElement),
  calls: byId('calls', HTMLUListElement),
  messages: byId('messages', HTMLOListElement),
  customerTyping: byId('customer-typing', HTMLParagraphElement),
  actions: byId('actions', HTMLDivElement),
  claim: byId('claim', HTMLButtonElement),
  replyForm: byId('reply-form', HTMLFormElement),
  reply: byId('reply', HTMLTextAreaElement),
  resolveForm: byId('resolve-form', HTMLFormElement),
  note: byId('note', HTMLTextAreaElement),
  resolveAction: byId('resolve-action', HTMLSelectElement),
  actionError: byId('action-error', HTMLParagraphElement),
  announcer: byId('announcer', HTMLParagraphElement),
};

/** Read out by screen readers at once (a new handoff, a resolution). */
export function announce(text: string): void {
  page.announcer.textContent = text;
}
