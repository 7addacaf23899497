import type { Channel } from '../../domain/channels';
import type { ActivityDeps } from '../deps';
import type { DeliveryAdapter } from './adapter';
import { twilioMessagingAdapter } from './twilio-messaging';
import { voiceAdapter } from './voice';
import { webAdapter } from './web';

/** Each channel's delivery adapter. */
export function deliveryAdapters({ db, twilioAccounts, statusCallbackUrl }: ActivityDeps): Record<Channel, DeliveryAdapter | null> {
  const messaging = twilioMessagingAdapter(twilioAccounts, statusCallbackUrl);
  return { sms: messaging, whatsapp: messaging, voice: voiceAdapter(db), web: webAdapter() };
}
