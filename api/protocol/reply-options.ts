// Buttons under a web chat reply as the contract shows them (`domain/reply-options.ts` reads and caps them).
import { z } from '@hono/zod-openapi';
import type { ReplyOptions } from '../../domain/reply-options';

export const replyOptionsSchema: z.ZodType<ReplyOptions> = z
  .object({
    quickReplies: z.array(z.string()).openapi({ description: 'Answers the visitor taps to send as their message.' }),
    actions: z.array(z.object({ label: z.string(), url: z.string() })).openapi({ description: 'Links that open a page: a listing, a booking.' }),
  })
  .openapi('ReplyOptions');
