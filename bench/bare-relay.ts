import OpenAI from 'openai';
import { WebSocketServer } from 'ws';

/**
 * The floor for voice: a ConversationRelay socket handler as Twilio's sample apps write it, with no engine behind
 * it. Each final prompt goes straight to the model (streamed) and every token straight back as a `text` frame.
 * Nothing is recorded, nothing is durable.
 */
const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 });
const sockets = new WebSocketServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
sockets.on('listening', () => {
  const address = sockets.address();
  console.log(`bare relay listening on ${typeof address === 'object' && address ? address.port : String(address)}`);
});
sockets.on('connection', (ws) => {
  const history: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are a helpful assistant on a phone call.' }];
  ws.on('message', async (data) => {
    const frame = JSON.parse(String(data)) as { type: string; voicePrompt?: string; last?: boolean };
    if (frame.type !== 'prompt' || !frame.last || !frame.voicePrompt) return;
    history.push({ role: 'user', content: frame.voicePrompt });
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: history, stream: true });
    let reply = '';
    for await (const chunk of stream) {
      const token = chunk.choices[0]?.delta?.content;
      if (!token) continue;
      reply += token;
      ws.send(JSON.stringify({ type: 'text', token, last: false }));
    }
    ws.send(JSON.stringify({ type: 'text', token: '', last: true }));
    history.push({ role: 'assistant', content: reply });
  });
});
