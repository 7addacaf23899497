import { serve } from '@hono/node-server';
import { Hono } from 'hono';

// The floor for webhook acknowledgement: the same HTTP stack answering at once, doing nothing.
const app = new Hono();
app.post('/webhooks/twilio/messaging', (c) => c.body('<?xml version="1.0" encoding="UTF-8"?><Response/>', 200, { 'Content-Type': 'text/xml' }));
const port = Number(process.env.PORT ?? 0);
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => console.log(`bare hono listening on ${info.port}`));
