import type { Stack } from './stack';

/**
 * A new web visitor of the default tenant sends `text`, as the widget does: a session opened with the widget key, then
 * one message posted to the chat with the session's token. The answer is the reply's UI message stream.
 */
export async function newVisitorSays(stack: Stack, text: string): Promise<Response> {
  const { widget_key: widgetKey } = await stack.db.selectFrom('tenants').select('widget_key').where('id', '=', 'default').executeTakeFirstOrThrow();
  const opened = await fetch(`${stack.apiUrl}/api/chat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ widgetKey }) });
  const session = (await opened.json()) as { sessionId: string; token: string };
  return fetch(`${stack.apiUrl}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ id: session.sessionId, trigger: 'submit-message', messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text }] }] }),
  });
}
