import type { ApiDeps } from './deps';
import { apiReferencePage } from './api-reference';
import { createRoute, z } from '@hono/zod-openapi';
import { declaredRoutes, jsonAnswer } from './openapi';
import { methodNotAllowed } from './method-not-allowed';
import { bodyLimits } from './body-limit';
import { errorBody, handleError } from './errors';
import { refuseNulInUrl } from './nul';
import { adminTenantRoutes } from './routes/admin-tenants';
import { agentRoutes } from './routes/agents';
import { analyticsRoutes } from './routes/analytics';
import { approvalRoutes } from './routes/approvals';
import { bookingRoutes } from './routes/bookings';
import { chatAccess } from './chat-access';
import { chatRoutes } from './routes/chat';
import { chatVisitorRoutes } from './routes/chat-visitor';
import { consoleRoutes } from './routes/console';
import { conversationListRoutes } from './routes/conversation-list';
import { conversationStreamRoutes } from './routes/conversation-stream';
import { conversationTimelineRoutes } from './routes/conversation-timeline';
import { conversationRoutes } from './routes/conversations';
import { handoffRoutes } from './routes/handoffs';
import { healthRoutes } from './routes/health';
import { knowledgeRoutes } from './routes/knowledge';
import { leadRoutes } from './routes/leads';
import { modelRoutes } from './routes/models';
import { orderRoutes } from './routes/orders';
import { personaRoutes } from './routes/persona';
import { replayRoutes } from './routes/replays';
import { settingsRoutes } from './routes/settings';
import { toolRoutes } from './routes/tools';
import { usageRoutes } from './routes/usage';
import { twilioRoutes } from './routes/twilio';
import { campaignRoutes } from './routes/campaigns';
import { twilioVoiceRoutes } from './routes/twilio-voice';
import { widgetRoutes } from './routes/widget';
import { whatsAppRoutes } from './routes/whatsapp';

/** The contract's front matter: what /openapi.json says of the API as a whole. */
const contract = {
  openapi: '3.1.0',
  info: {
    title: 'Durable conversations API',
    version: '1',
    description:
      'Customer conversations over SMS, WhatsApp, voice and web chat. Every error is `{ "error": { "code", "message" } }`; a path declared for other methods answers 405 with `Allow`.',
  },
};

const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

export function createApp(deps: ApiDeps) {
  const app = declaredRoutes();
  app.onError(handleError(deps.log));
  app.use('*', refuseNulInUrl);
  app.use('*', bodyLimits());
  app.use('*', methodNotAllowed(() => app.routes));
  app.openAPIRegistry.registerComponent('securitySchemes', 'agentToken', { type: 'http', scheme: 'bearer', description: "An agent's token (`npm run agent:create`, `POST /api/settings/agents`, or a new tenant's `adminToken`)." });
  app.openAPIRegistry.registerComponent('securitySchemes', 'operatorToken', { type: 'http', scheme: 'bearer', description: 'The operator token: the service\'s ADMIN_TOKEN.' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'chatSession', { type: 'http', scheme: 'bearer', description: "A web visitor's chat session token (`POST /api/chat/sessions`)." });
  app.openAPIRegistry.registerComponent('securitySchemes', 'twilioSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Twilio-Signature',
    description: "Twilio's signature of the request, made with the auth token of the account of the tenant whose number it names.",
  });
  app.doc31('/openapi.json', contract);
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/openapi.json',
    summary: 'This contract (OpenAPI 3.1)',
    tags: ['Pages'],
    responses: { 200: jsonAnswer(z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }), 'The contract.') },
  });
  app.openapi(createRoute({ method: 'get', path: '/docs', summary: 'This contract as a page to read', tags: ['Pages'], responses: { 200: page('The reference.') } }), (c) =>
    c.html(apiReferencePage(app.getOpenAPI31Document(contract) as Parameters<typeof apiReferencePage>[0])),
  );
  app.route('/', healthRoutes(deps));
  app.route('/webhooks/twilio', twilioRoutes(deps));
  app.route('/webhooks/twilio/voice', twilioVoiceRoutes(deps));
  app.route('/api/admin/tenants', adminTenantRoutes(deps));
  app.route('/api/conversations', conversationListRoutes(deps));
  app.route('/api/conversations', conversationTimelineRoutes(deps));
  app.route('/api/conversations', conversationStreamRoutes(deps));
  app.route('/api/conversations', conversationRoutes(deps));
  app.route('/api/handoffs', handoffRoutes(deps));
  app.route('/api/tools', toolRoutes(deps));
  app.route('/api/bookings', bookingRoutes(deps));
  app.route('/api/orders', orderRoutes(deps));
  app.route('/api/approvals', approvalRoutes(deps));
  app.route('/api/leads', leadRoutes(deps));
  app.route('/api/knowledge', knowledgeRoutes(deps));
  app.route('/api/replays', replayRoutes(deps));
  app.route('/api/usage', usageRoutes(deps));
  app.route('/api/whatsapp', whatsAppRoutes(deps));
  app.route('/api/analytics', analyticsRoutes(deps));
  app.route('/api/campaigns', campaignRoutes(deps));
  app.route('/api/persona', personaRoutes(deps));
  app.route('/api/settings', settingsRoutes(deps));
  app.route('/api/models', modelRoutes(deps));
  // Before the agents' routes: a chat session token is no agent token.
  const chat = chatAccess(deps);
  app.route('/api/chat', chatRoutes(deps, chat));
  app.route('/api/chat', chatVisitorRoutes(deps, chat));
  app.route('/api', agentRoutes(deps));
  app.route('/console', consoleRoutes());
  app.openapi(createRoute({ method: 'get', path: '/favicon.ico', summary: "The console's icon (where browsers look)", tags: ['Pages'], responses: { 301: { description: 'To `/console/favicon.svg`.' } } }), (c) =>
    c.redirect('/console/favicon.svg', 301),
  );
  app.route('/', widgetRoutes(deps));
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  return app;
}

