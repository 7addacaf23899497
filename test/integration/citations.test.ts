import { describe, expect, it } from 'vitest';
import { ingestDocument, textDocument } from '../../activities/knowledge/ingest-document';
import type { MessageView } from '../../api/protocol/agent-api';
import { toolAnswers, type ChatRequest } from '../fakes/openai';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';
import { newVisitorSays } from '../support/web-visitor';

/**
 * Cited answers: the model gets knowledge passages numbered, cites them as [n]; the customer never sees the
 * markers (not even live), the reply is kept with the documents it cited, and a web visitor gets a link to each
 * one that has a page. A question of fact answered without a passage is marked. (The offline responder's citing of
 * its passage is in knowledge.test.ts.)
 */
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

async function addDocuments(db = stack.db): Promise<{ delivery: string; returns: string }> {
  const delivery = await ingestDocument(
    db,
    null,
    textDocument('default', { title: 'Delivery', url: 'https://shop.example/delivery', body: 'Express delivery arrives the next business day for $12.' }),
  );
  const returns = await ingestDocument(db, null, textDocument('default', { title: 'Returns', body: 'Unused items can be returned within 30 days.' }));
  if (delivery.outcome === 'failed' || returns.outcome === 'failed') throw new Error('documents not added');
  return { delivery: delivery.documentId, returns: returns.documentId };
}

/** The model searches, then answers citing the passages it was given by number. */
function searchesThenCites(answer: (passages: { n: number; title: string }[]) => string): void {
  stack.openai.script({ toolCalls: [{ name: 'search_knowledge', arguments: { query: 'express delivery returns' } }] });
  stack.openai.respond = (request: ChatRequest) => {
    const result = toolAnswers(request)[0] as { passages?: { n: number; title: string }[] } | undefined;
    return { content: answer(result?.passages ?? []) };
  };
}

const numberOf = (passages: { n: number; title: string }[], title: string) => passages.find((p) => p.title === title)?.n ?? 0;

async function messagesOf(contactKey: string): Promise<MessageView[]> {
  const conversation = await stack.db.selectFrom('conversations').select('id').where('contact_key', '=', contactKey).executeTakeFirstOrThrow();
  const response = await stack.api(`/api/conversations/${encodeURIComponent(conversation.id)}/messages`);
  return ((await response.json()) as { messages: MessageView[] }).messages;
}

describe('cited answers', () => {
  it('keeps an SMS reply with the documents it cited, and sends it without the markers', async () => {
    const ids = await addDocuments();
    searchesThenCites((p) => `Express is next day for $12 [${numberOf(p, 'Delivery')}], and returns take 30 days [${numberOf(p, 'Returns')}].`);
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'How fast is express, and can I return things?' }));
    const [sent] = await stack.twilio.waitForSent(1);
    expect(sent?.body).toBe('Express is next day for $12, and returns take 30 days.');
    await stack.settled(from);
    const reply = (await messagesOf(from)).find((m) => m.author === 'ai');
    expect(reply).toMatchObject({
      body: 'Express is next day for $12, and returns take 30 days.',
      sources: [
        { documentId: ids.delivery, title: 'Delivery', url: 'https://shop.example/delivery' },
        { documentId: ids.returns, title: 'Returns', url: null },
      ],
    });
  });

  it('streams a web reply without markers and offers each cited page as a link', async () => {
    const ids = await addDocuments();
    searchesThenCites((p) => `Express delivery arrives the next business day [${numberOf(p, 'Delivery')}].`);
    const response = await newVisitorSays(stack, 'When would express delivery arrive?');
    const stream = await response.text();
    expect(stream).toContain('next business day');
    expect(stream).not.toMatch(/\[\d\]/);
    const reply = await stack.db.selectFrom('messages').select(['body', 'options', 'sources']).where('author', '=', 'ai').executeTakeFirstOrThrow();
    expect(reply.body).toBe('Express delivery arrives the next business day.');
    expect(reply.sources).toEqual([{ documentId: ids.delivery, title: 'Delivery', url: 'https://shop.example/delivery' }]);
    expect(reply.options).toEqual({ quickReplies: [], actions: [{ label: 'Delivery', url: 'https://shop.example/delivery' }] });
  });

  it('marks a reply to a question of fact that cites no passage, and leaves small talk unmarked', async () => {
    await addDocuments();
    searchesThenCites(() => 'We ship everywhere.');
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'Do you ship to the moon?' }));
    await stack.twilio.waitForSent(1);
    await stack.settled(from);
    stack.openai.respond = () => ({ content: 'You are welcome!' });
    await stack.postSms(smsParams({ from, body: 'thanks' }));
    await stack.twilio.waitForSent(2);
    await stack.settled(from);
    const replies = (await messagesOf(from)).filter((m) => m.author === 'ai');
    expect(replies.map((m) => [m.body, m.sources])).toEqual([
      ['We ship everywhere.', []],
      ['You are welcome!', null],
    ]);
  });
});
