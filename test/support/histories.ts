import { mkdirSync, writeFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';

/** Where the recorded conversation histories live; `test/replay/replay.test.ts` replays every one. */
export const historiesDir = new URL('../replay/histories/', import.meta.url);

/**
 * With RECORD_HISTORIES=1 (`npm run histories:record`), writes the history of `handle` as `<name>.json` for the replay
 * test; with RECORD_HISTORIES=<name>,<name>, only those (a new shape recorded without touching the others);
 * otherwise does nothing. Called by the tests whose runs are worth keeping: each is a shape of conversation that
 * live runs have, and that a change to the workflow code must still replay.
 */
export async function keepHistory(name: string, handle: Pick<WorkflowHandle, 'fetchHistory'>): Promise<void> {
  const wanted = process.env.RECORD_HISTORIES ?? '';
  if (wanted !== '1' && !wanted.split(',').includes(name)) return;
  mkdirSync(historiesDir, { recursive: true });
  const history = await handle.fetchHistory();
  // The protobuf message's own JSON (64-bit numbers as strings, enums by name, bytes in base64), which
  // History.fromObject reads back.
  writeFileSync(new URL(`${name}.json`, historiesDir), `${JSON.stringify(history, null, 1)}\n`);
}
