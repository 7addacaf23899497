import type { Kysely } from 'kysely';
import { parseAddress } from './contacts';
import { twilioSid, type SignerOf } from './twilio-webhook';
import { tenantOfCall } from '../db/repositories/calls';
import { tenantOfMessage } from '../db/repositories/messages';
import type { Database } from '../db/schema';

/**
 * Whose Twilio account signs each kind of webhook: for what the service recorded (a message it sent, a call), the
 * tenant it recorded it for, so one tenant's token can never speak for another's records; otherwise the service's
 * own number in it (the number a message was written to, the service's side of a new call). `tenantFor` is the
 * API's number directory.
 */
/** Only a well-formed SID is looked up: the form is not verified yet, and may carry anything (a NUL included). */
function isSid(value: string | undefined): value is string {
  return value !== undefined && twilioSid.safeParse(value).success;
}

export function webhookSigners(db: Kysely<Database>, tenantFor: (number: string) => Promise<string | null>) {
  const ofNumber = async (raw: string | undefined) => {
    const address = raw ? parseAddress(raw) : null;
    return address ? tenantFor(address.contactKey) : null;
  };
  const to: SignerOf = (params) => ofNumber(params.To);
  /** A sent message's status: the tenant that sent it, as recorded; one not recorded yet, by the number it came from. */
  const status: SignerOf = async (params) => (isSid(params.MessageSid) ? await tenantOfMessage(db, params.MessageSid) : null) ?? ofNumber(params.From);
  /** A call: the tenant it was recorded for; one not recorded yet, by the service's number on it (From on a call it placed, To on one it answered). */
  const call: SignerOf = async (params) => {
    const recorded = isSid(params.CallSid) ? await tenantOfCall(db, params.CallSid) : null;
    if (recorded) return recorded;
    if (!params.From || !params.To) return null;
    return ofNumber((params.Direction ?? 'inbound').startsWith('outbound') ? params.From : params.To);
  };
  return { to, status, call };
}
