// The web visitor's session routes' answers as schemas: what `api/routes/chat.ts` and `chat-visitor.ts` declare in
// /openapi.json. `visitor-chat.ts` gives their types to the server and the widget alike.
import { z } from '@hono/zod-openapi';
import { replyOptionsSchema } from './reply-options';

/** What a visitor said of themselves, and the one number they proved with a code (`linkedPhone`). */
export const visitorDetailsSchema = z
  .object({
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: 'A number the visitor gave, as E.164: shown to agents, not proved.' }),
    linkedPhone: z.string().nullable().openapi({ description: 'The number the visitor proved with a texted code: the chat is that number\'s conversation.' }),
  })
  .openapi('VisitorDetails');

/** `POST /api/chat/sessions`: a session, and the visitor's secret the browser keeps for the next one. */
export const openedSessionSchema = z
  .object({
    sessionId: z.string(),
    token: z.string().openapi({ description: 'The session\'s bearer token (`chatSession`).' }),
    visitorToken: z.string().openapi({ description: 'The visitor\'s secret: sent with the next session, it keeps their history with them.' }),
    idleTimeoutSeconds: z.number().int(),
    visitor: visitorDetailsSchema,
  })
  .openapi('ChatSession');

/** A message as the visitor sees it, with the buttons a reply carried. */
export const visitorMessageSchema = z
  .object({
    id: z.string(),
    author: z.enum(['customer', 'ai', 'agent', 'system']),
    text: z.string(),
    options: replyOptionsSchema.nullable(),
    createdAt: z.string(),
  })
  .openapi('VisitorMessage');

/** `GET /api/chat/sessions/:id/messages`: the conversation so far, oldest first. */
export const visitorHistorySchema = z.object({ messages: z.array(visitorMessageSchema) }).openapi('VisitorHistory');

/** `POST /api/chat/sessions/:id/phone`: a code is on its way. */
export const codeSentSchema = z.object({ sent: z.literal(true), expiresInSeconds: z.number().int() }).openapi('CodeSent');

/** `POST /api/chat/sessions/:id/phone/verify`: the right code; the chat is that number's conversation from now on. */
export const phoneLinkedSchema = z.object({ linked: z.literal(true), phone: z.string() }).openapi('PhoneLinked');

/** A number as a visitor types it: digits with spaces, brackets, dots or dashes, a leading + for another country. */
export const typedPhone = z
  .string()
  .min(3)
  .max(32)
  .regex(/^\+?[\d\s().-]+$/, 'a phone number: digits, spaces, ( ) . - and a leading + for another country')
  .openapi({ example: '(604) 555-0142' });

/** The session a route under `/sessions/{id}` is for: the token's own (404 for any other). */
export const sessionIdParam = z.object({ id: z.string().min(1).max(64).regex(/^[^\u0000]+$/, 'no NUL character').openapi({ param: { name: 'id', in: 'path' }, description: 'The session\'s id (`sessionId`).' }) });
