import type { ErrorBody } from '../../protocol/error-body';
import type { VisitorEvents, VisitorHistory, VisitorMessage } from '../../protocol/visitor-chat';
import { readJson } from '../shared/json';
import { handleEvent, type SseEvent } from '../shared/sse-events';
import { TypingNotice } from '../shared/typing-notice';
import { ChatSession } from './chat-session';
import { LiveStream } from './live-stream';
import { renderWidget, type WidgetUi } from './markup';
import { MessageList } from './message-list';
import { PhoneLink } from './phone-link';
import { showReply } from './reply-stream';
import type { WidgetSettings } from './settings';

/**
 * The chat in its shadow root: opening it, sending the visitor's messages and reading each reply as it is written,
 * and what the live stream brings in between.
 */
export class ChatWidget {
  private readonly ui: WidgetUi;
  private readonly messages: MessageList;
  private readonly session: ChatSession;
  private readonly phone: PhoneLink;
  private readonly live: LiveStream;
  private readonly typingNotice: TypingNotice;
  /** The session, its history and the live stream, started once; null until then, or after a start that failed. */
  private opening: Promise<void> | null = null;
  /** Messages sent whose reply is still being read. */
  private sending = 0;
  /** Replies from the live stream while one is being read from its own stream: shown, if they are others, after. */
  private readonly heldBack: VisitorMessage[] = [];
  private personTypingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(root: ShadowRoot, private readonly settings: WidgetSettings) {
    const ui = renderWidget(root);
    this.ui = ui;
    this.messages = new MessageList(ui.list, ui.quick, (reply) => void this.send(reply));
    this.session = new ChatSession(settings, (session) => this.phone.show(session.visitor));
    this.phone = new PhoneLink(ui, this.session, () => this.showLinkedConversation());
    this.live = new LiveStream(this.session, settings.store.lastEvent, (event) => this.onLiveEvent(event));
    // Tells the people handling the chat that the visitor is writing; sending the message ends it.
    this.typingNotice = new TypingNotice({
      everyMs: 3000,
      stillWriting: () => Boolean(ui.input.value.trim()),
      notify: () => void this.session.call('/api/chat/sessions/:session/typing', { method: 'POST' }).catch(() => {}),
    });
    ui.launcher.addEventListener('click', () => void this.open());
    ui.close.addEventListener('click', () => this.close());
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    ui.input.addEventListener('input', () => {
      if (this.session.current) this.typingNotice.typed();
    });
    ui.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        void this.send();
      }
      if (event.key === 'Escape') this.close();
    });
  }

  private async open(): Promise<void> {
    this.ui.panel.hidden = false;
    this.ui.launcher.hidden = true;
    this.ui.launcher.setAttribute('aria-expanded', 'true');
    this.ui.input.focus();
    await this.ready().catch(() => this.messages.notice('The chat is not available right now. Please try again later.'));
  }

  /**
   * The session, its history and the live stream, once; a message written while the chat is still opening waits
   * for it. A failed start is tried again by the next open or message.
   */
  private ready(): Promise<void> {
    this.opening ??= (async () => {
      await this.session.ensure();
      await this.loadHistory();
      void this.live.follow();
    })().catch((error: unknown) => {
      this.opening = null;
      throw error;
    });
    return this.opening;
  }

  private close(): void {
    this.ui.panel.hidden = true;
    this.ui.launcher.hidden = false;
    this.ui.launcher.setAttribute('aria-expanded', 'false');
    this.ui.launcher.focus();
  }

  private async loadHistory(): Promise<void> {
    const response = await this.session.call('/api/chat/sessions/:session/messages');
    if (!response.ok) return;
    const { messages } = await readJson<VisitorHistory>(response);
    for (const message of messages) this.messages.show(message);
    // The live stream starts from the history's newest message, so nothing recorded in between is missed.
    const newest = messages.at(-1);
    if (newest && !localStorage.getItem(this.settings.store.lastEvent)) localStorage.setItem(this.settings.store.lastEvent, `${newest.createdAt}|${newest.id}`);
    this.messages.offer(newest?.author !== 'customer' ? newest?.options?.quickReplies : []);
  }

  /** After phone linking: the number's conversation, from its start, and the live stream on it. */
  private async showLinkedConversation(): Promise<void> {
    this.messages.clear();
    localStorage.removeItem(this.settings.store.lastEvent);
    await this.loadHistory();
    this.live.restart();
  }

  /** "A person is typing" for a few seconds after each notice, or until their message arrives. */
  private personTyping(on: boolean): void {
    clearTimeout(this.personTypingTimer);
    if (this.sending > 0) return;
    this.ui.typing.textContent = on ? 'A person from our team is typing…' : '';
    if (on) this.personTypingTimer = setTimeout(() => this.personTyping(false), 6000);
  }

  /**
   * Sends the message and reads the reply as the AI SDK's UI message stream, token by token. The visitor may write
   * again before a reply is finished: the newer message supersedes it, and the unfinished reply is taken away.
   */
  private async send(chosen?: string): Promise<void> {
    const text = (chosen ?? this.ui.input.value).trim();
    if (!text) return;
    this.sending += 1;
    if (chosen === undefined) this.ui.input.value = '';
    this.typingNotice.reset();
    this.messages.offer([]);
    const id = `u-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.messages.show({ id: `in:local:${id}`, author: 'customer', text });
    this.ui.typing.textContent = 'Typing…';
    try {
      await this.ready();
      const response = await this.session.post('/api/chat', {
        id: this.session.active.sessionId,
        trigger: 'submit-message',
        messages: [{ id, role: 'user', parts: [{ type: 'text', text }] }],
      });
      if (!response.ok || !response.body) {
        const refusal = await readJson<Partial<ErrorBody>>(response).catch(() => null);
        this.messages.notice(refusal?.error?.message ?? 'The message could not be sent. Please try again.');
        return;
      }
      await showReply(response.body, this.messages, this.ui.typing);
    } catch {
      this.messages.notice('The message could not be sent. Please try again.');
    } finally {
      this.sending -= 1;
      if (this.sending === 0) {
        this.ui.typing.textContent = '';
        for (const held of this.heldBack.splice(0)) this.messages.show(held);
      }
    }
  }

  private onLiveEvent(event: SseEvent): void {
    handleEvent<VisitorEvents>(event, {
      message: (message) => {
        // A reply this widget is showing from its own stream (the model's, or the service's own text when the model
        // is down) arrives here too: held until the stream has said which message it was, then shown only if it is
        // another one.
        if (this.sending > 0 && (message.author === 'ai' || message.author === 'system')) {
          this.heldBack.push(message);
          return;
        }
        if (message.author === 'agent') this.personTyping(false);
        this.messages.show(message);
        if (message.author !== 'customer') this.messages.offer(message.options?.quickReplies);
      },
      typing: () => this.personTyping(true),
      agent_joined: () => this.messages.notice('A person from our team joined the chat.'),
      handoff_closed: () => this.messages.notice('The assistant is back.'),
    });
  }
}
