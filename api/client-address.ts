import { isIPv4, isIPv6 } from 'node:net';
import type { Context } from 'hono';

/**
 * Who a request comes from, as limits count it: the socket's peer, or, behind a proxy the service trusts
 * (TRUST_PROXY), the address that proxy appended to X-Forwarded-For (the last one: earlier ones are the client's
 * word). An IPv6 address counts by its /64, the range one subscriber is given, so rotating through it gains nothing.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  const peer = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  const forwarded = trustProxy ? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim() : undefined;
  return addressKey(forwarded || peer || 'unknown');
}

/** An IPv4 address as is (also when written IPv4-mapped), an IPv6 address by its first 64 bits. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const front = head ? head.split(':') : [];
  const back = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
