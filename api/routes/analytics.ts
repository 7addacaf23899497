import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, isoDay, jsonAnswer } from '../openapi';
import { analyticsReportSchema, type AnalyticsDay, type AnalyticsReport, type ChannelCounts, type UnansweredEntry } from '../protocol/analytics';
import { groupsOf } from '../../activities/knowledge/gaps';
import type { Embedder } from '../../activities/knowledge/embeddings';
import { callsByDay, conversationsIn, costByDay, firstResponse, handoffReasons, handoffWait, instantsOf, messagesByDay, type DayRange } from '../../db/repositories/analytics';
import { unansweredQuestions } from '../../db/repositories/knowledge-gaps';
import type { Database } from '../../db/schema';
import { channels, type Channel } from '../../domain/channels';
import { asksAFact } from '../../domain/citations';
import { addDays, localTime } from '../../domain/time-zone';

const maxDays = 366;
const defaultDays = 30;
const maxUnanswered = 20;
/** Enough to open them; `count` says how many there were. */
const maxConversationIds = 100;
/** The questions grouped by meaning, at most (the newest): grouping embeds each one. */
const maxQuestions = 500;

const rangeQuery = z.object({ from: isoDay.optional(), to: isoDay.optional() }).strict();

/** `from` and `to` as asked, else the last 30 days ending today, in the tenant's time zone. */
function dayRange(query: z.infer<typeof rangeQuery>, tenantId: string, timeZone: string): DayRange {
  const today = localTime(new Date(), timeZone).date;
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, 1 - defaultDays);
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  // Dates that are each fine but do not make a range: understood, and not possible.
  if (days < 1) throw new HttpError(422, 'invalid_range', 'from: must not be after to');
  if (days > maxDays) throw new HttpError(422, 'invalid_range', `to: at most ${maxDays} days after from, both included`);
  return { tenantId, timeZone, from, to };
}

const noChannels = (): ChannelCounts => ({ sms: 0, whatsapp: 0, voice: 0, web: 0 });
const isChannel = (value: string): value is Channel => (channels as readonly string[]).includes(value);

/**
 * The questions of fact the assistant answered with no passage of the knowledge base, asked in the range, grouped by
 * meaning as the knowledge gaps are (`groupsOf`). Not `knowledgeGaps` itself: it counts up to now rather than to the
 * range's end, and also counts questions that were handed over, which the handoff reasons already show.
 */
async function unsourcedQuestions(db: Kysely<Database>, embedder: Embedder | null, range: DayRange): Promise<UnansweredEntry[]> {
  const [start, end] = instantsOf(range);
  // Bounded in SQL: the range's questions, newest first, a few more than are grouped (handoffs are among them).
  const questions = (await unansweredQuestions(db, range.tenantId, start, maxQuestions * 4, end))
    .filter((q) => q.reason === 'no_source' && q.askedAt >= start && q.askedAt < end && asksAFact(q.question))
    .slice(0, maxQuestions);
  // Oldest first, so each group is named by the first way it was asked.
  const groups = await groupsOf([...questions].reverse(), embedder);
  return groups.map((members) => ({
    kind: 'knowledge_gap',
    label: members[0]?.question ?? '',
    count: members.length,
    conversationIds: [...new Set(members.map((m) => m.conversationId).reverse())].slice(0, maxConversationIds),
  }));
}

/** What the tenant's conversations looked like over a range of days: volumes per channel, who answered, how fast, and what went unanswered. */
export function analyticsRoutes({ db, embedder }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  const route = createRoute({
    method: 'get',
    path: '/',
    summary: "The tenant's numbers",
    description: `Per day and channel, from \`from\` to \`to\` (both included, the tenant's days; the last ${defaultDays} days by default, at most ${maxDays}): conversations and messages, who answered and how fast, calls, cost, and what went unanswered.`,
    tags: ['Usage'],
    security: agentSecurity,
    request: { query: rangeQuery },
    responses: { 200: jsonAnswer(analyticsReportSchema, 'The figures.'), ...errorAnswers(400, 401, 422) },
  });
  app.openapi(route, async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const tenant = await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const range = dayRange(c.req.valid('query'), tenantId, tenant.time_zone);
    const [messages, conversations, cost, calls, firstWait, handoffWaited, reasons, gaps] = await Promise.all([
      messagesByDay(db, range),
      conversationsIn(db, range),
      costByDay(db, range),
      callsByDay(db, range),
      firstResponse(db, range),
      handoffWait(db, range),
      handoffReasons(db, range, maxUnanswered),
      unsourcedQuestions(db, embedder, range),
    ]);

    const days = new Map<string, AnalyticsDay>();
    for (let day = range.from; day <= range.to; day = addDays(day, 1)) {
      days.set(day, { day, conversations: noChannels(), messagesIn: noChannels(), messagesOut: noChannels(), notices: 0, costUsd: 0, calls: 0 });
    }
    let byAssistant = 0;
    let byPeople = 0;
    for (const row of messages) {
      const day = days.get(row.day);
      if (!day) continue;
      day.notices += row.notices;
      byAssistant += row.byAssistant;
      byPeople += row.messagesOut - row.byAssistant;
      if (!isChannel(row.channel)) continue;
      day.conversations[row.channel] += row.conversations;
      day.messagesIn[row.channel] += row.messagesIn;
      day.messagesOut[row.channel] += row.messagesOut;
    }
    for (const row of cost.days) {
      const day = days.get(row.day);
      if (day) day.costUsd = row.costUsd;
    }
    for (const row of calls.days) {
      const day = days.get(row.day);
      if (day) day.calls = row.calls;
    }

    const sum = (counts: ChannelCounts) => channels.reduce((total, channel) => total + counts[channel], 0);
    const list = [...days.values()];
    const unanswered: UnansweredEntry[] = [
      ...reasons.map((r) => ({ kind: 'handoff_reason' as const, ...r, conversationIds: r.conversationIds.slice(0, maxConversationIds) })),
      ...gaps,
    ]
      // Stable: at equal counts the handoff reasons, then the questions, each in its own order.
      .sort((a, b) => b.count - a.count)
      .slice(0, maxUnanswered);

    return c.json({
      from: range.from,
      to: range.to,
      timeZone: range.timeZone,
      days: list,
      totals: {
        conversations,
        messagesIn: list.reduce((total, d) => total + sum(d.messagesIn), 0),
        messagesOut: list.reduce((total, d) => total + sum(d.messagesOut), 0),
        notices: list.reduce((total, d) => total + d.notices, 0),
      },
      answered: { byAssistant, byPeople, assistantShare: byAssistant + byPeople === 0 ? null : byAssistant / (byAssistant + byPeople) },
      firstResponse: firstWait,
      handoffWait: handoffWaited,
      calls: { count: calls.count, averageSeconds: calls.averageSeconds },
      costUsd: cost.totalUsd,
      unanswered,
    } satisfies AnalyticsReport, 200);
  });

  return app;
}
