import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from '../../api/client-address';

describe('the address limits count', () => {
  it('is an IPv4 address as is, however it is written', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('is an IPv6 address by its /64: one subscriber rotating through their range is one address', () => {
    expect(addressKey('2001:db8:85a3:12:8a2e:370:7334:1')).toBe('2001:db8:85a3:12::/64');
    expect(addressKey('2001:0db8:85a3:0012:ffff:ffff:ffff:ffff')).toBe('2001:db8:85a3:12::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('is what it was given when it is no address', () => {
    expect(addressKey('unknown')).toBe('unknown');
  });
});

describe('who a request comes from', () => {
  const app = (trustProxy: boolean) => new Hono().get('/', (c) => c.text(clientAddress(c, trustProxy)));
  const from = async (trustProxy: boolean, forwarded: string) => (await app(trustProxy).request('/', { headers: { 'x-forwarded-for': forwarded } })).text();

  it("is the proxy's word for it behind a trusted proxy: the last X-Forwarded-For entry, not the client's own", async () => {
    expect(await from(true, '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(await from(true, '2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    expect(await from(false, '203.0.113.9')).toBe('unknown');
  });
});
