import type { Kysely } from 'kysely';
import { parseAddress } from './contacts';
import type { SignerOf } from './twilio-webhook';
import { tenantOfCall } from '../db/repositories/calls';
import type { Database } from '../db/schema';

/**
 * Whose Twilio account signs each kind of webhook, told by the service's own number in it: the number a message was
 * written to, the number the service sent from (a status callback), the service's side of a call. `tenantFor` is
 * the API's number directory.
 */
export function webhookSigners(db: Kysely<Database>, tenantFor: (number: string) => Promise<string | null>) {
  const ofNumber = async (raw: string | undefined) => {
    const address = raw ? parseAddress(raw) : null;
    return address ? tenantFor(address.contactKey) : null;
  };
  const to: SignerOf = (params) => ofNumber(params.To);
  const from: SignerOf = (params) => ofNumber(params.From);
  /** From on a call the service placed, To on one it answered; without them, the call as recorded. */
  const call: SignerOf = async (params) => {
    if (params.From && params.To) return ofNumber((params.Direction ?? 'inbound').startsWith('outbound') ? params.From : params.To);
    return params.CallSid ? tenantOfCall(db, params.CallSid) : null;
  };
  return { to, from, call };
}
