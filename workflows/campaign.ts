import { condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CampaignStatus } from '../db/schema';
import { campaignStatusQuery, cancelCampaignUpdate, pauseCampaignUpdate, resumeCampaignUpdate, type CampaignInput } from './campaign-definitions';

const { sendCampaignSlice } = proxyActivities<Activities>({
  // At most two seconds of sending, paced; it heartbeats the position it reached, so a lost worker's slice goes on
  // from there on another within seconds, and the outbox keeps anyone from getting the message twice.
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { campaignStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * An outbound campaign (`POST /api/campaigns`): waits for its time, then writes to its audience in slices paced to
 * its rate, between which it can be paused, resumed or cancelled. Its status is recorded for the API at each change
 * and shown in the Temporal UI; a long audience continues as new with its position.
 */
export async function campaignWorkflow(input: CampaignInput): Promise<CampaignStatus> {
  let paused = input.paused ?? false;
  let cancelled = false;
  let status: CampaignStatus = 'scheduled';
  const show = async (next: CampaignStatus) => {
    if (next === status && next !== 'scheduled') return;
    status = next;
    setCurrentDetails(`campaign ${input.campaignId}: ${next}`);
    await campaignStatus({ campaignId: input.campaignId, status: next });
  };
  // What the campaign is doing as the caller sees it: a pause or cancel asked for counts at once.
  const live = (): CampaignStatus => (cancelled ? 'cancelled' : paused ? 'paused' : status === 'paused' ? 'running' : status);
  setHandler(campaignStatusQuery, () => live());
  setHandler(pauseCampaignUpdate, () => {
    if (!cancelled && status !== 'done') paused = true;
    return live();
  });
  setHandler(resumeCampaignUpdate, () => {
    paused = false;
    return live();
  });
  setHandler(cancelCampaignUpdate, () => {
    if (status !== 'done') cancelled = true;
    return live();
  });

  if (input.from === undefined) {
    await show('scheduled');
    const wait = Date.parse(input.sendAt) - Date.now();
    if (wait > 0) await condition(() => cancelled, wait);
  }
  let from: number | null = input.from ?? 0;
  while (from !== null && !cancelled) {
    if (paused) {
      await show('paused');
      await condition(() => !paused || cancelled);
      continue;
    }
    await show('running');
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof campaignWorkflow>({ ...input, from, paused });
    }
    ({ next: from } = await sendCampaignSlice({ campaignId: input.campaignId, from }));
  }
  await show(cancelled ? 'cancelled' : 'done');
  return status;
}
