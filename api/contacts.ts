import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface ParsedAddress {
  channel: 'sms' | 'whatsapp';
  /**
   * The sender's identity across channels: a normalized E.164 number where there is one (`whatsapp:+1604…`,
   * `+1604…` and `(604) …` are one person), otherwise the short code or the alphanumeric sender ID as given.
   */
  contactKey: string;
}

/** A well-formed E.164 number, whether or not the numbering-plan data knows its range yet. */
const e164 = /^\+[1-9]\d{6,14}$/;
/** Carrier short codes (3 to 8 digits). */
const shortCode = /^\d{3,8}$/;
/** Alphanumeric sender IDs: up to 11 letters, digits and spaces, at least one letter. */
const alphanumericSender = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/**
 * Reads an address Twilio delivered. Numbers without a country code are read as North American (Twilio itself
 * always sends E.164). A signed webhook means Twilio delivered the message, so anything a carrier can send from is
 * accepted: a number the phone library knows, a well-formed E.164 number it does not list (a new range), a short
 * code, an alphanumeric sender. WhatsApp addresses are always numbers. Returns null only for what none of these is.
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

/** A phone number someone typed (a visitor, a form), as E.164; null for anything that is not one. */
export function phoneNumber(raw: string): string | null {
  const parsed = parseAddress(raw);
  return parsed?.channel === 'sms' && parsed.contactKey.startsWith('+') ? parsed.contactKey : null;
}

/** The country (ISO code) of an E.164 number; null when the numbering plan does not place it. */
export function countryOf(phone: string): string | null {
  return parsePhoneNumberFromString(phone)?.country ?? null;
}

/** The countries a tenant texts web visitors' codes to: as it set them, else the country of its own number. */
export function codeCountries(tenant: { code_countries: string[]; sender_number: string | null }): string[] {
  if (tenant.code_countries.length > 0) return tenant.code_countries;
  const own = tenant.sender_number ? countryOf(tenant.sender_number) : null;
  return own ? [own] : [];
}

const memo = new Map<string, ParsedAddress | null>();
const memoLimit = 10_000;

function parseUncached(raw: string): ParsedAddress | null {
  const trimmed = raw.trim();
  const whatsapp = /^whatsapp:/i.test(trimmed);
  const address = whatsapp ? trimmed.slice('whatsapp:'.length).trim() : trimmed;
  const channel = whatsapp ? 'whatsapp' : 'sms';
  const parsed = parsePhoneNumberFromString(address, 'US');
  if (parsed?.isValid()) return { channel, contactKey: parsed.number };
  if (e164.test(address)) return { channel, contactKey: address };
  if (whatsapp) return null;
  if (shortCode.test(address) || alphanumericSender.test(address)) return { channel, contactKey: address };
  return null;
}
