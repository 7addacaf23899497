import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingNotice } from '../../api/browser/shared/typing-notice';

/** Someone writing in a box: what they typed, and when each notice went out (ms since the start). */
function writer() {
  const start = Date.now();
  const box = { value: '' };
  const sent: number[] = [];
  const notice = new TypingNotice({ everyMs: 3000, stillWriting: () => box.value.trim() !== '', notify: () => sent.push(Date.now() - start) });
  const type = (text: string) => {
    box.value += text;
    notice.typed();
  };
  return { box, sent, notice, type };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TypingNotice', () => {
  it('tells the other side at the first keystroke, then at most once every few seconds while the writing goes on', () => {
    const { sent, type } = writer();
    for (let ms = 0; ms < 10_000; ms += 100) {
      type('a');
      vi.advanceTimersByTime(100);
    }
    expect(sent).toEqual([0, 3000, 6000, 9000]);
    // What was written after the last notice is told at the end of its window, not dropped.
    vi.runAllTimers();
    expect(sent).toEqual([0, 3000, 6000, 9000, 12_000]);
  });

  it('sends nothing when the box was cleared before the notice was due', () => {
    const { box, sent, type } = writer();
    type('Hi');
    vi.advanceTimersByTime(0);
    type(' there');
    box.value = '';
    vi.runAllTimers();
    expect(sent).toEqual([0]);
  });

  it('tells of new writing at once after a message was sent', () => {
    const { box, sent, notice, type } = writer();
    type('Hi');
    vi.advanceTimersByTime(500);
    type('!');
    box.value = '';
    notice.reset();
    vi.advanceTimersByTime(500);
    type('And');
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([0, 1000]);
    vi.runAllTimers();
    expect(sent).toEqual([0, 1000]);
  });
});
