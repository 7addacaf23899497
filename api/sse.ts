import type { SSEStreamingApi } from 'hono/streaming';

const keepAliveMs = 15_000;
/** Events waiting for a client that does not read: past this many the stream ends (it reconnects and catches up). */
const maxQueued = 500;

/**
 * Feeds a server-sent event stream from a subscription until the client goes away: `opening` is written once the
 * subscription is live (so nothing after it is missed), then events in order as they come, with a `ping` when
 * nothing happened for a while (proxies close idle connections). A client that stops reading while events keep
 * coming is cut off once `maxQueued` wait, rather than held in memory.
 */
export async function relayEvents<T>(
  stream: SSEStreamingApi,
  subscribe: (push: (event: T) => void) => () => void,
  write: (event: T) => Promise<void>,
  opening: () => Promise<void>,
): Promise<void> {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  let overflowed = false;
  const unsubscribe = subscribe((event) => {
    if (queue.length >= maxQueued) overflowed = true;
    else queue.push(event);
    wake?.();
  });
  stream.onAbort(() => {
    unsubscribe();
    wake?.();
  });
  try {
    await opening();
    while (!stream.aborted && !overflowed) {
      const event = queue.shift();
      if (event !== undefined) {
        await write(event);
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, keepAliveMs);
      });
      clearTimeout(timer);
      wake = null;
      if (queue.length === 0 && !stream.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
    }
  } finally {
    unsubscribe();
  }
}
