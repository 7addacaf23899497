// The agent API's answers as schemas: what the routes declare in /openapi.json. `agent-api.ts` gives their types
// to the server and the console alike.
import { z } from '@hono/zod-openapi';
import { conversationStatuses } from '../../domain/conversation-status';
import { replyOptionsSchema } from './reply-options';

const budget = z
  .object({ monthlyTokens: z.number().int().nullable(), usedThisMonth: z.number().int(), state: z.enum(['ok', 'warning', 'spent']) })
  .openapi({ description: "The tenant's monthly token budget: `warning` from 80 % used, `spent` at 100 % (new turns go to people)." });

/** `GET /api/me`: whose token it is. */
export const agentViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenantId: z.string(),
    role: z.enum(['agent', 'admin']).openapi({ description: "`admin`: may also change the tenant's settings." }),
    budget,
  })
  .openapi('Me');

/** `GET /api/usage`: what the tenant's model calls used and cost, per day and model. */
export const usageReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    days: z.array(z.object({ day: z.string(), model: z.string(), calls: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int(), costUsd: z.number() })),
    totals: z.object({ calls: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int(), costUsd: z.number() }),
    budget,
  })
  .openapi('Usage');

/** `GET /api/persona`, `PUT /api/persona`: who the assistant is, the templates to start from, and the prompt it makes. */
export const personaViewSchema = z
  .object({
    persona: z.object({ assistantName: z.string().optional(), tone: z.string().optional(), profile: z.string().optional(), instructions: z.string().optional(), template: z.string().optional() }),
    templates: z.array(z.object({ name: z.string(), role: z.string(), tone: z.string(), instructions: z.string() })),
    prompt: z.string().openapi({ description: 'The system prompt a text conversation starts from now.' }),
  })
  .openapi('Persona');

const fallbackModel = z.object({ model: z.string(), provider: z.string(), source: z.enum(['tenant', 'service']) });

/** `GET /api/models`: the model the tenant's turns use, and the fallback that answers when it is down. */
export const modelsViewSchema = z
  .object({
    primary: z.object({ model: z.string(), provider: z.string() }).nullable(),
    fallback: fallbackModel.nullable().openapi({ description: "The tenant's own (`PUT /api/models/fallback`) or else the service's; its key is never shown." }),
  })
  .openapi('Models');
export const fallbackViewSchema = fallbackModel.openapi('FallbackModel');

/** A WhatsApp template the account may send outside the 24-hour window. */
export const whatsAppTemplateSchema = z
  .object({
    sid: z.string().openapi({ description: "The Content API's id (HX…), sent as `template.contentSid`." }),
    name: z.string(),
    language: z.string(),
    body: z.string().openapi({ description: 'Its text, with `{{1}}`, `{{2}}`… for the variables.' }),
    variables: z.record(z.string(), z.string()).openapi({ description: 'Sample values by placeholder number.' }),
  })
  .openapi('WhatsAppTemplate');
export const whatsAppTemplateListSchema = z.object({ templates: z.array(whatsAppTemplateSchema) });

/** A row of the inbox (`GET /api/conversations`). */
export const conversationListItemSchema = z
  .object({
    id: z.string(),
    contactKey: z.string(),
    name: z.string().nullable().openapi({ description: 'From the contact panel, else what the person told the web chat.' }),
    email: z.string().nullable(),
    channels: z.array(z.string()),
    lastChannel: z.string(),
    status: z.enum(conversationStatuses),
    lastMessageAt: z.string(),
    preview: z.string().nullable().openapi({ description: "The newest message's text (notes aside)." }),
    previewAuthor: z.string().nullable(),
    openApprovals: z.number().int().openapi({ description: "Tool calls waiting for a person's approval." }),
    messageCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('ConversationListItem');

export const conversationListSchema = z
  .object({
    conversations: z.array(conversationListItemSchema),
    nextCursor: z.string().nullable().openapi({ description: 'Asks for the next page (`cursor=`); null on the last.' }),
  })
  .openapi('ConversationList');

/** An open, escalated or claimed handoff (`GET /api/handoffs`). */
export const handoffViewSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    contactKey: z.string(),
    customerName: z.string().nullable().openapi({ description: 'The name a web visitor gave, if any.' }),
    channel: z.string(),
    reason: z.string(),
    status: z.enum(['open', 'claimed', 'escalated', 'resolved', 'expired']),
    claimedBy: z.string().nullable(),
    claimedByName: z.string().nullable(),
    deadline: z.string(),
    escalatedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Handoff');
export const handoffQueueSchema = z.object({ handoffs: z.array(handoffViewSchema) }).openapi('HandoffQueue');

/** A tool call waiting for (or given) a person's approval. */
export const approvalViewSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    tool: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    summary: z.string().openapi({ description: 'The arguments in words, one "name: value" each.' }),
    argumentsHash: z.string().openapi({ description: 'sha256 of the tool and arguments: a decision may name it, to be sure it is about exactly these.' }),
    status: z.enum(['pending', 'approved', 'denied', 'expired']),
    decidedBy: z.string().nullable(),
    note: z.string().nullable(),
    result: z.unknown(),
    deadline: z.string(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .openapi('Approval');
export const approvalListSchema = z.object({ approvals: z.array(approvalViewSchema) }).openapi('ApprovalList');

export const bookingViewSchema = z
  .object({
    ref: z.string(),
    slotId: z.string(),
    service: z.string(),
    start: z.string(),
    name: z.string(),
    partySize: z.number().int(),
    notes: z.string().nullable(),
    status: z.enum(['booked', 'cancelled']),
    conversationId: z.string(),
    contactKey: z.string(),
    createdAt: z.string(),
    cancelledAt: z.string().nullable(),
  })
  .openapi('Booking');
export const bookingListSchema = z.object({ bookings: z.array(bookingViewSchema) }).openapi('BookingList');

export const orderViewSchema = z
  .object({
    ref: z.string(),
    conversationId: z.string(),
    contactKey: z.string(),
    items: z.array(z.object({ itemId: z.string(), name: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int(), notes: z.string().nullable() })),
    totalCents: z.number().int(),
    currency: z.string().nullable(),
    confirmedAt: z.string().nullable(),
  })
  .openapi('Order');
export const orderListSchema = z.object({ orders: z.array(orderViewSchema) }).openapi('OrderList');

export const leadViewSchema = z
  .object({
    id: z.string(),
    listingId: z.string(),
    listing: z.string(),
    sellerName: z.string(),
    sellerPhone: z.string(),
    interestCount: z.number().int().openapi({ description: 'Everyone interested in the listing so far.' }),
    conversationId: z.string(),
    contactKey: z.string(),
    createdAt: z.string(),
  })
  .openapi('Lead');
export const leadListSchema = z.object({ leads: z.array(leadViewSchema) }).openapi('LeadList');

/** One of the assistant's tools, as its tenant's agents see it. */
export const toolViewSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    kind: z.enum(['read', 'write', 'control', 'display']).openapi({ description: '`read` and `write` tools run; `control` and `display` tools steer the conversation or the reply.' }),
    pack: z.string().openapi({ description: '`core` tools every tenant has; the others come in packs (bookings, business).' }),
    approval: z.boolean(),
    channels: z.array(z.string()).nullable().openapi({ description: 'The channels it is offered on; null: all.' }),
    enabled: z.boolean(),
    parameters: z.record(z.string(), z.unknown()).openapi({ description: 'The JSON schema of its arguments, as the model sees it.' }),
  })
  .openapi('Tool');
export const toolListSchema = z.object({ tools: z.array(toolViewSchema) }).openapi('ToolList');

export const conversationViewSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    contactKey: z.string(),
    lastChannel: z.string(),
    channels: z.array(z.string()),
    summary: z.string().nullable(),
    messageCount: z.number().int(),
    lastMessageAt: z.string(),
    createdAt: z.string(),
  })
  .openapi('Conversation');

/** A message of a conversation, as agents read it. */
export const messageViewSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['inbound', 'outbound', 'internal']),
    author: z.enum(['customer', 'ai', 'agent', 'system']),
    channel: z.string(),
    from: z.string(),
    to: z.string(),
    body: z.string(),
    media: z.unknown(),
    providerMessageId: z.string().nullable(),
    status: z.string(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    fullBody: z.string().nullable().openapi({ description: 'A spoken reply the caller interrupted: `body` is what they heard, this the whole reply.' }),
    options: replyOptionsSchema.nullable().openapi({ description: 'Buttons shown under a web chat reply.' }),
    model: z.string().nullable().openapi({ description: 'The model that wrote an AI reply.' }),
    sources: z
      .array(z.object({ documentId: z.string(), title: z.string(), url: z.string().nullable() }))
      .nullable()
      .openapi({ description: 'The knowledge-base documents an AI reply cited; `[]`: a question of fact answered without any.' }),
    createdAt: z.string(),
  })
  .openapi('Message');

export const callTurnViewSchema = z.object({
  turnId: z.string(),
  prompt: z.string(),
  promptAt: z.string(),
  firstTokenAt: z.string().nullable(),
  lastTokenAt: z.string().nullable(),
  interruptedAt: z.string().nullable(),
});

export const callViewSchema = z
  .object({
    callSid: z.string(),
    direction: z.string(),
    from: z.string(),
    to: z.string(),
    status: z.string(),
    sessionStatus: z.string().nullable(),
    durationSeconds: z.number().nullable(),
    handoffData: z.unknown().openapi({ description: 'Set when the call was put through to a person.' }),
    errorCode: z.string().nullable(),
    startedAt: z.string(),
    connectedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    turns: z.array(callTurnViewSchema),
  })
  .openapi('Call');

export const webVisitorViewSchema = z
  .object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), linkedPhone: z.string().nullable(), since: z.string() })
  .openapi('WebVisitor');

export const conversationDetailSchema = z
  .object({
    conversation: conversationViewSchema,
    live: z.unknown().openapi({ description: "The workflow's snapshot while it runs." }),
    calls: z.array(callViewSchema),
    visitors: z.array(webVisitorViewSchema),
    usage: z.object({ calls: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int(), costUsd: z.number() }).openapi({ description: "What the conversation's model calls used and cost." }),
    assistantPrompt: z.string().openapi({ description: "What the assistant is told now, on the conversation's newest channel: its system prompt." }),
  })
  .openapi('ConversationDetail');

export const conversationMessagesSchema = z.object({ messages: z.array(messageViewSchema) }).openapi('ConversationMessages');
