import type { StreamPart } from '../../protocol/chat-stream';
import { sseEvents } from '../shared/sse-events';
import type { MessageList } from './message-list';

/** The parts of a reply as the chat endpoint writes them: the AI SDK's UI message stream, ended by `[DONE]`. */
async function* streamParts(body: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<StreamPart, void, undefined> {
  for await (const event of sseEvents(body)) {
    if (event.data && event.data !== '[DONE]') yield JSON.parse(event.data) as StreamPart;
  }
}

/**
 * Shows a reply token by token as it is written, with the buttons it carries. A reply the service did not record (a
 * newer message superseded it, or a person has the chat) is taken away at its end.
 */
export async function showReply(body: ReadableStream<Uint8Array<ArrayBuffer>>, messages: MessageList, typing: HTMLElement): Promise<void> {
  let bubble: HTMLLIElement | null = null;
  let recorded = false;
  for await (const part of streamParts(body)) {
    switch (part.type) {
      case 'text-delta':
        bubble ??= messages.add({ author: 'ai', text: '' });
        messages.write(bubble, part.delta);
        typing.textContent = '';
        messages.toEnd();
        break;
      case 'data-message':
        recorded = true;
        messages.markShown(part.data.id);
        break;
      case 'data-quick-replies':
        messages.offer(part.data.replies);
        break;
      case 'data-actions':
        bubble ??= messages.add({ author: 'ai', text: '' });
        messages.addActions(bubble, part.data.actions);
        break;
      case 'data-handoff':
        messages.notice('A person from our team will reply here.');
        break;
      case 'error':
        messages.notice(part.errorText);
        break;
      default:
        // The reply's start and end, and its steps: nothing to show.
        break;
    }
  }
  if (!recorded) bubble?.remove();
}
