import type { Channel } from '../../domain/channels';
import type { ActivityDeps } from '../deps';
import type { DeliveryAdapter } from './adapter';
import { twilioMessagingAdapter } from './twilio-messaging';

/** Each channel's delivery adapter; voice and web chat deliver through their own doors (not yet open). */
export function deliveryAdapters({ twilio, statusCallbackUrl }: ActivityDeps): Record<Channel, DeliveryAdapter | null> {
  const messaging = twilioMessagingAdapter(twilio, statusCallbackUrl);
  return { sms: messaging, whatsapp: messaging, voice: null, web: null };
}
