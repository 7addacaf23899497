import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import twilio from 'twilio';
import { conversationWorkflowId, type ConversationClient } from '../conversation-client';
import { parseAddress } from '../contacts';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { createTenantLookup } from '../tenant-lookup';
import { declaredRoutes, twilioWebhook } from '../openapi';
import { signedWebhook, twilioSid, twimlResponse } from '../twilio-webhook';
import { webhookSigners } from '../webhook-signers';
import { serviceText } from '../../domain/texts';
import { recordCallEnd, recordCallStart, recordCallStatus } from '../../db/repositories/calls';
import { getTenant } from '../../db/repositories/tenants';
import { getContact } from '../../db/repositories/contacts';
import type { Call, Database, Tenant } from '../../db/schema';

const voiceForm = z.object({
  CallSid: twilioSid,
  From: z.string().min(1).max(64),
  To: z.string().min(1).max(64),
  Direction: z.string().max(32).default('inbound'),
  CallStatus: z.string().max(32).default('ringing'),
});

const connectActionForm = z.object({
  CallSid: twilioSid,
  CallStatus: z.string().max(32).optional(),
  SessionId: z.string().max(64).optional(),
  SessionStatus: z.string().max(32).optional(),
  SessionDuration: z.coerce.number().int().min(0).optional(),
  HandoffData: z.string().max(8000).optional(),
  ErrorCode: z.string().max(16).optional(),
  ErrorMessage: z.string().max(500).optional(),
});

const callStatusForm = z.object({
  CallSid: twilioSid,
  CallStatus: z.string().min(1).max(32),
  CallDuration: z.coerce.number().int().min(0).optional(),
});

/** Call statuses after which nothing more happens on the call. */
const finalStatuses = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** The path of the relay socket; its URL is the public one with ws(s) for http(s). */
export const relayPath = '/webhooks/twilio/relay';

export function relayUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/^http/, 'ws')}${relayPath}`;
}

/**
 * The relay socket's URL for one call: it names the call, so the upgrade's signature (over the URL with its query)
 * is that call's alone, and a signature seen once opens no other call's session.
 */
export function callRelayUrl(publicBaseUrl: string, callSid: string): string {
  return `${relayUrl(publicBaseUrl)}?callSid=${encodeURIComponent(callSid)}`;
}

/** The tenant's voice settings, read loosely: unknown or empty values fall back to the defaults. */
function voiceSettings(voice: unknown): { language: string; voice?: string; transferTo?: string } {
  const settings = typeof voice === 'object' && voice !== null ? (voice as Record<string, unknown>) : {};
  const text = (key: string) => (typeof settings[key] === 'string' && settings[key] ? (settings[key] as string) : undefined);
  return { language: text('language') ?? 'en-US', voice: text('voice'), transferTo: text('transferTo') };
}

/** The call is over for the conversation: its summary is written there. */
function endOfCall(conversations: ConversationClient, call: Call): Promise<void> {
  return conversations.callEnded({ tenantId: call.tenant_id, contactKey: call.contact_key }, call.call_sid);
}

/**
 * Twilio Voice: answering a call with a ConversationRelay session on the caller's conversation, the session's end
 * (`<Connect action>`, which decides whether the call goes to a person), and call status callbacks.
 */
/**
 * What a call an agent placed opens with: the person greeted by the name the team knows them by, and who is
 * calling. The assistant then talks with the whole conversation (texts, earlier calls' summaries) in its context.
 */
async function callingGreeting(db: Kysely<Database>, tenantId: string, contactKey: string, tenant: Tenant | undefined): Promise<string> {
  const name = (await getContact(db, tenantId, contactKey))?.name;
  return serviceText('callingGreeting', tenant?.texts)
    .replaceAll('{name}', name || 'there')
    .replaceAll('{business}', tenant?.name ?? 'us');
}

export function twilioVoiceRoutes(deps: ApiDeps) {
  const { config, db, conversations, log, twilioAccounts } = deps;
  const app = declaredRoutes();
  const tags = ['Twilio'];
  const signed = signedWebhook(config, twilioAccounts);
  const tenantFor = createTenantLookup(db);
  const { call: callSigner } = webhookSigners(db, tenantFor);

  const callRoute = createRoute({
    method: 'post',
    path: '/',
    summary: 'A call (Twilio Voice)',
    description: "Answered with a ConversationRelay session on the caller's conversation (or, for a number no tenant answers, a goodbye).",
    tags,
    ...twilioWebhook(voiceForm, 'twiml'),
  });
  app.openapi(callRoute, async (c) => {
    const { form } = await signed(c.req.raw, voiceForm, callSigner);
    const outbound = form.Direction.startsWith('outbound');
    // The customer is whoever is not the service's number: the caller, or whom an outbound call rings.
    const customer = parseAddress(outbound ? form.To : form.From);
    const service = parseAddress(outbound ? form.From : form.To);
    if (!customer || !service) throw new HttpError(400, 'invalid_webhook', 'From/To: not phone numbers');
    const tenantId = await tenantFor(service.contactKey);
    const response = new twilio.twiml.VoiceResponse();
    if (!tenantId) {
      response.say(serviceText('callUnknownNumber', undefined));
      response.hangup();
      return twimlResponse(response.toString());
    }
    const tenant = await getTenant(db, tenantId);
    const key = { tenantId, contactKey: customer.contactKey };
    await recordCallStart(db, {
      callSid: form.CallSid,
      tenantId,
      conversationId: conversationWorkflowId(key),
      contactKey: key.contactKey,
      direction: outbound ? 'outbound' : 'inbound',
      from: form.From,
      to: form.To,
      status: form.CallStatus,
    });
    const voice = voiceSettings(tenant?.voice);
    response.connect({ action: `${config.PUBLIC_BASE_URL}/webhooks/twilio/voice/ended` }).conversationRelay({
      url: callRelayUrl(config.PUBLIC_BASE_URL, form.CallSid),
      welcomeGreeting: outbound ? await callingGreeting(db, tenantId, customer.contactKey, tenant) : serviceText('welcomeGreeting', tenant?.texts),
      welcomeGreetingInterruptible: 'any',
      language: voice.language,
      ...(voice.voice ? { voice: voice.voice } : {}),
      interruptible: 'any',
      dtmfDetection: true,
    });
    return twimlResponse(response.toString());
  });

  /** The relay session ended: a transfer to a person (HandoffData from the session's `end`), or goodbye. */
  const endedRoute = createRoute({
    method: 'post',
    path: '/ended',
    summary: "A call's relay session ended (Twilio's Connect action)",
    description: 'Put through to a person when the session ended for a handoff, else goodbye.',
    tags,
    ...twilioWebhook(connectActionForm, 'twiml'),
  });
  app.openapi(endedRoute, async (c) => {
    const { form } = await signed(c.req.raw, connectActionForm, callSigner);
    const transfer = form.HandoffData ? wantsPerson(form.HandoffData) : false;
    const call = await recordCallEnd(db, form.CallSid, {
      // Answered with <Hangup/>, the call is over now; put through to a person, it goes on (its status callback
      // says when it ends).
      status: transfer ? form.CallStatus : 'completed',
      sessionStatus: form.SessionStatus,
      durationSeconds: form.SessionDuration,
      handoffData: form.HandoffData ?? null,
      errorCode: form.ErrorCode ?? null,
      errorMessage: form.ErrorMessage ?? null,
    });
    if (form.ErrorCode) log.warn('relay session ended with an error', { callSid: form.CallSid, code: form.ErrorCode, message: form.ErrorMessage });
    const response = new twilio.twiml.VoiceResponse();
    if (transfer && call) {
      const tenant = await getTenant(db, call.tenant_id);
      const { transferTo } = voiceSettings(tenant?.voice);
      // To the tenant's agents' number when it has one, else into its queue (answered from Twilio's side).
      if (transferTo) response.dial(transferTo);
      else response.enqueue(`support-${call.tenant_id}`);
    } else {
      response.hangup();
    }
    if (call) await endOfCall(conversations, call).catch((error: unknown) => log.warn('call end not handed to its conversation', { error: String(error) }));
    return twimlResponse(response.toString());
  });

  const callStatusRoute = createRoute({ method: 'post', path: '/status', summary: "A call's status (Twilio)", tags, ...twilioWebhook(callStatusForm, 'empty') });
  app.openapi(callStatusRoute, async (c) => {
    const { form } = await signed(c.req.raw, callStatusForm, callSigner);
    const final = finalStatuses.has(form.CallStatus);
    const call = final
      ? await recordCallEnd(db, form.CallSid, { status: form.CallStatus, durationSeconds: form.CallDuration })
      : await recordCallStatus(db, form.CallSid, form.CallStatus);
    if (final && call) await endOfCall(conversations, call).catch((error: unknown) => log.warn('call end not handed to its conversation', { error: String(error) }));
    return c.body(null, 204);
  });

  return app;
}

/** Whether the session ended to reach a person (the conversation's handoff). */
function wantsPerson(handoffData: string): boolean {
  try {
    const data: unknown = JSON.parse(handoffData);
    return typeof data === 'object' && data !== null && (data as { reason?: unknown }).reason === 'handoff';
  } catch {
    return false;
  }
}
