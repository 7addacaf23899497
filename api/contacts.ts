import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Channel } from '../workflows/definitions';

export interface ParsedAddress {
  channel: Channel;
  /** The contact's identity across channels: a normalized E.164 number. */
  e164: string;
}

/**
 * `whatsapp:+16049085474`, `+16049085474` and `(604) 908-5474` are the same person. Numbers without a country code
 * are read as North American (Twilio itself always sends E.164). Returns null for anything that is not a valid number.
 */
export function parseAddress(raw: string): ParsedAddress | null {
  // Validation against the numbering plan is the costliest step of a webhook; the same few numbers come back.
  const known = memo.get(raw);
  if (known !== undefined) return known;
  const result = parseUncached(raw);
  if (result) Object.freeze(result);
  if (memo.size >= memoLimit) memo.delete(memo.keys().next().value as string);
  memo.set(raw, result);
  return result;
}

const memo = new Map<string, ParsedAddress | null>();
const memoLimit = 10_000;

function parseUncached(raw: string, defaultCountry: 'US' = 'US'): ParsedAddress | null {
  const trimmed = raw.trim();
  const whatsapp = /^whatsapp:/i.test(trimmed);
  const number = whatsapp ? trimmed.slice('whatsapp:'.length) : trimmed;
  const parsed = parsePhoneNumberFromString(number, defaultCountry);
  if (!parsed?.isValid()) return null;
  return { channel: whatsapp ? 'whatsapp' : 'sms', e164: parsed.number };
}
