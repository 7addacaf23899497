// The chat widget: one script tag on any page, no framework, styles isolated in a shadow root and themed by CSS
// variables (--dc-accent, --dc-background, --dc-text, --dc-radius, --dc-font on the `dc-chat` element).
//   <script src="https://<service>/widget.js" data-widget-key="wk_…" async></script>
// A page that knows its visitor may add data-name, data-email and data-phone: agents see them (the phone as not proved).
(() => {
  const script = document.currentScript;
  if (!script || customElements.get('dc-chat')) return;
  const widgetKey = script.dataset.widgetKey;
  const details = { name: script.dataset.name, email: script.dataset.email, phone: script.dataset.phone };
  const base = new URL(script.src).origin;
  const store = { visitor: `dc-visitor:${widgetKey}`, session: `dc-session:${widgetKey}`, lastEvent: `dc-last-event:${widgetKey}` };

  const styles = `
    :host { all: initial; position: fixed; right: 1.25rem; bottom: 1.25rem; z-index: 2147483000;
      font-family: var(--dc-font, system-ui, sans-serif); color: var(--dc-text, #1d2433); }
    button { font: inherit; cursor: pointer; }
    .launcher { border: 0; border-radius: 999px; padding: 0.8rem 1.2rem; background: var(--dc-accent, #1f5f99); color: #fff;
      box-shadow: 0 4px 14px rgba(0,0,0,.2); }
    .panel { display: flex; flex-direction: column; width: min(22rem, calc(100vw - 2.5rem)); height: min(32rem, calc(100vh - 6rem));
      background: var(--dc-background, #fff); border-radius: var(--dc-radius, 12px); box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; }
    [hidden] { display: none !important; }
    header { display: flex; justify-content: space-between; align-items: center; padding: 0.75rem 1rem;
      background: var(--dc-accent, #1f5f99); color: #fff; }
    header h2 { font-size: 1rem; margin: 0; }
    header button { background: transparent; border: 0; color: #fff; font-size: 1.25rem; line-height: 1; }
    ol { list-style: none; margin: 0; padding: 0.75rem; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 0.5rem; }
    li { max-width: 85%; padding: 0.5rem 0.75rem; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
    li.customer { align-self: flex-end; background: var(--dc-accent, #1f5f99); color: #fff; }
    li.ai, li.system { align-self: flex-start; background: #eef1f6; }
    li.agent { align-self: flex-start; background: #fff5d6; }
    li .who { display: block; font-size: 0.75rem; opacity: 0.75; margin-bottom: 0.15rem; }
    li.notice { align-self: center; background: transparent; font-size: 0.8rem; opacity: 0.8; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.35rem; margin-top: 0.4rem; }
    .actions a { display: inline-block; padding: 0.3rem 0.6rem; border-radius: 8px; background: var(--dc-accent, #1f5f99); color: #fff;
      text-decoration: none; font-size: 0.85rem; }
    .quick { display: flex; flex-wrap: wrap; gap: 0.35rem; padding: 0 0.75rem 0.5rem; justify-content: flex-end; }
    .quick button { border: 1px solid var(--dc-accent, #1f5f99); color: var(--dc-accent, #1f5f99); background: transparent;
      border-radius: 999px; padding: 0.25rem 0.7rem; font-size: 0.85rem; }
    .typing { padding: 0 1rem 0.5rem; font-size: 0.8rem; opacity: 0.75; min-height: 1.2rem; }
    form { display: flex; gap: 0.5rem; padding: 0.75rem; border-top: 1px solid #e3e7ee; }
    .phone { padding: 0 0.75rem 0.75rem; font-size: 0.85rem; }
    .phone form { padding: 0.5rem 0 0; border: 0; }
    .phone input { flex: 1; font: inherit; padding: 0.4rem; border: 1px solid #c9d0db; border-radius: 8px; }
    .link { background: transparent; border: 0; padding: 0; color: var(--dc-accent, #1f5f99); text-decoration: underline; }
    textarea { flex: 1; resize: none; font: inherit; padding: 0.5rem; border: 1px solid #c9d0db; border-radius: 8px; }
    form button { border: 0; border-radius: 8px; padding: 0 1rem; background: var(--dc-accent, #1f5f99); color: #fff; }
    :focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }`;

  class DcChat extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = `<style>${styles}</style>
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
      this.ui = {
        launcher: root.querySelector('.launcher'),
        panel: root.querySelector('.panel'),
        close: root.querySelector('.close'),
        list: root.querySelector('.messages'),
        typing: root.querySelector('.typing'),
        quick: root.querySelector('.quick'),
        form: root.querySelector('form.compose'),
        input: root.querySelector('textarea'),
        phoneLink: root.querySelector('.phone .link'),
        claim: root.querySelector('form.claim'),
        verify: root.querySelector('form.verify'),
        phoneStatus: root.querySelector('.phone-status'),
      };
      this.ui.phoneLink.addEventListener('click', () => {
        this.ui.claim.hidden = false;
        this.ui.phoneLink.setAttribute('aria-expanded', 'true');
        this.ui.claim.querySelector('input').focus();
      });
      this.ui.claim.addEventListener('submit', (event) => {
        event.preventDefault();
        void this.claimPhone();
      });
      this.ui.verify.addEventListener('submit', (event) => {
        event.preventDefault();
        void this.verifyPhone();
      });
      this.shown = new Set();
      this.ui.launcher.addEventListener('click', () => this.open());
      this.ui.close.addEventListener('click', () => this.close());
      this.ui.form.addEventListener('submit', (event) => {
        event.preventDefault();
        void this.send();
      });
      this.ui.input.addEventListener('input', () => this.typing());
      this.ui.input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey) {
          event.preventDefault();
          void this.send();
        }
        if (event.key === 'Escape') this.close();
      });
    }

    async open() {
      this.ui.panel.hidden = false;
      this.ui.launcher.hidden = true;
      this.ui.launcher.setAttribute('aria-expanded', 'true');
      this.ui.input.focus();
      await this.ready().catch(() => this.notice('The chat is not available right now. Please try again later.'));
    }

    /**
     * The session, its history and the live stream, once; a message written while the chat is still opening waits
     * for it. A failed start is tried again by the next open or message.
     */
    ready() {
      this.opening ??= (async () => {
        await this.ensureSession();
        await this.loadHistory();
        void this.follow();
      })().catch((error) => {
        this.opening = null;
        throw error;
      });
      return this.opening;
    }

    close() {
      this.ui.panel.hidden = true;
      this.ui.launcher.hidden = false;
      this.ui.launcher.setAttribute('aria-expanded', 'false');
      this.ui.launcher.focus();
    }

    /** A session: the one kept in this browser while it lasts, else a new one for the same visitor. */
    async ensureSession(renew = false) {
      const kept = JSON.parse(localStorage.getItem(store.session) || 'null');
      if (kept && !renew) {
        this.keep(kept);
        return this.session;
      }
      const open = (given) =>
        fetch(`${base}/api/chat/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ widgetKey, visitorToken: localStorage.getItem(store.visitor) || undefined, ...given }),
        });
      let response = await open(details);
      if (response.status === 400) {
        // Details the page passed that the service refuses (a malformed data-phone) must not keep the visitor out.
        console.warn('dc-chat: the visitor details were refused:', (await response.json()).error?.message);
        response = await open({});
      }
      if (!response.ok) throw new Error(`the chat is not available (${response.status})`);
      const opened = await response.json();
      localStorage.setItem(store.visitor, opened.visitorToken);
      this.keep({ sessionId: opened.sessionId, token: opened.token, visitor: opened.visitor });
      return this.session;
    }

    keep(session) {
      this.session = session;
      localStorage.setItem(store.session, JSON.stringify(session));
      this.showPhone();
    }

    /** The phone line: the number the visitor proved, else the offer to prove one (filled with a number they gave). */
    showPhone() {
      const visitor = this.session?.visitor ?? {};
      this.ui.phoneLink.hidden = Boolean(visitor.linkedPhone);
      if (visitor.linkedPhone) this.ui.phoneStatus.textContent = `Linked to your phone number ${visitor.linkedPhone}.`;
      const input = this.ui.claim.querySelector('input');
      if (!input.value && visitor.phone) input.value = visitor.phone;
    }

    /** POSTs `body` as JSON with the session's token. */
    post(path, body) {
      return this.call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    }

    /** Calls the chat API with the session's token, opening a new session once if this one expired. */
    async call(path, init = {}) {
      for (let attempt = 0; ; attempt += 1) {
        const url = `${base}${path.replace(':session', this.session.sessionId)}`;
        const response = await fetch(url, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${this.session.token}` } });
        if (response.status !== 401 || attempt > 0) return response;
        await this.ensureSession(true);
      }
    }

    async loadHistory() {
      const response = await this.call('/api/chat/sessions/:session/messages');
      if (!response.ok) return;
      const { messages } = await response.json();
      for (const message of messages) this.show(message);
      // The live stream starts from the history's newest message, so nothing recorded in between is missed.
      const newest = messages.at(-1);
      if (newest && !localStorage.getItem(store.lastEvent)) localStorage.setItem(store.lastEvent, `${newest.createdAt}|${newest.id}`);
      const last = messages.at(-1);
      this.offer(last?.author !== 'customer' ? last?.options?.quickReplies : []);
    }

    /** Adds a message once (the same one can come from the reply stream, the live stream and the history). */
    show(message) {
      if (message.id && this.shown.has(message.id)) return this.bubbles?.get(message.id);
      if (message.id) this.shown.add(message.id);
      const item = document.createElement('li');
      item.className = message.author;
      if (message.author === 'agent') {
        const who = document.createElement('span');
        who.className = 'who';
        who.textContent = 'A person from our team';
        item.append(who);
      }
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = message.text;
      item.append(text);
      if (message.options?.actions.length) this.addActions(item, message.options.actions);
      this.ui.list.append(item);
      this.toEnd();
      this.bubbles ??= new Map();
      if (message.id) this.bubbles.set(message.id, item);
      return item;
    }

    /**
     * Tells the people handling the chat that the visitor is writing: one notice every few seconds at most, the
     * last one at the end of its window. Sending a message ends it.
     */
    typing() {
      if (!this.session || this.typingTimer) return;
      const wait = Math.max(0, (this.typingSentAt ?? 0) + 3000 - Date.now());
      this.typingTimer = setTimeout(() => {
        this.typingTimer = null;
        if (!this.ui.input.value.trim()) return;
        this.typingSentAt = Date.now();
        this.call('/api/chat/sessions/:session/typing', { method: 'POST' }).catch(() => {});
      }, wait);
    }

    /** "A person is typing" for a few seconds after each notice, or until their message arrives. */
    personTyping(on) {
      clearTimeout(this.personTypingTimer);
      if (this.sending > 0) return;
      this.ui.typing.textContent = on ? 'A person from our team is typing…' : '';
      if (on) this.personTypingTimer = setTimeout(() => this.personTyping(false), 6000);
    }

    /** Links under a reply: a listing, a booking page. They open in a new tab. */
    addActions(item, actions) {
      const row = document.createElement('div');
      row.className = 'actions';
      for (const action of actions) {
        const link = document.createElement('a');
        link.href = action.url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        link.textContent = action.label;
        row.append(link);
      }
      item.append(row);
      this.toEnd();
    }

    /** The newest message in view, with what it carries. */
    toEnd() {
      this.ui.list.scrollTop = this.ui.list.scrollHeight;
    }

    /** Quick replies for the newest reply: a tap sends that text. Replaced by the next reply, cleared on sending. */
    offer(replies = []) {
      this.ui.quick.replaceChildren(
        ...replies.map((reply) => {
          const button = document.createElement('button');
          button.type = 'button';
          button.textContent = reply;
          button.addEventListener('click', () => void this.send(reply));
          return button;
        }),
      );
      // The suggestions take room under the list: its newest message stays in view above them.
      this.toEnd();
    }

    /** One step of phone linking; a refusal's words go to the visitor and the answer is null. */
    async phoneStep(path, body) {
      const response = await this.post(path, body);
      if (response.ok) return response;
      this.ui.phoneStatus.textContent = (await response.json().catch(() => ({}))).error?.message ?? 'That did not work.';
      return null;
    }

    /** The visitor says which number is theirs; a code goes to it by SMS. */
    async claimPhone() {
      const phone = this.ui.claim.querySelector('input').value.trim();
      const response = await this.phoneStep('/api/chat/sessions/:session/phone', { phone });
      if (!response) return;
      this.ui.verify.hidden = false;
      this.ui.phoneStatus.textContent = 'We texted you a code.';
      this.ui.verify.querySelector('input').focus();
    }

    /** The code typed back: this chat continues that number's conversation, texts and calls included. */
    async verifyPhone() {
      const code = this.ui.verify.querySelector('input').value.trim();
      const response = await this.phoneStep('/api/chat/sessions/:session/phone/verify', { code });
      if (!response) return;
      const { phone } = await response.json();
      this.ui.claim.hidden = true;
      this.ui.verify.hidden = true;
      this.keep({ ...this.session, visitor: { ...this.session.visitor, linkedPhone: phone } });
      this.ui.phoneStatus.textContent = 'Your phone number is linked: here is your conversation.';
      this.ui.list.replaceChildren();
      this.shown.clear();
      localStorage.removeItem(store.lastEvent);
      await this.loadHistory();
      this.restartFollow?.();
    }

    notice(text) {
      const item = document.createElement('li');
      item.className = 'notice';
      item.textContent = text;
      this.ui.list.append(item);
    }

    /**
     * Sends the message and reads the reply as the AI SDK's UI message stream, token by token. The visitor may write
     * again before a reply is finished: the newer message supersedes it, and the unfinished reply is taken away.
     */
    async send(chosen) {
      const text = (chosen ?? this.ui.input.value).trim();
      if (!text) return;
      this.sending = (this.sending ?? 0) + 1;
      if (chosen === undefined) this.ui.input.value = '';
      clearTimeout(this.typingTimer);
      this.typingTimer = null;
      this.typingSentAt = 0;
      this.offer([]);
      const id = `u-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      this.show({ id: `in:local:${id}`, author: 'customer', text });
      this.ui.typing.textContent = 'Typing…';
      try {
        await this.ready();
        const response = await this.post('/api/chat', {
          id: this.session.sessionId,
          trigger: 'submit-message',
          messages: [{ id, role: 'user', parts: [{ type: 'text', text }] }],
        });
        if (!response.ok || !response.body) {
          const refusal = await response.json().catch(() => null);
          return this.notice(refusal?.error?.message ?? 'The message could not be sent. Please try again.');
        }
        let bubble = null;
        let recorded = false;
        for await (const part of parts(response.body)) {
          if (part.type === 'text-delta') {
            bubble ??= this.show({ author: 'ai', text: '' });
            bubble.querySelector('.text').textContent += part.delta;
            this.ui.typing.textContent = '';
            this.toEnd();
          } else if (part.type === 'data-message') {
            recorded = true;
            this.shown.add(part.data.id);
          } else if (part.type === 'data-quick-replies') {
            this.offer(part.data.replies);
          } else if (part.type === 'data-actions') {
            bubble ??= this.show({ author: 'ai', text: '' });
            this.addActions(bubble, part.data.actions);
          } else if (part.type === 'data-handoff') {
            this.notice('A person from our team will reply here.');
          } else if (part.type === 'error') {
            this.notice(part.errorText);
          }
        }
        // No recorded reply: a newer message superseded this one (or a person has the chat).
        if (!recorded) bubble?.remove();
      } catch {
        this.notice('The message could not be sent. Please try again.');
      } finally {
        this.sending -= 1;
        if (this.sending === 0) {
          this.ui.typing.textContent = '';
          for (const held of this.heldBack?.splice(0) ?? []) this.show(held);
        }
      }
    }

    /** The live stream: what arrives while no reply is being read. Reconnects, resuming from the last event. */
    async follow() {
      for (let wait = 1000; ; wait = Math.min(wait * 2, 30_000)) {
        const controller = new AbortController();
        // Linking a phone number changes the conversation: the stream starts over on it.
        this.restartFollow = () => controller.abort();
        try {
          const last = localStorage.getItem(store.lastEvent);
          const response = await this.call('/api/chat/sessions/:session/events', {
            headers: last ? { 'last-event-id': last } : {},
            signal: controller.signal,
          });
          if (response.ok && response.body) {
            wait = 1000;
            for await (const event of sseEvents(response.body)) this.onEvent(event);
          }
        } catch {
          // The network or the service went away (or the stream was restarted): try again shortly.
        }
        if (controller.signal.aborted) wait = 250;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }

    onEvent(event) {
      if (event.id) localStorage.setItem(store.lastEvent, event.id);
      if (event.event === 'message') {
        const message = JSON.parse(event.data);
        // A reply this widget is showing from its own stream (the model's, or the service's own text when the model
        // is down) arrives here too: held until the stream has said which message it was, then shown only if it is
        // another one.
        if (this.sending > 0 && (message.author === 'ai' || message.author === 'system')) return void (this.heldBack ??= []).push(message);
        if (message.author === 'agent') this.personTyping(false);
        this.show(message);
        if (message.author !== 'customer') this.offer(message.options?.quickReplies);
      } else if (event.event === 'typing') {
        this.personTyping(true);
      } else if (event.event === 'agent_joined') {
        this.notice('A person from our team joined the chat.');
      } else if (event.event === 'handoff_closed') {
        this.notice('The assistant is back.');
      }
    }
  }

  /** Server-sent events from a fetch body: { event, id, data } per block. */
  async function* sseEvents(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = { event: 'message', id: '', data: '' };
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon <= 0) continue;
          const field = line.slice(0, colon);
          const value = line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') event.data += value;
          else if (field === 'event' || field === 'id') event[field] = value;
        }
        yield event;
      }
    }
  }

  /** The UI message stream's parts. */
  async function* parts(body) {
    for await (const event of sseEvents(body)) {
      if (event.data && event.data !== '[DONE]') yield JSON.parse(event.data);
    }
  }

  customElements.define('dc-chat', DcChat);
  document.body.append(document.createElement('dc-chat'));
})();
