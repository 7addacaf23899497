import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath } from '../../worker/conversation-worker';
import { historiesDir } from '../support/histories';

/**
 * Conversations live for weeks, so the workflow code that runs them changes under live runs. Every history recorded
 * from the tests (`npm run histories:record`) must replay against today's code: a change that would make a live run
 * take another path fails here, not in production. See the README's "Changing the workflow safely".
 */
const required = [
  'burst',
  'tool-round',
  'tool-registry-round',
  'write-tool-round',
  'approval-approved',
  'handoff-claimed-replied-resolved',
  'handoff-escalated',
  'handoff-continued-as-new',
  'continued-as-new',
  'idle-completed',
  'idle-closed',
  'taken-over-given-back',
  'draft',
  'stop-start',
  'call-two-turns',
  'call-interrupted',
  'call-transferred',
  'call-talked-over-early',
  'web-buttons',
  'web-handoff',
  'web-phone-linked',
  'web-superseded',
  'knowledge-ingest',
  'replay',
  'unknown-sender',
  'campaign',
];

const files = readdirSync(historiesDir).filter((file) => file.endsWith('.json'));

describe('recorded conversation histories', () => {
  it('cover every shape of conversation that live runs have', () => {
    expect(files.map((file) => file.replace(/\.json$/, ''))).toEqual(expect.arrayContaining(required));
  });

  it('replay against the current workflow code', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(file, historiesDir), 'utf8'))),
    }));
    // A determinism error is what this test reports; the SDK's own warnings about it would only repeat it.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
    const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: silent });
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'conversation-histories' }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
