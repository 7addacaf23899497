import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

interface MinimalActivities {
  first(token: string): Promise<void>;
  second(token: string): Promise<void>;
}

const { first, second } = proxyActivities<MinimalActivities>({ startToCloseTimeout: '10 seconds' });

export const pokeSignal = defineSignal<[string]>('poke');

/** The orchestration floor: receive one signal, run two activities that do nothing of note, wait for the next. */
export async function minimalWorkflow(): Promise<void> {
  const tokens: string[] = [];
  setHandler(pokeSignal, (token) => void tokens.push(token));
  for (;;) {
    await condition(() => tokens.length > 0);
    const token = tokens.shift() ?? '';
    await first(token);
    await second(token);
  }
}
