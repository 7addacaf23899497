import { ActivityCancellationType, CancellationScope, condition, continueAsNew, isCancellation, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CampaignStatus } from '../db/schema';
import { campaignStatusQuery, cancelCampaignUpdate, pauseCampaignUpdate, resumeCampaignUpdate, type CampaignInput } from './campaign-definitions';

const { sendCampaignSlice } = proxyActivities<Activities>({
  // At most two seconds of sending, paced; it heartbeats the position it reached, so a lost worker's slice goes on
  // from there on another within seconds, and the outbox keeps anyone from getting the message twice.
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  // A slice stopped by a pause or cancel is waited for, so the next one never runs beside it.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
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
  /** The slice being sent: a pause or cancel stops it at once (its activity is cancelled), rather than after it. */
  let slice: CancellationScope | null = null;
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
    if (!cancelled && status !== 'done') {
      paused = true;
      slice?.cancel();
    }
    return live();
  });
  setHandler(resumeCampaignUpdate, () => {
    paused = false;
    return live();
  });
  setHandler(cancelCampaignUpdate, () => {
    if (status !== 'done') {
      cancelled = true;
      slice?.cancel();
    }
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
    // Paused or cancelled while that was recorded: not one more person.
    if (paused || cancelled) continue;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof campaignWorkflow>({ ...input, from, paused });
    }
    const scope = new CancellationScope();
    slice = scope;
    const startFrom: number = from;
    try {
      const result = await scope.run(() => sendCampaignSlice({ campaignId: input.campaignId, from: startFrom }));
      from = result.next;
      if (result.stopped) cancelled = true;
    } catch (error) {
      // Stopped by a pause or cancel: whoever was written to is recorded; the next slice goes on from the first who was not.
      if (!isCancellation(error)) throw error;
    } finally {
      slice = null;
    }
  }
  await show(cancelled ? 'cancelled' : 'done');
  return status;
}
