import { describe, expect, it } from 'vitest';
import { furthestStatus, statusRank } from '../../domain/delivery-status';
import { keywordOf } from '../../domain/keywords';

describe('furthestStatus', () => {
  const s = (status: string) => ({ status });

  it('moves forward whatever order callbacks arrive in', () => {
    expect(furthestStatus(s('queued'), [s('delivered'), s('sent'), s('sending')]).status).toBe('delivered');
    expect(furthestStatus(s('delivered'), [s('sent'), s('queued')]).status).toBe('delivered');
  });

  it('keeps the first final state and lets WhatsApp read follow delivered', () => {
    expect(furthestStatus(s('sent'), [s('undelivered'), s('delivered')]).status).toBe('undelivered');
    expect(furthestStatus(s('delivered'), [s('read')]).status).toBe('read');
  });

  it('ignores statuses it does not know', () => {
    expect(statusRank('teleported')).toBe(-1);
    expect(furthestStatus(s('sent'), [s('teleported')]).status).toBe('sent');
  });
});

describe('keywordOf', () => {
  it('matches opt-out, opt-in and help keywords on the whole body, any case', () => {
    for (const body of ['STOP', 'stop', ' Stop ', 'STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit', 'stop.']) {
      expect(keywordOf(body)).toBe('stop');
    }
    for (const body of ['START', 'yes', 'Unstop']) expect(keywordOf(body)).toBe('start');
    for (const body of ['HELP', 'info']) expect(keywordOf(body)).toBe('help');
  });

  it('leaves sentences that merely contain a keyword alone', () => {
    for (const body of ['please stop calling', 'stop it now', 'yes please', 'I need help', '']) expect(keywordOf(body)).toBeNull();
  });
});
