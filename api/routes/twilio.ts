import { createRoute, z } from '@hono/zod-openapi';
import { parseAddress } from '../contacts';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { createTenantLookup } from '../tenant-lookup';
import { declaredRoutes, twilioWebhook } from '../openapi';
import { signedWebhook, twilioSid, twimlResponse } from '../twilio-webhook';
import { webhookSigners } from '../webhook-signers';
import { knownStatuses } from '../../domain/delivery-status';
import { publishEvent } from '../../db/events';
import { recordDeliveryEvent } from '../../db/repositories/delivery';
import type { InboundMessage } from '../../workflows/definitions';

const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const messagingForm = z.object({
  MessageSid: twilioSid,
  From: z.string().min(1).max(64),
  To: z.string().min(1).max(64),
  Body: z.string().max(1600).default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

const statusForm = z.object({
  MessageSid: twilioSid,
  MessageStatus: z.enum(knownStatuses as [string, ...string[]]),
  ErrorCode: z.string().regex(/^\d{1,6}$/).optional(),
});

export function twilioRoutes(deps: ApiDeps) {
  const { config, db, conversations, twilioAccounts } = deps;
  const app = declaredRoutes();
  const tags = ['Twilio'];
  const tenantFor = createTenantLookup(db);
  const signed = signedWebhook(config, twilioAccounts);
  const signers = webhookSigners(db, tenantFor);

  const messagingRoute = createRoute({
    method: 'post',
    path: '/messaging',
    summary: 'An SMS or WhatsApp message (Twilio)',
    description: "Recorded in the sender's conversation with the tenant whose number it was written to; answered at once with empty TwiML (the reply goes out through the API).",
    tags,
    ...twilioWebhook(messagingForm, 'twiml'),
  });
  app.openapi(messagingRoute, async (c) => {
    const { form, params } = await signed(c.req.raw, messagingForm, signers.to);
    const from = parseAddress(form.From);
    if (!from) throw new HttpError(400, 'invalid_webhook', 'From: not a phone number, short code or sender ID');
    const to = parseAddress(form.To);
    if (!to) throw new HttpError(400, 'invalid_webhook', 'To: not a phone number, short code or sender ID');
    const tenantId = await tenantFor(to.contactKey);
    if (!tenantId) throw new HttpError(404, 'unknown_number', `no tenant answers ${to.contactKey}`);

    const media: InboundMessage['media'] = [];
    for (let i = 0; i < form.NumMedia; i += 1) {
      const url = params[`MediaUrl${i}`];
      if (url) media.push({ url, contentType: params[`MediaContentType${i}`] ?? 'application/octet-stream' });
    }
    await conversations.deliverInbound({ tenantId, contactKey: from.contactKey }, {
      providerMessageId: form.MessageSid,
      channel: from.channel,
      from: form.From,
      to: form.To,
      body: form.Body,
      media,
      receivedAt: new Date().toISOString(),
    });
    return twimlResponse(emptyTwiml);
  });

  /** Delivery status callbacks: stored as events and applied so a status only ever moves forward. */
  const statusRoute = createRoute({
    method: 'post',
    path: '/status',
    summary: "A sent message's delivery status (Twilio)",
    description: 'Applied so a status only ever moves forward; one that arrives before the send is recorded is applied when it is.',
    tags,
    ...twilioWebhook(statusForm, 'empty'),
  });
  app.openapi(statusRoute, async (c) => {
    const { form } = await signed(c.req.raw, statusForm, signers.status);
    try {
      const changed = await recordDeliveryEvent(db, {
        providerMessageId: form.MessageSid,
        status: form.MessageStatus,
        errorCode: form.ErrorCode ?? null,
      });
      if (changed) {
        await publishEvent(db, { type: 'message', tenantId: changed.tenant_id, conversationId: changed.conversation_id, messageId: changed.id });
      }
    } catch {
      throw new HttpError(503, 'database_unavailable', 'could not store the status; retry later');
    }
    return c.body(null, 204);
  });

  return app;
}
