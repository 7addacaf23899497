import type { ReplyAction } from '../../../domain/reply-options';
import type { VisitorMessage } from '../../protocol/visitor-chat';

/** A message to show: one the service recorded (with its id), or the visitor's own, or a reply still being written. */
export type ShownMessage = Pick<VisitorMessage, 'author' | 'text'> & Partial<Pick<VisitorMessage, 'id' | 'options'>>;

/** The conversation as the visitor sees it: the messages and notices, and the suggested replies under the newest. */
export class MessageList {
  /** The ids shown: the same message can come from the reply stream, the live stream and the history. */
  private readonly shown = new Set<string>();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly quick: HTMLElement,
    /** A suggested reply was tapped: the visitor says that. */
    private readonly reply: (text: string) => void,
  ) {}

  /** Adds a message once. */
  show(message: ShownMessage): void {
    if (message.id && this.shown.has(message.id)) return;
    if (message.id) this.shown.add(message.id);
    this.add(message);
  }

  /** A message shown already, as the reply read from its own stream: the live stream or the history will not add it again. */
  markShown(id: string): void {
    this.shown.add(id);
  }

  /** Adds the message's bubble (a reply being written grows in it), shown before or not. */
  add(message: ShownMessage): HTMLLIElement {
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
    this.list.append(item);
    this.toEnd();
    return item;
  }

  /** More of a reply being written. */
  write(bubble: HTMLLIElement, text: string): void {
    const shown = bubble.querySelector('.text');
    if (shown) shown.textContent += text;
  }

  /** A line from the widget itself, between the messages. */
  notice(text: string): void {
    const item = document.createElement('li');
    item.className = 'notice';
    item.textContent = text;
    this.list.append(item);
  }

  /** Links under a reply: a listing, a booking page. They open in a new tab. */
  addActions(item: HTMLLIElement, actions: ReplyAction[]): void {
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

  /** Quick replies for the newest reply: a tap sends that text. Replaced by the next reply, cleared on sending. */
  offer(replies: string[] = []): void {
    this.quick.replaceChildren(
      ...replies.map((reply) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = reply;
        button.addEventListener('click', () => this.reply(reply));
        return button;
      }),
    );
    // The suggestions take room under the list: its newest message stays in view above them.
    this.toEnd();
  }

  /** The newest message in view, with what it carries. */
  toEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** Empties the list: another conversation is shown from its start. */
  clear(): void {
    this.list.replaceChildren();
    this.shown.clear();
  }
}
