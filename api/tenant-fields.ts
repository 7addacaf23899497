// What operators and a tenant's admins set on a tenant, validated once: its numbers, its time zone, its persona.
import { z } from '@hono/zod-openapi';
import { HttpError } from './errors';
import { NumberTaken } from '../db/repositories/tenant-admin';
import { industryTemplates } from '../domain/personas';
import { serviceTextKeys, type ServiceTextKey } from '../domain/texts';
import { isTimeZone } from '../domain/time-zone';
import { namesPrivateHost } from '../activities/tools/public-address';

/** E.164, as a channel may prefix it: what the contract promises to take. */
const e164 = /^(?:whatsapp:)?(\+[1-9][0-9]{7,14})$/;

/**
 * A number a tenant answers, in E.164 as Twilio writes it (`+1…`, `whatsapp:+1…`: one number): kept without the
 * channel. Exactly what the contract's pattern says, so a number written another way is refused in words rather
 * than guessed at.
 */
export const tenantNumber = z
  .string()
  .regex(e164, { error: (issue) => `${String(issue.input)} is not a phone number in E.164 (e.g. +16045550100, or whatsapp:+16045550100)` })
  .openapi({ description: 'E.164 (`+16045550100`), or as WhatsApp writes it (`whatsapp:+16045550100`): the same number.', example: '+16045550100' })
  .transform((raw) => e164.exec(raw)?.[1] as string);

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
export const serviceTexts = z
  .object(Object.fromEntries(serviceTextKeys.map((key) => [key, z.string().trim().max(1000).nullable().optional()])) as Record<ServiceTextKey, z.ZodOptional<z.ZodNullable<z.ZodString>>>)
  .strict();

/**
 * An http(s) URL a tenant gives (its API as a tool, its fallback model): a host (ASCII; an international one as
 * xn--…), perhaps a port and a path. Whether a client can call it is checked apart (422), as the pattern cannot say.
 */
export const httpUrlPattern =
  /^https?:\/\/[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?(?:\/(?:[A-Za-z0-9._~!$&'()*+,;=:@\/-]|%[0-9A-Fa-f]{2})*)?(?:\?(?:[A-Za-z0-9._~!$&'()*+,;=:@\/?-]|%[0-9A-Fa-f]{2})*)?(?:#(?:[A-Za-z0-9._~!$&'()*+,;=:@\/?-]|%[0-9A-Fa-f]{2})*)?$/;
export const httpUrlField = z
  .string()
  .max(2000)
  .regex(httpUrlPattern, 'an http or https URL: a host, perhaps a port and a path (https://api.example.com/v1)')
  .openapi({ example: 'https://api.example.com/v1' });

/** A URL given as `httpUrlField` that a client can call, on a public address unless private ones are allowed: 422 otherwise. */
export function callableUrl(field: string, url: string, allowPrivate: boolean): void {
  if (!URL.canParse(url)) throw new HttpError(422, 'invalid_url', `${field}: ${url} is not a URL a client can call`);
  if (!allowPrivate && namesPrivateHost(url)) {
    throw new HttpError(422, 'private_address', `${field}: a loopback or private address (set TOOLS_ALLOW_PRIVATE_URLS=true to allow it)`);
  }
}

export const timeZoneField = z
  .string()
  .refine(isTimeZone, 'an IANA time zone, e.g. America/Vancouver')
  .openapi({ enum: [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])], example: 'America/Vancouver' });

/** Who the assistant is (`Persona`); an empty part falls back to the template's, or is left out. */
export const personaBody = z.object({
  assistantName: z.string().trim().max(60).optional(),
  tone: z.string().trim().max(200).optional(),
  profile: z.string().trim().max(4000).optional(),
  instructions: z.string().trim().max(4000).optional(),
  template: z.enum(industryTemplates).optional(),
});
