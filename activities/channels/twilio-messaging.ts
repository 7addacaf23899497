import type { Twilio } from 'twilio';
import { DeliveryRejected, type DeliveryAdapter } from './adapter';
import { describeRejection, isFinalRejection, unsubscribedCode } from './twilio-errors';
import { maxBodyChars } from '../split-body';

/** Messages a reconciliation looks back over: far more than one conversation sends in a retry's few minutes. */
const reconcilePageSize = 50;

/**
 * SMS and WhatsApp through Twilio's Messages API: from the number the customer wrote to, with delivery status
 * callbacks to `statusCallbackUrl`. Twilio takes no idempotency key, so a part whose answer was lost is looked for
 * in the Messages list (To, From, newest first) before it is sent again.
 */
export function twilioMessagingAdapter(twilio: Twilio, statusCallbackUrl: string | null): DeliveryAdapter {
  return {
    provider: 'twilio',
    maxPartChars: maxBodyChars,

    async deliver({ target, body, template }) {
      if (!target.sender) throw new DeliveryRejected('no_sender', 'the conversation has no number to send from');
      try {
        const content = template ? { contentSid: template.contentSid, contentVariables: JSON.stringify(template.variables) } : { body };
        const sent = await twilio.messages.create({
          to: target.address,
          from: target.sender,
          ...content,
          ...(statusCallbackUrl ? { statusCallback: statusCallbackUrl } : {}),
        });
        return { providerMessageId: sent.sid, status: sent.status };
      } catch (error) {
        if (!isFinalRejection(error)) throw error;
        const { code, reason } = describeRejection(error);
        throw new DeliveryRejected(code, reason, error.code === unsubscribedCode);
      }
    },

    async acceptedSince({ target, body }, since) {
      if (!target.sender) return [];
      const recent = await twilio.messages.list({ to: target.address, from: target.sender, pageSize: reconcilePageSize, limit: reconcilePageSize });
      return recent.filter((m) => m.body === body && m.dateCreated >= since).map((m) => m.sid);
    },
  };
}
