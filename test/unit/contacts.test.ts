import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../api/contacts';

describe('parseAddress', () => {
  it('reads WhatsApp, E.164 and national formats of one number as one contact', () => {
    expect(parseAddress('whatsapp:+16049085474')).toEqual({ channel: 'whatsapp', e164: '+16049085474' });
    expect(parseAddress('+16049085474')).toEqual({ channel: 'sms', e164: '+16049085474' });
    expect(parseAddress('(604) 908-5474')).toEqual({ channel: 'sms', e164: '+16049085474' });
    expect(parseAddress(' +44 20 7946 0958 ')).toEqual({ channel: 'sms', e164: '+442079460958' });
  });

  it('refuses what is not a phone number', () => {
    for (const raw of ['', 'nobody', 'whatsapp:', '+1', 'client:alice', '12']) expect(parseAddress(raw)).toBeNull();
  });
});
