import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../activities/model-call';
import { describeRejection, isFinalRejection } from '../../activities/channels/twilio-errors';

describe('retryAfterMs', () => {
  it("reads OpenAI's retry-after-ms first, then retry-after in seconds", () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
  });

  it('leaves the delay to the retry policy when the provider names none', () => {
    expect(retryAfterMs(new Headers())).toBeNull();
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }))).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});

describe('Twilio rejections', () => {
  it('treats 4xx as final except 429, and 5xx as retryable', () => {
    expect(isFinalRejection({ status: 400, code: 21211, message: 'x' })).toBe(true);
    expect(isFinalRejection({ status: 429, code: 20429, message: 'x' })).toBe(false);
    expect(isFinalRejection({ status: 503, message: 'x' })).toBe(false);
    expect(isFinalRejection(new Error('ECONNRESET'))).toBe(false);
  });

  it('explains known codes in words and keeps Twilio’s own message', () => {
    expect(describeRejection({ status: 400, code: 63016, message: 'Outside window' })).toEqual({
      code: '63016',
      reason: 'WhatsApp: outside the 24-hour session window, an approved template is required (Twilio 63016: Outside window)',
    });
    expect(describeRejection({ status: 400, code: 99999, message: 'Odd' })).toEqual({ code: '99999', reason: 'Twilio 99999: Odd' });
  });
});
