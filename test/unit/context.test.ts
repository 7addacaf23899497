import { describe, expect, it } from 'vitest';
import { buildContext, estimateTokens } from '../../activities/context';
import { wordsOf } from '../../db/repositories/knowledge';
import type { Message } from '../../db/schema';

function message(i: number, author: Message['author'], body: string): Message {
  return {
    id: `m${i}`, conversation_id: 'c', tenant_id: 't', direction: author === 'customer' ? 'inbound' : 'outbound', author,
    channel: 'sms', from_address: 'a', to_address: 'b', body, full_body: null, media: [], options: null, provider_message_id: null, status: 'sent',
    error_code: null, error_message: null, model: null, sources: null, created_at: new Date(i * 1000), updated_at: new Date(i * 1000),
  };
}

describe('buildContext', () => {
  it('keeps the newest messages that fit the budget, in chronological order', () => {
    const newestFirst = Array.from({ length: 500 }, (_, i) => message(500 - i, i % 2 ? 'ai' : 'customer', `message ${500 - i} `.repeat(10)));
    const context = buildContext({ systemPrompt: 'Be brief.', summary: 'Asked about a refund.', newestFirst, budgetTokens: 1000 });
    const total = context.reduce((sum, m) => sum + estimateTokens(('content' in m && m.content) || ''), 0);
    expect(total).toBeLessThanOrEqual(1000);
    expect(context[0]).toEqual({ role: 'system', content: expect.stringContaining('Asked about a refund.') });
    expect(context.at(-1)?.content).toContain('message 500');
    // The system turn costs 21 tokens (68 characters) and every message 34 (120 characters): 28 messages fit in
    // the 979 left, the newest 28 (500 down to 473).
    expect(context).toHaveLength(1 + 28);
    expect(context[1]?.content).toContain('message 473');
  });

  it('maps customers to user turns, the AI and agents to assistant turns, and notes to system turns', () => {
    const note = { ...message(4, 'agent', 'refund approved'), direction: 'internal' as const };
    const context = buildContext({
      systemPrompt: 's',
      summary: null,
      newestFirst: [note, message(3, 'agent', 'human here'), message(2, 'ai', 'bot here'), message(1, 'customer', 'hi'), message(0, 'system', 'x')],
      budgetTokens: 1000,
    });
    expect(context.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'assistant', 'system']);
    expect(context.at(-1)?.content).toContain('refund approved');
  });
});

describe('knowledge text', () => {
  it('reads a question as its words, and nothing else', () => {
    expect(wordsOf('When are you open on Sundays?')).toEqual(['when', 'are', 'you', 'open', 'on', 'sundays']);
    expect(wordsOf("'); drop table x; -- :* | !")).toEqual(['drop', 'table', 'x']);
    expect(wordsOf('Où est ma commande?')).toEqual(['où', 'est', 'ma', 'commande']);
    expect(wordsOf('?!')).toEqual([]);
  });
});
