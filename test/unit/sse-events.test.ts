import { describe, expect, it } from 'vitest';
import { handleEvent, sseEvents, type SseEvent } from '../../api/browser/shared/sse-events';

/** A fetch body that delivers these bytes in these chunks. */
function body(...chunks: Uint8Array<ArrayBuffer>[]): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function read(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of sseEvents(stream)) events.push(event);
  return events;
}

const encode = (text: string) => new TextEncoder().encode(text);

// As the visitor's live stream writes them: a message with its id, then a person typing.
const stream = [
  'event: message\ndata: {"author":"agent","text":"Un instant… je regarde"}\nid: 2026-11-30T10:00:00.000Z|m1\n\n',
  'event: typing\ndata: {"who":"agent"}\n\n',
].join('');
const written: SseEvent[] = [
  { event: 'message', id: '2026-11-30T10:00:00.000Z|m1', data: '{"author":"agent","text":"Un instant… je regarde"}' },
  { event: 'typing', id: '', data: '{"who":"agent"}' },
];

describe('sseEvents', () => {
  it('hands over each event whole and once, wherever the network cuts the body, even inside a character', async () => {
    const bytes = encode(stream);
    expect(await read(body(bytes))).toEqual(written);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(await read(body(bytes.slice(0, cut), bytes.slice(cut)))).toEqual(written);
    }
    expect(await read(body(...Array.from(bytes, (byte) => Uint8Array.of(byte))))).toEqual(written);
  });

  it('reads several events from one chunk, names an unnamed one `message` and skips comments', async () => {
    const events = await read(body(encode(': keep-alive\n\ndata: {"type":"start"}\n\ndata: [DONE]\n\n')));
    expect(events).toEqual([
      { event: 'message', id: '', data: '' },
      { event: 'message', id: '', data: '{"type":"start"}' },
      { event: 'message', id: '', data: '[DONE]' },
    ]);
  });

  it('never hands over half an event when the stream ends in the middle of one', async () => {
    expect(await read(body(encode('event: typing\ndata: {"who":"agent"}\n\nevent: message\ndata: {"auth')))).toEqual([written[1]]);
  });

  it("hands an event's data to the handler of its name, and lets events nobody handles go unread", () => {
    const seen: string[] = [];
    const handlers = { typing: (data: { who: string }) => seen.push(`typing: ${data.who}`) };
    for (const event of [...written, { event: 'ping', id: '', data: 'not JSON' }]) handleEvent<{ typing: { who: string } }>(event, handlers);
    expect(seen).toEqual(['typing: agent']);
  });
});
