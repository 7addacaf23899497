// The wire between `GET /api/analytics` (api/routes/analytics.ts) and the console's analytics panel: the schema the
// route answers with (published in /openapi.json), and its types.
import { z } from '@hono/zod-openapi';
import type { Channel } from '../../domain/channels';

/** A figure for each channel; a channel nothing happened on is 0, never missing. */
const channelCountsSchema = z.object({ sms: z.number(), whatsapp: z.number(), voice: z.number(), web: z.number() });
export type ChannelCounts = Record<Channel, number>;

/** One day in the tenant's time zone. */
const analyticsDaySchema = z.object({
  day: z.string().openapi({ description: 'YYYY-MM-DD' }),
  conversations: channelCountsSchema.openapi({ description: 'Conversations with a message on the channel that day (notes aside): one on two channels counts on both.' }),
  messagesIn: channelCountsSchema.openapi({ description: "The customers' messages." }),
  messagesOut: channelCountsSchema.openapi({ description: 'What the assistant and agents sent.' }),
  notices: z.number().openapi({ description: 'The service\'s own notices (a handoff\'s acknowledgement, "a person will answer soon").' }),
  costUsd: z.number().openapi({ description: 'What the model calls cost, in US dollars (to the millionth).' }),
  calls: z.number().openapi({ description: 'Phone calls started.' }),
});
export type AnalyticsDay = z.infer<typeof analyticsDaySchema>;

/** How long something took, over `count` cases; null percentiles when there were none. */
const waitFiguresSchema = z.object({ count: z.number(), p50Seconds: z.number().nullable(), p90Seconds: z.number().nullable() });
export type WaitFigures = z.infer<typeof waitFiguresSchema>;

/** A reason customers went unanswered by the assistant, with the conversations it happened in (newest first, at most 100). */
const unansweredEntrySchema = z.object({
  kind: z.enum(['handoff_reason', 'knowledge_gap']).openapi({ description: '`handoff_reason`: why the assistant handed over; `knowledge_gap`: a question answered without any passage.' }),
  label: z.string(),
  count: z.number(),
  conversationIds: z.array(z.string()),
});
export type UnansweredEntry = z.infer<typeof unansweredEntrySchema>;

/** `GET /api/analytics?from=&to=`: the tenant's days `from` to `to` (both included, its time zone). */
export const analyticsReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    days: z.array(analyticsDaySchema).openapi({ description: 'Every day of the range, oldest first, days without activity included.' }),
    totals: z.object({
      conversations: z.number().openapi({ description: 'Conversations with any message in the range (notes aside), each counted once whatever its channels.' }),
      messagesIn: z.number(),
      messagesOut: z.number(),
      notices: z.number(),
    }),
    answered: z
      .object({ byAssistant: z.number(), byPeople: z.number(), assistantShare: z.number().nullable() })
      .openapi({ description: "Who wrote the replies; `assistantShare` is the assistant's part (0 to 1), null when nobody replied." }),
    firstResponse: waitFiguresSchema.openapi({ description: "From a customer's message that starts a wait to the next reply by the assistant or an agent (unanswered ones left out)." }),
    handoffWait: waitFiguresSchema.openapi({ description: 'From a handoff to an agent claiming it (handoffs nobody claimed left out).' }),
    calls: z.object({ count: z.number(), averageSeconds: z.number().nullable() }).openapi({ description: 'Calls started in the range; `averageSeconds` over those whose length is known, null when none is.' }),
    costUsd: z.number(),
    unanswered: z.array(unansweredEntrySchema).openapi({ description: 'The biggest first, at most 20.' }),
  })
  .openapi('Analytics');
export type AnalyticsReport = z.infer<typeof analyticsReportSchema>;
