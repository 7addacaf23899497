/** Twilio error codes a retry cannot fix, with what they mean for the person reading the message record. */
const readableCodes: Record<number, string> = {
  20003: "Twilio refused the account's credentials (Account SID or auth token)",
  21211: 'the number is not a valid phone number',
  21408: 'sending to this region is not enabled on the account',
  21610: 'the recipient has unsubscribed (replied STOP)',
  21612: 'this sender cannot reach the number',
  21614: 'the number is not a mobile number and cannot receive SMS',
  21617: 'the message body is too long',
  63016: 'WhatsApp: outside the 24-hour session window, an approved template is required',
};

export const unsubscribedCode = 21610;

export interface TwilioRestError {
  status: number;
  code?: number;
  message: string;
}

export function isTwilioRestError(error: unknown): error is TwilioRestError {
  return typeof error === 'object' && error !== null && typeof (error as TwilioRestError).status === 'number';
}

/** 4xx other than 429 are final; 429, 5xx and network errors are worth retrying. */
export function isFinalRejection(error: unknown): error is TwilioRestError {
  return isTwilioRestError(error) && error.status >= 400 && error.status < 500 && error.status !== 429;
}

export function describeRejection(error: TwilioRestError): { code: string; reason: string } {
  const code = String(error.code ?? error.status);
  const readable = error.code !== undefined ? readableCodes[error.code] : undefined;
  return { code, reason: readable ? `${readable} (Twilio ${code}: ${error.message})` : `Twilio ${code}: ${error.message}` };
}
