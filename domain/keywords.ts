/**
 * Carrier opt-out keywords. Matching is on the whole body, trimmed and case-insensitive, as Twilio does: "stop" opts
 * out, "please stop calling me" does not.
 */
export type Keyword = 'stop' | 'start' | 'help';

const keywords: Record<string, Keyword> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  START: 'start',
  YES: 'start',
  UNSTOP: 'start',
  HELP: 'help',
  INFO: 'help',
};

export function keywordOf(body: string): Keyword | null {
  return keywords[body.trim().replace(/[.!]+$/, '').toUpperCase()] ?? null;
}
