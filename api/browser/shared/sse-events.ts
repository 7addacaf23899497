/** One server-sent event: its name (`message` when the server gave none), its id and its data. */
export interface SseEvent {
  event: string;
  id: string;
  data: string;
}

/**
 * The server-sent events of a fetch body, each once it is complete: an event may arrive split across chunks (even
 * inside a character), and one chunk may hold several. Read with fetch rather than EventSource, which can send
 * neither a bearer token nor a Last-Event-ID of the reader's choosing. Reads what this service writes: fields on
 * `\n`-ended lines, a blank line after each event.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<SseEvent, void, undefined> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      yield parseEvent(block);
    }
  }
}

/** One event's lines; comments (`: …`) and fields other than `event`, `id` and `data` are skipped. */
function parseEvent(block: string): SseEvent {
  const event: SseEvent = { event: 'message', id: '', data: '' };
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') event.data += value;
    else if (field === 'event' || field === 'id') event[field] = value;
  }
  return event;
}

/** What to do with each event a stream names in `Events` (its SSE event names and their data, as api/protocol/ says). */
export type EventHandlers<Events> = { [Name in keyof Events]?: (data: Events[Name]) => void };

/** Hands the event's data (JSON) to the handler of its name; an event with no handler is let go unread. */
export function handleEvent<Events>(event: SseEvent, handlers: EventHandlers<Events>): void {
  const handler = (handlers as Record<string, ((data: unknown) => void) | undefined>)[event.event];
  handler?.(JSON.parse(event.data));
}
