// The wire of `/api/campaigns`: the schema its routes answer with (published in /openapi.json), and its type.
import { z } from '@hono/zod-openapi';

/** `POST/GET /api/campaigns[/:id]`, and what pause, resume and cancel answer. */
export const campaignViewSchema = z
  .object({
    id: z.string(),
    project: z.string().openapi({ description: "Its project's id." }),
    channel: z.enum(['sms', 'whatsapp']),
    sender: z.string().openapi({ description: 'The number it is sent from.' }),
    status: z.enum(['scheduled', 'running', 'paused', 'cancelled', 'done']),
    sendAt: z.string(),
    ratePerSecond: z.number(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: z
      .object({
        audience: z.number().int(),
        queued: z.number().int(),
        sent: z.number().int(),
        delivered: z.number().int(),
        failed: z.number().int(),
        replied: z.number().int(),
        skipped: z.object({ duplicate: z.number().int(), invalid: z.number().int(), opted_out: z.number().int() }),
      })
      .openapi({
        description:
          '`queued`: not yet written to; `sent`: accepted by Twilio; `delivered`; `failed` (refused or undelivered, the reason on the message); `replied`: wrote back since; `skipped` by reason (a repeat of a number, written any way; a number that is not one; an opt-out of the channel).',
      }),
  })
  .openapi('Campaign');
export type CampaignView = z.infer<typeof campaignViewSchema>;
