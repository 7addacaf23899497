import { describe, expect, it } from 'vitest';
import type { LeadList } from '../../api/protocol/agent-api';
import { acceptThenDrop } from '../../devkit/twilio-sandbox';
import { toolAnswers } from '../fakes/openai';
import { smsParams, textsCodes, uniquePhone, useStack, type Stack } from '../support/stack';
import { newVisitorSays } from '../support/web-visitor';

/** The marketplace pack: listings searched and shown, and a buyer's interest told to the seller once. */
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

const seller = '+16045559001';

async function setUp(): Promise<void> {
  for (const name of ['search_listings', 'listing_details', 'record_interest']) {
    expect((await stack.api(`/api/tools/${name}`, { method: 'PATCH', body: JSON.stringify({ enabled: true }) })).status).toBe(200);
  }
  await textsCodes(stack.db);
  const car = { tenant_id: 'default', currency: 'CAD', city: 'Vancouver', seller_name: 'Sam', seller_phone: seller };
  await stack.db
    .insertInto('listings')
    .values([
      { ...car, id: 'c1', make: 'Toyota', model: 'Corolla', year: 2019, price_cents: 1_650_000, fuel: 'petrol', transmission: 'automatic', url: 'https://example.com/cars/c1' },
      { ...car, id: 'c2', make: 'Toyota', model: 'RAV4', year: 2018, price_cents: 2_450_000, fuel: 'hybrid', transmission: 'automatic' },
      { ...car, id: 'c3', make: 'Honda', model: 'Civic', year: 2021, price_cents: 2_290_000, fuel: 'petrol', transmission: 'manual', city: 'Burnaby' },
    ])
    .execute();
}

describe('marketplace', () => {
  it('searches by make and price, records interest once per buyer, and texts the seller once', async () => {
    await setUp();
    const buyer = uniquePhone();
    stack.openai.script(
      {
        toolCalls: [
          { name: 'search_listings', arguments: { make: 'toyota', price_max: 20000 } },
          { name: 'search_listings', arguments: { price_max: '20000' } },
          { name: 'listing_details', arguments: { listing_id: 'nope' } },
        ],
      },
      { toolCalls: [{ name: 'record_interest', arguments: { listing_id: 'c1' } }] },
      { toolCalls: [{ name: 'record_interest', arguments: { listing_id: 'c1' } }] },
      { content: 'Sam will be in touch about the Corolla.' },
    );
    await stack.postSms(smsParams({ from: buyer, body: 'Any Toyota under 20k? I want the Corolla' }));
    await stack.twilio.waitForSent(2);
    await stack.settled(buyer);

    const [found, asText, unknown] = toolAnswers(stack.openai.requests[1]);
    expect(found).toEqual({ count: 1, listings: [expect.objectContaining({ listing_id: 'c1', title: '2019 Toyota Corolla', price: 16500, currency: 'CAD', url: 'https://example.com/cars/c1' })] });
    expect(String(asText?.error)).toContain('price_max');
    expect(String(unknown?.error)).toContain('no listing nope');
    const [recorded, repeated] = toolAnswers(stack.openai.requests[3]).slice(-2);
    expect(recorded).toMatchObject({ interest_recorded: true, seller_told: 'by text message' });
    expect(repeated).toEqual(recorded);

    const toSeller = stack.twilio.sent.filter((s) => s.to === seller);
    expect(toSeller).toHaveLength(1);
    expect(toSeller[0]?.body).toBe(`New interest in your 2019 Toyota Corolla (listing c1). Reach them at ${buyer}.`);
    expect(stack.twilio.sent.find((s) => s.to === buyer)?.body).toBe('Sam will be in touch about the Corolla.');

    const leads = (await (await stack.api('/api/leads')).json()) as LeadList;
    expect(leads.leads).toEqual([expect.objectContaining({ listingId: 'c1', listing: '2019 Toyota Corolla', contactKey: buyer, sellerPhone: seller, interestCount: 1 })]);
  });

  it("texts the seller once when Twilio took the text but its answer was lost, and the write's activity was retried", async () => {
    await setUp();
    await stack.api('/api/tools/search_listings', { method: 'PATCH', body: JSON.stringify({ enabled: false }) });
    const buyer = uniquePhone();
    // The seller's text reaches Twilio, but the connection drops before its answer: the activity fails after the
    // lead was recorded, and is retried.
    stack.twilio.failNext(1, acceptThenDrop);
    stack.openai.script({ toolCalls: [{ name: 'record_interest', arguments: { listing_id: 'c2' } }] }, { content: 'The seller will call you.' });
    await stack.postSms(smsParams({ from: buyer, body: 'I want the RAV4' }));
    await stack.twilio.waitForSent(2, 60_000);
    await stack.settled(buyer);
    expect(stack.twilio.sent.filter((s) => s.to === seller)).toHaveLength(1);
    expect(stack.twilio.sent.filter((s) => s.to === buyer).map((s) => s.body)).toEqual(['The seller will call you.']);
    const runs = await stack.db.selectFrom('tool_runs').select(['tool', 'attempts', 'status']).execute();
    expect(runs).toEqual([{ tool: 'record_interest', attempts: 2, status: 'done' }]);
    const listing = await stack.db.selectFrom('listings').select('interest_count').where('id', '=', 'c2').executeTakeFirstOrThrow();
    expect(listing.interest_count).toBe(1);
  });

  it('offers a web visitor the listing as a link button', async () => {
    await setUp();
    stack.openai.script(
      { toolCalls: [{ name: 'listing_details', arguments: { listing_id: 'c1' } }] },
      { toolCalls: [{ name: 'show_options', arguments: { actions: [{ label: 'See the Corolla', url: 'https://example.com/cars/c1' }] } }], content: 'Here is the Corolla.' },
    );
    const chat = await newVisitorSays(stack, 'Tell me about the Corolla');
    const events = (await chat.text()).split('\n').filter((line) => line.startsWith('data: {')).map((line) => JSON.parse(line.slice(6)) as { type: string; delta?: string });
    expect(events.flatMap((e) => (e.type === 'text-delta' ? [e.delta] : [])).join('')).toBe('Here is the Corolla.');
    expect(JSON.stringify(events.filter((e) => e.type !== 'text-delta'))).toContain('"url":"https://example.com/cars/c1"');
    expect(toolAnswers(stack.openai.requests[1])[0]).toMatchObject({ listing_id: 'c1', seller: 'Sam', interested_people: 0 });
  });
});
