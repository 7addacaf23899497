import { sleep } from '@temporalio/workflow';

/**
 * The conversation's idle deadline as one durable timer that is re-armed only when it fires before the deadline
 * (activity moved it). A busy conversation so starts about one timer per idle period, instead of starting and
 * cancelling one around every turn: two history events and a server timer less per turn.
 */
export class IdleTimer {
  private lastActivity = Date.now();
  private armed = false;
  /** Set once `idleMs` have passed since the last `touch`. */
  expired = false;

  constructor(private readonly idleMs: number) {}

  /** Restarts the countdown (no command: the running timer checks the deadline when it fires). */
  touch(): void {
    this.lastActivity = Date.now();
    this.expired = false;
    this.arm();
  }

  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    const remaining = this.lastActivity + this.idleMs - Date.now();
    sleep(Math.max(remaining, 1)).then(
      () => {
        this.armed = false;
        if (Date.now() >= this.lastActivity + this.idleMs) this.expired = true;
        else this.arm();
      },
      // Cancelled with the workflow: the main loop sees the cancellation itself.
      () => {},
    );
  }
}
