export interface TypingNoticeOptions {
  /** The shortest time between two notices. */
  everyMs: number;
  /** Asked when a notice is due: whether there is still something being written (a cleared box says nothing). */
  stillWriting(): boolean;
  /** Tells the other side; a notice that does not arrive is not worth a retry (the next keystroke sends another). */
  notify(): void;
}

/**
 * Tells the other side of a chat that someone is writing, without a request per keystroke: one notice every
 * `everyMs` at most, the last one at the end of its window, so someone who keeps writing is seen writing throughout.
 * The widget (the visitor writing) and the console (the agent writing) use it alike.
 */
export class TypingNotice {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sentAt = 0;

  constructor(private readonly options: TypingNoticeOptions) {}

  /** Someone wrote: a notice goes out now, or when the window since the last one ends. */
  typed(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.sentAt + this.options.everyMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.options.stillWriting()) return;
      this.sentAt = Date.now();
      this.options.notify();
    }, wait);
  }

  /** The message was sent: nothing more is due, and the next keystroke is news at once. */
  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sentAt = 0;
  }
}
