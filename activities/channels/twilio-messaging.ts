import type { Twilio } from 'twilio';
import { SecretUnreadable } from '../../config/secrets';
import type { TwilioAccounts } from '../../worker/twilio-accounts';
import { DeliveryRejected, type DeliveryAdapter } from './adapter';
import { describeRejection, isFinalRejection, unsubscribedCode } from './twilio-errors';
import { maxBodyChars } from '../split-body';

/** Messages a reconciliation looks back over: far more than one conversation sends in a retry's few minutes. */
const reconcilePageSize = 50;

/** The tenant's Twilio account; credentials that cannot be opened refuse the message for good, readably. */
async function accountOf(accounts: TwilioAccounts, tenantId: string): Promise<Twilio> {
  try {
    return await accounts.client(tenantId);
  } catch (error) {
    if (error instanceof SecretUnreadable) throw new DeliveryRejected('credentials_unreadable', `the tenant's Twilio credentials: ${error.message}`);
    throw error;
  }
}

/**
 * SMS and WhatsApp through Twilio's Messages API, on the tenant's own account or the deployment's: from the number
 * the customer wrote to, with delivery status
 * callbacks to `statusCallbackUrl`. Twilio takes no idempotency key, so a part whose answer was lost is looked for
 * in the Messages list (To, From, newest first) before it is sent again.
 */
export function twilioMessagingAdapter(accounts: TwilioAccounts, statusCallbackUrl: string | null): DeliveryAdapter {
  return {
    provider: 'twilio',
    maxPartChars: maxBodyChars,

    async deliver({ tenantId, target, body, template }) {
      if (!target.sender) throw new DeliveryRejected('no_sender', 'the conversation has no number to send from');
      const twilio = await accountOf(accounts, tenantId);
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

    async acceptedSince({ tenantId, target, body }, since) {
      if (!target.sender) return [];
      const twilio = await accountOf(accounts, tenantId);
      const recent = await twilio.messages.list({ to: target.address, from: target.sender, pageSize: reconcilePageSize, limit: reconcilePageSize });
      return recent.filter((m) => m.body === body && m.dateCreated >= since).map((m) => m.sid);
    },
  };
}
