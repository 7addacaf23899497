import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A short reference a customer can read out or type (no 0/O, 1/I): `BK-7KQ2MX`. */
export function readableRef(prefix: string): string {
  return `${prefix}-${[...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}
