// What the API and the campaign workflow share: its input, and the updates and query it answers.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CampaignStatus } from '../db/schema';

export interface CampaignInput {
  campaignId: string;
  /** When the first message goes (ISO); now or past: at once. */
  sendAt: string;
  /** Carried across continue-as-new: where sending goes on, and whether it was paused. */
  from?: number;
  paused?: boolean;
}

/** Pause, resume, cancel: each answers the status it leaves the campaign in. */
export const pauseCampaignUpdate = defineUpdate<CampaignStatus>('pause');
export const resumeCampaignUpdate = defineUpdate<CampaignStatus>('resume');
export const cancelCampaignUpdate = defineUpdate<CampaignStatus>('cancel');
export const campaignStatusQuery = defineQuery<CampaignStatus>('status');
