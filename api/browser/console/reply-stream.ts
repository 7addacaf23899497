import type { ReplyStreamEvents } from '../../protocol/timeline';
import { handleEvent, sseEvents } from '../shared/sse-events';
import { el } from './create-element';
import { page } from './page';
import { state } from './state';

/** The reply being written in the conversation on screen, as far as it has come. */
let writing: { turnId: string; attempt: number; text: string } | null = null;
let following: AbortController | null = null;

/** Shows the reply being written at the end of the timeline (again after the timeline is drawn afresh). */
export function showWriting(): void {
  let item = page.messages.querySelector<HTMLLIElement>('li.writing');
  if (!writing) {
    item?.remove();
    return;
  }
  if (!item) {
    item = el('li', { class: 'message from-ai writing', 'data-testid': 'writing' });
    page.messages.append(item);
  }
  item.replaceChildren(el('span', { class: 'who' }, 'AI · writing…'), writing.text);
  page.messages.scrollTop = page.messages.scrollHeight;
}

/**
 * Follows the replies written in conversation `id` as they are written, token by token, until another conversation
 * is opened. The written reply then arrives as a message and takes this one's place.
 */
export function followReplies(id: string): void {
  following?.abort();
  writing = null;
  const controller = new AbortController();
  following = controller;
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(`/api/conversations/${encodeURIComponent(id)}/stream`, {
          headers: { authorization: `Bearer ${state.token}` },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`reply stream ${response.status}`);
        for await (const event of sseEvents(response.body)) {
          handleEvent<ReplyStreamEvents>(event, {
            token: ({ turnId, attempt, text }) => {
              // A retried attempt writes the reply again from its start.
              if (!writing || writing.turnId !== turnId || writing.attempt !== attempt) writing = { turnId, attempt, text: '' };
              writing.text += text;
              showWriting();
            },
            turn_end: () => {
              writing = null;
              showWriting();
            },
          });
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();
}

export function stopFollowing(): void {
  following?.abort();
  following = null;
  writing = null;
}
