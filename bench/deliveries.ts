import type { FakeTwilio } from '../test/fakes/twilio';
import { startHttpServer, type RunningServer } from '../devkit/http-server';

/** Resolves when a message with `body` reaches the fake Twilio; times deliveries without polling. */
export class DeliveryWatch {
  private readonly waiting = new Map<string, (at: number) => void>();

  constructor(twilio: FakeTwilio) {
    twilio.onSent = (message) => this.arrived(message.body);
  }

  arrived(key: string): void {
    const at = performance.now();
    this.waiting.get(key)?.(at);
    this.waiting.delete(key);
  }

  /** Call before triggering the send; resolves with the arrival time (performance.now()). */
  expect(key: string, timeoutMs = 60_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no delivery of ${key} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }
}

/** The floor's stand-in for Twilio: an HTTP endpoint its second activity posts to. */
export async function startSink(watch: DeliveryWatch): Promise<RunningServer> {
  return startHttpServer((_req, body, res) => {
    watch.arrived(body);
    res.writeHead(204);
    res.end();
  });
}
