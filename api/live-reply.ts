/**
 * What a customer waiting live (a caller, a web visitor) has received of one reply, built from the token events of
 * the reply activity. A retried attempt writes the reply again from the start: only what goes beyond what they
 * already got counts, and nothing more once a retry says something else.
 */
export class LiveReply {
  /** What was passed on so far. */
  forwarded = '';
  /** Nothing more is passed on (the customer cut in, a newer message came, or a retry diverged). */
  stopped = false;
  private attempt = 0;
  private attemptText = '';

  constructor(readonly turnId: string) {}

  /** The new text to pass on for a token event of this turn, or '' for none. */
  take(event: { turnId: string; attempt: number; text: string }): string {
    if (this.stopped || event.turnId !== this.turnId || event.attempt < this.attempt) return '';
    if (event.attempt > this.attempt) {
      this.attempt = event.attempt;
      this.attemptText = '';
    }
    this.attemptText += event.text;
    if (!this.attemptText.startsWith(this.forwarded)) {
      if (!this.forwarded.startsWith(this.attemptText)) this.stopped = true;
      return '';
    }
    const fresh = this.attemptText.slice(this.forwarded.length);
    this.forwarded += fresh;
    return fresh;
  }

  /** Whether this end event closes the attempt being followed. */
  ends(event: { turnId: string; attempt: number }): boolean {
    return !this.stopped && event.turnId === this.turnId && event.attempt === this.attempt;
  }

  /** What is left of `fullText` once the recorded reply is known (tokens lost on the way still reach the customer). */
  rest(fullText: string): string {
    return fullText.startsWith(this.forwarded) ? fullText.slice(this.forwarded.length) : '';
  }
}
