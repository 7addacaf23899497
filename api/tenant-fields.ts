// What operators and a tenant's admins set on a tenant, validated once: its numbers, its time zone, its persona.
import { z } from 'zod';
import { parseAddress } from './contacts';
import { HttpError } from './errors';
import { NumberTaken } from '../db/repositories/tenant-admin';
import { industryTemplates } from '../domain/personas';
import { serviceTextKeys, type ServiceTextKey } from '../domain/texts';
import { isTimeZone } from '../domain/time-zone';

/** A number a tenant answers, in any form Twilio writes it (`whatsapp:+1…`, `+1…`, `(604) …`): kept as E.164. */
export const tenantNumber = z.string().transform((raw, ctx) => {
  const parsed = parseAddress(raw.trim());
  if (!parsed?.contactKey.startsWith('+')) {
    ctx.addIssue({ code: 'custom', message: `${raw} is not a phone number (E.164, e.g. +16045550100, or whatsapp:+16045550100)` });
    return z.NEVER;
  }
  return parsed.contactKey;
});

/** A number another tenant answers is theirs: 409 in words. */
export async function numbersFree<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NumberTaken) throw new HttpError(409, 'number_taken', `${error.number} already belongs to another tenant`);
    throw error;
  }
}

/** Texts the service sends, in the tenant's (or a project's) words; null or empty: back to the default. */
export const serviceTexts = z.partialRecord(z.enum(serviceTextKeys as [ServiceTextKey, ...ServiceTextKey[]]), z.string().trim().max(1000).nullable());

export const timeZoneField = z.string().refine(isTimeZone, 'an IANA time zone, e.g. America/Vancouver');

/** Who the assistant is (`Persona`); an empty part falls back to the template's, or is left out. */
export const personaBody = z.object({
  assistantName: z.string().trim().max(60).optional(),
  tone: z.string().trim().max(200).optional(),
  profile: z.string().trim().max(4000).optional(),
  instructions: z.string().trim().max(4000).optional(),
  template: z.enum(industryTemplates).optional(),
});
