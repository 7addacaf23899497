import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import OpenAI from 'openai';

/**
 * The floor for web chat: a streaming chat endpoint as the AI SDK's examples write one, with no engine behind it.
 * Each message goes straight to the model (streamed) and every token straight back as a UI message stream part, on
 * the same HTTP stack as the product. History is kept in memory per chat; nothing is recorded, nothing is durable.
 */
const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
const histories = new Map<string, OpenAI.Chat.ChatCompletionMessageParam[]>();
const app = new Hono();

app.post('/api/chat', async (c) => {
  const body = (await c.req.json()) as { id: string; messages: { id: string; role: string; parts: { type: string; text?: string }[] }[] };
  const newest = body.messages.at(-1);
  const text = newest?.parts.map((p) => p.text ?? '').join('') ?? '';
  const history = histories.get(body.id) ?? [{ role: 'system', content: 'You are a helpful assistant in a web chat.' }];
  histories.set(body.id, history);
  history.push({ role: 'user', content: text });
  c.header('x-vercel-ai-ui-message-stream', 'v1');
  return streamSSE(c, async (stream) => {
    const part = (value: object) => stream.writeSSE({ data: JSON.stringify(value) });
    const textId = `text-${newest?.id}`;
    await part({ type: 'start', messageId: `reply-${newest?.id}` });
    await part({ type: 'text-start', id: textId });
    const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: history, stream: true });
    let reply = '';
    for await (const chunk of completion) {
      const delta = chunk.choices[0]?.delta?.content;
      if (!delta) continue;
      reply += delta;
      await part({ type: 'text-delta', id: textId, delta });
    }
    history.push({ role: 'assistant', content: reply });
    await part({ type: 'text-end', id: textId });
    await part({ type: 'finish' });
    await stream.writeSSE({ data: '[DONE]' });
  });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => console.log(`bare chat listening on ${info.port}`));
