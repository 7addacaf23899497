import { Hono } from 'hono';
import type { ApiDeps } from './deps';
import { bodyLimits } from './body-limit';
import { errorBody, handleError } from './errors';
import { refuseNulInUrl } from './nul';
import { agentRoutes } from './routes/agents';
import { approvalRoutes } from './routes/approvals';
import { bookingRoutes } from './routes/bookings';
import { chatAccess } from './chat-access';
import { chatRoutes } from './routes/chat';
import { chatVisitorRoutes } from './routes/chat-visitor';
import { consoleRoutes } from './routes/console';
import { conversationRoutes } from './routes/conversations';
import { handoffRoutes } from './routes/handoffs';
import { healthRoutes } from './routes/health';
import { knowledgeRoutes } from './routes/knowledge';
import { leadRoutes } from './routes/leads';
import { modelRoutes } from './routes/models';
import { orderRoutes } from './routes/orders';
import { personaRoutes } from './routes/persona';
import { replayRoutes } from './routes/replays';
import { toolRoutes } from './routes/tools';
import { usageRoutes } from './routes/usage';
import { twilioRoutes } from './routes/twilio';
import { twilioVoiceRoutes } from './routes/twilio-voice';
import { widgetRoutes } from './routes/widget';

export function createApp(deps: ApiDeps) {
  const app = new Hono();
  app.onError(handleError(deps.log));
  app.use('*', refuseNulInUrl);
  app.use('*', bodyLimits());
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  app.route('/', healthRoutes(deps));
  app.route('/webhooks/twilio', twilioRoutes(deps));
  app.route('/webhooks/twilio/voice', twilioVoiceRoutes(deps));
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
  app.route('/api/persona', personaRoutes(deps));
  app.route('/api/models', modelRoutes(deps));
  // Before the agents' routes: a chat session token is no agent token.
  const chat = chatAccess(deps);
  app.route('/api/chat', chatRoutes(deps, chat));
  app.route('/api/chat', chatVisitorRoutes(deps, chat));
  app.route('/api', agentRoutes(deps));
  app.route('/console', consoleRoutes());
  app.get('/favicon.ico', (c) => c.redirect('/console/favicon.svg', 301));
  app.route('/', widgetRoutes(deps));
  return app;
}

