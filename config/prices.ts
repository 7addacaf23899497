/** US dollars per million tokens, prompt and completion. */
export interface ModelPrice {
  prompt: number;
  completion: number;
}

export type PriceTable = Record<string, ModelPrice>;

/**
 * List prices of common models (per million tokens); LLM_PRICES adds or overrides entries. A model missing here
 * costs 0 in the usage figures, and its tokens still count.
 */
export const defaultPrices: PriceTable = {
  'gpt-4o-mini': { prompt: 0.15, completion: 0.6 },
  'gpt-4o': { prompt: 2.5, completion: 10 },
  'gpt-4.1': { prompt: 2, completion: 8 },
  'gpt-4.1-mini': { prompt: 0.4, completion: 1.6 },
  'gpt-4.1-nano': { prompt: 0.1, completion: 0.4 },
  'o4-mini': { prompt: 1.1, completion: 4.4 },
};

/** The price of a call, in dollars; 0 for a model the table does not know. */
export function costOf(prices: PriceTable, model: string, tokens: { prompt: number; completion: number }): number {
  const price = prices[model];
  if (!price) return 0;
  return (tokens.prompt * price.prompt + tokens.completion * price.completion) / 1_000_000;
}
