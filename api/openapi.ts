// The API's contract: routes declared with the zod schemas that validate them, published at /openapi.json.
import { OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { Env, MiddlewareHandler } from 'hono';
import { HttpError } from './errors';
import { withoutNul } from './nul';
import { isIsoDate } from '../domain/time-zone';
import { errorBodySchema } from './protocol/error-body';

const where = { json: 'invalid_body', query: 'invalid_query', param: 'invalid_params', header: 'invalid_header' } as Record<string, string>;

/** A request part that does not fit its schema: 400, naming the first problem. */
export function invalidRequest(target: string, error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): HttpError {
  const issue = error.issues[0];
  return new HttpError(400, where[target] ?? 'bad_request', issue ? `${issue.path.join('.') || (target === 'json' ? 'body' : target)}: ${issue.message}` : `invalid ${target}`);
}

/** Routes whose schemas are their documentation: a request that does not fit is a 400 in the service's error shape. */
export function declaredRoutes<E extends Env>() {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.target, result.error);
    },
  });
}

/** A body that is not JSON (or none): 415, before anything reads it. */
const requireJson: MiddlewareHandler = async (c, next) => {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new HttpError(415, 'unsupported_media_type', 'send a JSON body (content-type: application/json)');
  }
  await next();
};

/**
 * A route's JSON body (read without NUL characters) with its other request parts: spread into `createRoute`. A
 * request without a JSON body is refused (415) before it is validated, after the route's own `before` (its access).
 */
export function withJsonBody<T extends z.ZodType, R extends Omit<NonNullable<RouteConfig['request']>, 'body'>>(schema: T, request?: R, before: MiddlewareHandler[] = []) {
  return {
    request: { ...(request as R), body: { required: true, content: { 'application/json': { schema: z.preprocess(withoutNul, schema) as unknown as T } } } },
    middleware: [...before, requireJson],
  };
}

/**
 * Text a person writes (a name, a reason, a message): up to `max` characters, not blank, kept without the spaces
 * around it. The contract says "not blank" as a pattern, so what it promises is what is taken.
 */
export function text(max: number) {
  return z
    .string()
    .max(max)
    .regex(/[^\s\ufeff]/, 'must not be blank')
    .transform((value) => value.trim());
}

/** An e-mail address as people write one: a name, @, a domain with a dot (what the contract says is what is taken). */
export const emailAddress = z.string().max(320).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address');

/**
 * Text in a query string (a search): at most `max` characters, none of them NUL, since an address carrying one is a
 * 400 at the door (`refuseNulInUrl`); the contract says so.
 */
export function queryText(max: number, { notBlank = false } = {}) {
  // One pattern: the contract shows one per parameter.
  return notBlank
    ? z.string().max(max).regex(/^[^\u0000]*[^\s\ufeff\u0000][^\u0000]*$/, 'must not be blank, nor hold a NUL character')
    : z.string().max(max).regex(/^[^\u0000]*$/, 'no NUL character');
}

/** An id in a path: up to `max` characters, none of them NUL (a 400 at the door, as for query text). */
export function pathId(max: number) {
  return z.string().min(1).max(max).regex(/^[^\u0000]+$/, 'no NUL character');
}

/** A whole number in a query string, from `min` to `max`, `fallback` when left out; the contract says the bounds. */
export function queryInt(min: number, max: number, fallback: number) {
  return z.coerce.number().int().min(min).max(max).default(fallback).openapi({ type: 'integer', minimum: min, maximum: max });
}

/** A day in a query string, YYYY-MM-DD. */
export const isoDay = z.string().refine(isIsoDate, 'a date written YYYY-MM-DD').openapi({ format: 'date', example: '2026-11-30' });

/** A zod schema as the plain JSON Schema the contract shows, for a body a route checks by its own rules. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return Object.fromEntries(Object.entries(z.toJSONSchema(schema, { io: 'input' })).filter(([key]) => key !== '$schema'));
}

/** A JSON answer. */
export function jsonAnswer<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

const errorMeanings: Record<number, string> = {
  400: 'The request does not fit: the message names the first problem (malformed JSON included).',
  401: 'No token, or one that is not known.',
  403: 'The token may not do this.',
  404: 'Nothing here for this token.',
  405: 'The path is declared, but not for this method.',
  409: 'It conflicts with what is there.',
  413: 'The body is too large.',
  415: 'The body is not JSON.',
  422: 'Understood, but it cannot be done.',
  502: 'A service behind the API (Twilio, the model) answered with an error.',
  503: 'A service behind the API is unreachable for now; retry later.',
};

/** The error answers a route may give (400, 413 and 415 come with any body). */
export function errorAnswers(...statuses: (keyof typeof errorMeanings)[]) {
  return Object.fromEntries(statuses.map((status) => [status, jsonAnswer(errorBodySchema, errorMeanings[status] ?? 'An error.')]));
}

/**
 * A Twilio webhook's request and answers: its form (described from the zod schema the route checks it with, after
 * the signature), signed with `X-Twilio-Signature`, answered with TwiML or nothing.
 */
export function twilioWebhook(form: z.ZodType, answer: 'twiml' | 'empty') {
  const schema = jsonSchemaOf(form);
  return {
    security: [{ twilioSignature: [] }],
    request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema } } } },
    responses: {
      ...(answer === 'twiml' ? { 200: { description: 'TwiML.', content: { 'text/xml': { schema: z.string() } } } } : { 204: { description: 'Recorded.' } }),
      ...errorAnswers(400, 403, 404, 415, 503),
    },
  };
}

/** Who may call: an agent's token (`agentToken`), the operator's (`operatorToken`), a visitor's session (`chatSession`). */
export const agentSecurity = [{ agentToken: [] }];
export const operatorSecurity = [{ operatorToken: [] }];
/** A web visitor's chat session token (`POST /api/chat/sessions`). */
export const chatSecurity = [{ chatSession: [] }];

export type Declared = RouteConfig;
