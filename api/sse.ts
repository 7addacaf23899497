import type { SSEStreamingApi } from 'hono/streaming';

const keepAliveMs = 15_000;

/**
 * Feeds a server-sent event stream from a subscription until the client goes away: `opening` is written once the
 * subscription is live (so nothing after it is missed), then events in order as they come, with a `ping` when
 * nothing happened for a while (proxies close idle connections).
 */
export async function relayEvents<T>(
  stream: SSEStreamingApi,
  subscribe: (push: (event: T) => void) => () => void,
  write: (event: T) => Promise<void>,
  opening: () => Promise<void>,
): Promise<void> {
  const queue: T[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = subscribe((event) => {
    queue.push(event);
    wake?.();
  });
  stream.onAbort(() => {
    unsubscribe();
    wake?.();
  });
  try {
    await opening();
    while (!stream.aborted) {
      const event = queue.shift();
      if (event !== undefined) {
        await write(event);
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, keepAliveMs);
      });
      wake = null;
      if (queue.length === 0 && !stream.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
    }
  } finally {
    unsubscribe();
  }
}
