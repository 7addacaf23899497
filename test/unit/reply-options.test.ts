import { describe, expect, it } from 'vitest';
import { readReplyOptions } from '../../domain/reply-options';

describe('readReplyOptions', () => {
  it('keeps short quick replies and http(s) links, once each, within the caps', () => {
    expect(
      readReplyOptions({
        quick_replies: ['  Book a   viewing ', 'Book a viewing', 'Other flats', 'Yes', 'No', 'Maybe'],
        actions: [
          { label: 'Listing', url: 'https://homes.example.com/12' },
          { label: 'Same listing', url: 'https://homes.example.com/12' },
          { label: 'Plain', url: 'http://homes.example.com/13' },
        ],
      }),
    ).toEqual({
      quickReplies: ['Book a viewing', 'Other flats', 'Yes', 'No'],
      actions: [
        { label: 'Listing', url: 'https://homes.example.com/12' },
        { label: 'Plain', url: 'http://homes.example.com/13' },
      ],
    });
  });

  it('drops scripts, malformed links, empty and overlong labels, and gives null when nothing is left', () => {
    const options = readReplyOptions({
      quickReplies: ['', 'x'.repeat(41), 7],
      actions: [
        { label: 'Run', url: 'javascript:alert(1)' },
        { label: 'Data', url: 'data:text/html,hi' },
        { label: 'Relative', url: '/listings/12' },
        { label: '', url: 'https://homes.example.com' },
        'https://homes.example.com',
      ],
    });
    expect(options).toBeNull();
    expect(readReplyOptions(null)).toBeNull();
    expect(readReplyOptions('buttons')).toBeNull();
  });
});
