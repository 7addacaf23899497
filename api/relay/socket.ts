import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import twilio from 'twilio';
import { WebSocketServer } from 'ws';
import { RelaySession, type RelaySessionDeps } from './session';
import type { Config } from '../../config';
import { tenantOfCall } from '../../db/repositories/calls';
import type { TwilioAccounts } from '../../worker/twilio-accounts';
import { errorBody } from '../errors';
import { relayPath, relayUrl } from '../routes/twilio-voice';
import { twilioSid } from '../twilio-webhook';

/** Twilio's frames are small; anything bigger is not a ConversationRelay frame. */
const maxFrameBytes = 64 * 1024;

const reasons = { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' } as const;

function refuse(socket: Duplex, status: keyof typeof reasons, code: string, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  const reason = reasons[status];
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * `WS /webhooks/twilio/relay`: Twilio's ConversationRelay connects here for each call, at the URL the voice route
 * gave it, which names the call. The upgrade must carry a valid `X-Twilio-Signature` over the public wss URL (with
 * its query), made with the auth token of the account of the call's tenant; anything else is refused before it
 * becomes a socket.
 */
export function attachRelaySocket(server: Server, config: Config, accounts: TwilioAccounts, deps: RelaySessionDeps): { close(): Promise<void> } {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== relayPath) return refuse(socket, 404, 'not_found', `no socket at ${url.pathname}`);
    const signature = request.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || !signature) return refuse(socket, 403, 'signature_missing', 'X-Twilio-Signature header is required');
    const publicUrl = `${relayUrl(config.PUBLIC_BASE_URL)}${url.search}`;
    // The URL the voice route gave names the call (`callRelayUrl`); the signature below covers it.
    const callSid = url.searchParams.get('callSid');
    // Only a well-formed SID is looked up: nothing of the URL is verified yet.
    const authToken = await accounts.authToken(callSid && twilioSid.safeParse(callSid).success ? await tenantOfCall(deps.db, callSid) : null);
    if (!twilio.validateRequest(authToken, signature, publicUrl, {})) {
      return refuse(socket, 403, 'signature_invalid', 'X-Twilio-Signature does not match the request');
    }
    if (!callSid) return refuse(socket, 403, 'call_required', 'the relay socket serves the call its URL names');
    sockets.handleUpgrade(request, socket, head, (ws) => new RelaySession(ws, deps, callSid));
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(request, socket, head).catch((error: unknown) => {
      deps.log.warn('relay: upgrade failed', { error: String(error) });
      refuse(socket, 503, 'unavailable', 'the call cannot be checked now; retry later');
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    close: () =>
      new Promise((resolve) => {
        server.off('upgrade', onUpgrade);
        for (const client of sockets.clients) client.terminate();
        sockets.close(() => resolve());
      }),
  };
}
