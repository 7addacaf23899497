import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../api/contacts';

describe('parseAddress', () => {
  it('reads WhatsApp, E.164 and national formats of one number as one contact', () => {
    expect(parseAddress('whatsapp:+16049085474')).toEqual({ channel: 'whatsapp', contactKey: '+16049085474' });
    expect(parseAddress('+16049085474')).toEqual({ channel: 'sms', contactKey: '+16049085474' });
    expect(parseAddress('(604) 908-5474')).toEqual({ channel: 'sms', contactKey: '+16049085474' });
    expect(parseAddress(' +44 20 7946 0958 ')).toEqual({ channel: 'sms', contactKey: '+442079460958' });
  });

  it('accepts every sender a carrier delivers from: unlisted E.164 ranges, short codes, alphanumeric sender IDs', () => {
    // +1 555 01xx is reserved for fiction: well-formed, but in no numbering plan.
    expect(parseAddress('+15550123')).toEqual({ channel: 'sms', contactKey: '+15550123' });
    expect(parseAddress('+999123456789')).toEqual({ channel: 'sms', contactKey: '+999123456789' });
    expect(parseAddress('whatsapp:+999123456789')).toEqual({ channel: 'whatsapp', contactKey: '+999123456789' });
    expect(parseAddress('72975')).toEqual({ channel: 'sms', contactKey: '72975' });
    expect(parseAddress('ACME Bank')).toEqual({ channel: 'sms', contactKey: 'ACME Bank' });
    expect(parseAddress('nobody')).toEqual({ channel: 'sms', contactKey: 'nobody' });
  });

  it('refuses what no carrier sends from', () => {
    for (const raw of ['', 'whatsapp:', 'whatsapp:ACME', '+1', '+0123456789', 'client:alice', '12', 'A name far too long', '<script>', 'x\u0000']) {
      expect(parseAddress(raw), raw).toBeNull();
    }
  });
});
