import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { parseAddress } from '../contacts';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { createTenantLookup } from '../tenant-lookup';
import { readForm, verifyTwilioSignature } from '../twilio-signature';
import { knownStatuses } from '../../domain/delivery-status';
import { publishEvent } from '../../db/events';
import { recordDeliveryEvent } from '../../db/repositories/delivery';
import type { InboundMessage } from '../../workflows/definitions';

const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const maxWebhookBytes = 64 * 1024;
const sid = z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/i, 'must be a Twilio SID');

const messagingForm = z.object({
  MessageSid: sid,
  From: z.string().min(1).max(64),
  To: z.string().min(1).max(64),
  Body: z.string().max(1600).default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

const statusForm = z.object({
  MessageSid: sid,
  MessageStatus: z.enum(knownStatuses as [string, ...string[]]),
  ErrorCode: z.string().regex(/^\d{1,6}$/).optional(),
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid form';
}

export function twilioRoutes(deps: ApiDeps) {
  const { config, db, conversations } = deps;
  const app = new Hono();
  const tenantFor = createTenantLookup(db);

  app.use(
    '*',
    bodyLimit({
      maxSize: maxWebhookBytes,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `webhook bodies are limited to ${maxWebhookBytes} bytes`);
      },
    }),
  );

  /** Checks the signature before looking at anything else, so an unsigned request learns nothing. */
  async function signedForm(request: Request): Promise<Record<string, string>> {
    const params = await readForm(request);
    const url = new URL(request.url);
    verifyTwilioSignature({
      authToken: config.TWILIO_AUTH_TOKEN ?? '',
      signature: request.headers.get('x-twilio-signature') ?? undefined,
      publicUrl: `${config.PUBLIC_BASE_URL}${url.pathname}${url.search}`,
      params,
    });
    return params;
  }

  app.post('/messaging', async (c) => {
    const params = await signedForm(c.req.raw);
    const parsed = messagingForm.safeParse(params);
    if (!parsed.success) throw new HttpError(400, 'invalid_webhook', firstIssue(parsed.error));
    const form = parsed.data;
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
    return c.body(emptyTwiml, 200, { 'Content-Type': 'text/xml' });
  });

  /** Delivery status callbacks: stored as events and applied so a status only ever moves forward. */
  app.post('/status', async (c) => {
    const parsed = statusForm.safeParse(await signedForm(c.req.raw));
    if (!parsed.success) throw new HttpError(400, 'invalid_webhook', firstIssue(parsed.error));
    try {
      const changed = await recordDeliveryEvent(db, {
        providerMessageId: parsed.data.MessageSid,
        status: parsed.data.MessageStatus,
        errorCode: parsed.data.ErrorCode ?? null,
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
