import { describe, expect, it } from 'vitest';
import type { OrderList } from '../../api/protocol/agent-api';
import { toolAnswers, type ChatRequest } from '../fakes/openai';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';

/** The orders pack end to end: a menu, an order built over two turns and a restart, one confirmed order. */
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

async function turnOnOrders(): Promise<void> {
  for (const name of ['get_menu', 'add_to_order', 'remove_from_order', 'view_order', 'confirm_order']) {
    expect((await stack.api(`/api/tools/${name}`, { method: 'PATCH', body: JSON.stringify({ enabled: true }) })).status).toBe(200);
  }
  await stack.db
    .insertInto('menu_items')
    .values([
      { id: 'latte', tenant_id: 'default', name: 'Latte', category: 'Drinks', price_cents: 450, currency: 'CAD' },
      { id: 'bagel', tenant_id: 'default', name: 'Bagel', category: 'Food', price_cents: 1295, currency: 'CAD' },
      { id: 'gone', tenant_id: 'default', name: 'Seasonal pie', category: 'Food', price_cents: 800, currency: 'CAD', available: false },
    ])
    .execute();
}

async function say(from: string, body: string, sentBefore: number): Promise<ChatRequest[]> {
  const before = stack.openai.requests.length;
  await stack.postSms(smsParams({ from, body }));
  await stack.twilio.waitForSent(sentBefore + 1);
  await stack.settled(from);
  return stack.openai.requests.slice(before);
}

describe('orders', () => {
  it('builds an order over two turns and a restart, and confirms it once', async () => {
    await turnOnOrders();
    const from = uniquePhone();
    stack.openai.script(
      { toolCalls: [{ name: 'get_menu', arguments: {} }] },
      { toolCalls: [{ name: 'add_to_order', arguments: { item_id: 'latte', quantity: 2, notes: 'oat milk' } }, { name: 'add_to_order', arguments: { item_id: 'bagel', quantity: 1 } }] },
      { content: 'Two oat lattes and a bagel: 21.95. Shall I place it?' },
    );
    const first = await say(from, 'Two lattes with oat milk and a bagel please', 0);
    const [menu] = toolAnswers(first[1]);
    expect(menu?.items).toEqual([
      { item_id: 'latte', name: 'Latte', category: 'Drinks', description: '', price: '4.50', currency: 'CAD' },
      { item_id: 'bagel', name: 'Bagel', category: 'Food', description: '', price: '12.95', currency: 'CAD' },
    ]);
    const added = toolAnswers(first[2]);
    expect(added[2]).toMatchObject({ status: 'draft', total: '21.95', currency: 'CAD' });

    // The order being built is kept with the conversation, not in a process.
    await stack.restart();

    stack.openai.script(
      { toolCalls: [{ name: 'view_order', arguments: {} }] },
      { toolCalls: [{ name: 'confirm_order', arguments: {} }] },
      // The model confirms again in the same turn: it gets the first answer.
      { toolCalls: [{ name: 'confirm_order', arguments: {} }] },
      { content: 'Placed!' },
    );
    const second = await say(from, 'Yes, place it', 1);
    const [viewed] = toolAnswers(second[1]);
    expect(viewed).toMatchObject({ status: 'draft', total: '21.95', items: [expect.objectContaining({ item_id: 'bagel', quantity: 1 }), expect.objectContaining({ item_id: 'latte', quantity: 2, notes: 'oat milk', line_total: '9.00' })] });
    const [, confirmed, again] = toolAnswers(second[3]);
    expect(confirmed).toMatchObject({ status: 'confirmed', order_ref: expect.stringMatching(/^ORD-/) as string, total: '21.95' });
    expect(again).toEqual(confirmed);

    // Confirming in a later turn finds nothing being built: still one order.
    stack.openai.script({ toolCalls: [{ name: 'confirm_order', arguments: {} }] }, { content: 'It is already placed.' });
    const third = await say(from, 'Did it go through? Place it', 2);
    expect(toolAnswers(third[1])[0]?.error).toContain('no order being built');

    const orders = await stack.db.selectFrom('orders').selectAll().execute();
    expect(orders.map((o) => o.status)).toEqual(['confirmed']);
    const listed = (await (await stack.api('/api/orders')).json()) as OrderList;
    expect(listed.orders).toEqual([
      expect.objectContaining({ ref: orders[0]?.ref, contactKey: from, totalCents: 2195, currency: 'CAD', items: expect.arrayContaining([expect.objectContaining({ itemId: 'latte', quantity: 2 })]) as unknown }),
    ]);
  });

  it('refuses unknown and unavailable items, quantities that are not whole numbers, and removing what is not there', async () => {
    await turnOnOrders();
    const from = uniquePhone();
    stack.openai.script(
      {
        toolCalls: [
          { name: 'add_to_order', arguments: { item_id: 'caviar', quantity: 1 } },
          { name: 'add_to_order', arguments: { item_id: 'gone', quantity: 1 } },
          { name: 'add_to_order', arguments: { item_id: 'latte', quantity: '2' } },
          { name: 'add_to_order', arguments: { item_id: 'latte', quantity: 0 } },
          { name: 'remove_from_order', arguments: { item_id: 'latte' } },
          { name: 'confirm_order', arguments: {} },
        ],
      },
      { content: 'Sorry.' },
    );
    const requests = await say(from, 'Caviar please', 0);
    const errors = toolAnswers(requests[1]).map((a) => String(a.error));
    expect(errors[0]).toContain('no item caviar');
    expect(errors[1]).toContain('cannot be ordered now');
    expect(errors[2]).toContain('quantity');
    expect(errors[3]).toContain('quantity');
    expect(errors[4]).toContain('no order being built');
    expect(errors[5]).toContain('no order being built');
    expect(await stack.db.selectFrom('order_items').selectAll().execute()).toEqual([]);
  });
});
