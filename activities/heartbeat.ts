import { Context } from '@temporalio/activity';

const everyMs = 1000;

/**
 * Runs `work` while telling Temporal every second that this attempt is alive. With the activity's short heartbeat
 * timeout, an attempt lost with its worker is retried on another within seconds, and a cancellation (which reaches
 * an activity only through its heartbeat) lands within about a second; `work` gets the cancellation signal to pass
 * to the call it makes. Work done within the first second sends no heartbeat at all: the timeout counts from the
 * attempt's start, so a quick activity costs the server nothing extra.
 */
export async function heartbeating<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), everyMs);
  try {
    return await work(context.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
