import type { Channel } from '../../domain/channels';
import type { ActivityDeps } from '../deps';
import type { DeliveryAdapter } from './adapter';
import { twilioMessagingAdapter } from './twilio-messaging';
import { voiceAdapter } from './voice';

/** Each channel's delivery adapter; web chat delivers through its own door (not yet open). */
export function deliveryAdapters({ db, twilio, statusCallbackUrl }: ActivityDeps): Record<Channel, DeliveryAdapter | null> {
  const messaging = twilioMessagingAdapter(twilio, statusCallbackUrl);
  return { sms: messaging, whatsapp: messaging, voice: voiceAdapter(db), web: null };
}
