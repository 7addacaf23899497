import { styles } from './styles';

/** The parts of the widget its code works with. */
export interface WidgetUi {
  launcher: HTMLButtonElement;
  panel: HTMLElement;
  close: HTMLButtonElement;
  list: HTMLOListElement;
  /** The typing indicator: the reply coming, or a person writing. */
  typing: HTMLDivElement;
  /** Suggested replies under the newest reply. */
  quick: HTMLDivElement;
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  /** Phone linking: the offer, the number, the code and what came of it. */
  phoneLink: HTMLButtonElement;
  claim: HTMLFormElement;
  claimInput: HTMLInputElement;
  verify: HTMLFormElement;
  verifyInput: HTMLInputElement;
  phoneStatus: HTMLParagraphElement;
}

const markup = `<style>${styles}</style>
  <button class="launcher" part="launcher" aria-expanded="false" aria-controls="panel">Chat with us</button>
  <section class="panel" id="panel" role="dialog" aria-label="Chat" hidden>
    <header><h2>Chat</h2><button class="close" aria-label="Close chat">×</button></header>
    <ol class="messages" role="log" aria-live="polite" aria-label="Messages"></ol>
    <div class="quick" role="group" aria-label="Suggested replies"></div>
    <div class="typing" aria-live="polite"></div>
    <form class="compose"><label class="sr" for="dc-input">Your message</label>
      <textarea id="dc-input" rows="2" placeholder="Write a message…"></textarea>
      <button type="submit">Send</button></form>
    <div class="phone">
      <button class="link" type="button" aria-expanded="false">Continue with your phone number</button>
      <form class="claim" hidden><label class="sr" for="dc-phone">Your phone number</label>
        <input id="dc-phone" type="tel" autocomplete="tel" placeholder="+1 604 555 0100"><button type="submit">Send code</button></form>
      <form class="verify" hidden><label class="sr" for="dc-code">The code we texted you</label>
        <input id="dc-code" inputmode="numeric" autocomplete="one-time-code" placeholder="6-digit code"><button type="submit">Verify</button></form>
      <p class="phone-status" role="status"></p>
    </div>
  </section>`;

/** Writes the widget into its shadow root, closed until the visitor opens it. */
export function renderWidget(root: ShadowRoot): WidgetUi {
  root.innerHTML = markup;
  const find = <T extends Element>(selector: string, type: { new (): T; prototype: T }): T => {
    const found = root.querySelector(selector);
    if (!(found instanceof type)) throw new Error(`dc-chat: the widget has no ${selector}`);
    return found;
  };
  return {
    launcher: find('.launcher', HTMLButtonElement),
    panel: find('.panel', HTMLElement),
    close: find('.close', HTMLButtonElement),
    list: find('.messages', HTMLOListElement),
    typing: find('.typing', HTMLDivElement),
    quick: find('.quick', HTMLDivElement),
    form: find('form.compose', HTMLFormElement),
    input: find('textarea', HTMLTextAreaElement),
    phoneLink: find('.phone .link', HTMLButtonElement),
    claim: find('form.claim', HTMLFormElement),
    claimInput: find('form.claim input', HTMLInputElement),
    verify: find('form.verify', HTMLFormElement),
    verifyInput: find('form.verify input', HTMLInputElement),
    phoneStatus: find('.phone-status', HTMLParagraphElement),
  };
}
