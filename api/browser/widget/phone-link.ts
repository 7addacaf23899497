import type { ErrorBody } from '../../protocol/error-body';
import type { PhoneLinked, VisitorDetails } from '../../protocol/visitor-chat';
import { readJson } from '../shared/json';
import type { ChatSession } from './chat-session';
import type { WidgetUi } from './markup';

/**
 * Phone linking: the visitor gives their number, a code goes to it by SMS, and the code typed back makes this chat
 * that number's conversation, texts and calls included.
 */
export class PhoneLink {
  constructor(
    private readonly ui: WidgetUi,
    private readonly session: ChatSession,
    /** The chat is now the number's conversation: it is shown from its start. */
    private readonly linked: () => Promise<void>,
  ) {
    ui.phoneLink.addEventListener('click', () => {
      ui.claim.hidden = false;
      ui.phoneLink.setAttribute('aria-expanded', 'true');
      ui.claimInput.focus();
    });
    ui.claim.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.claim();
    });
    ui.verify.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.verify();
    });
  }

  /** The phone line: the number the visitor proved, else the offer to prove one (filled with a number they gave). */
  show(visitor: Partial<VisitorDetails> = {}): void {
    this.ui.phoneLink.hidden = Boolean(visitor.linkedPhone);
    if (visitor.linkedPhone) this.ui.phoneStatus.textContent = `Linked to your phone number ${visitor.linkedPhone}.`;
    if (!this.ui.claimInput.value && visitor.phone) this.ui.claimInput.value = visitor.phone;
  }

  /** The visitor says which number is theirs; a code goes to it by SMS. */
  private async claim(): Promise<void> {
    const phone = this.ui.claimInput.value.trim();
    const response = await this.step('/api/chat/sessions/:session/phone', { phone });
    if (!response) return;
    this.ui.verify.hidden = false;
    this.ui.phoneStatus.textContent = 'We texted you a code.';
    this.ui.verifyInput.focus();
  }

  /** The code typed back: this chat continues that number's conversation, texts and calls included. */
  private async verify(): Promise<void> {
    const code = this.ui.verifyInput.value.trim();
    const response = await this.step('/api/chat/sessions/:session/phone/verify', { code });
    if (!response) return;
    const { phone } = await readJson<PhoneLinked>(response);
    this.ui.claim.hidden = true;
    this.ui.verify.hidden = true;
    const session = this.session.active;
    this.session.keep({ ...session, visitor: { ...session.visitor, linkedPhone: phone } });
    this.ui.phoneStatus.textContent = 'Your phone number is linked: here is your conversation.';
    await this.linked();
  }

  /** One step of phone linking; a refusal's words go to the visitor and the answer is null. */
  private async step(path: string, body: unknown): Promise<Response | null> {
    const response = await this.session.post(path, body);
    if (response.ok) return response;
    const refusal = await readJson<Partial<ErrorBody>>(response).catch(() => null);
    this.ui.phoneStatus.textContent = refusal?.error?.message ?? 'That did not work.';
    return null;
  }
}
