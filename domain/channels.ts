/**
 * The doors into a conversation. One person has one conversation whichever door they use: SMS, WhatsApp and voice
 * from one number share it; a web visitor has their own until they prove a number.
 */
export type Channel = 'sms' | 'whatsapp' | 'voice' | 'web';

export const channels: readonly Channel[] = ['sms', 'whatsapp', 'voice', 'web'];

/**
 * Where a reply goes: a channel and the customer's address on it (a phone number in Twilio's form, a call, a web
 * session), plus the service's own address there when the channel needs one (the number the customer wrote to).
 */
export interface ReplyTarget {
  channel: Channel;
  address: string;
  sender: string | null;
}

/** The channels of text messages, where carrier keywords (STOP, HELP, ...) mean something. */
export function isMessaging(channel: Channel): boolean {
  return channel === 'sms' || channel === 'whatsapp';
}

/** Channels in a stable order, without repeats: the `Channels` search attribute's value. */
export function channelSet(list: Iterable<string>): Channel[] {
  const known = new Set(list);
  return channels.filter((channel) => known.has(channel));
}
