import type { CampaignView } from '../../protocol/campaigns';
import { api } from './agent-api';
import { el } from './create-element';
import { page } from './page';
import { state } from './state';

/** How often the list is read again: often while a campaign is under way, now and then otherwise (one made elsewhere). */
const underWayEveryMs = 3_000;
const idleEveryMs = 30_000;
const underWay = new Set<CampaignView['status']>(['scheduled', 'running', 'paused']);
let next: ReturnType<typeof setTimeout> | undefined;

/** The tenant's campaigns, newest first, with their progress; kept current while the agent is signed in. */
export async function loadCampaigns(): Promise<void> {
  clearTimeout(next);
  if (!state.token) return;
  let campaigns: CampaignView[] = [];
  try {
    ({ campaigns } = await api<{ campaigns: CampaignView[] }>('/api/campaigns'));
    page.campaigns.replaceChildren(...campaigns.map(item));
    page.campaignsEmpty.hidden = campaigns.length > 0;
    page.campaignsError.textContent = '';
  } catch (error) {
    page.campaignsError.textContent = `The campaigns could not be read: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (state.token) next = setTimeout(() => void loadCampaigns(), campaigns.some((c) => underWay.has(c.status)) ? underWayEveryMs : idleEveryMs);
}

/** Pause, resume or cancel: the workflow's answer is the campaign's status from then on. */
async function act(campaign: CampaignView, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
  page.campaignsError.textContent = '';
  try {
    await api(`/api/campaigns/${encodeURIComponent(campaign.id)}/${action}`, { method: 'POST' });
  } catch (error) {
    page.campaignsError.textContent = error instanceof Error ? error.message : String(error);
  }
  await loadCampaigns();
}

const statusWords: Record<CampaignView['status'], string> = {
  scheduled: 'scheduled',
  running: 'sending',
  paused: 'paused',
  cancelled: 'cancelled',
  done: 'done',
};

function item(campaign: CampaignView): HTMLLIElement {
  const { counts } = campaign;
  const skipped = counts.skipped.duplicate + counts.skipped.invalid + counts.skipped.opted_out;
  const toWrite = counts.audience - skipped - (campaign.status === 'cancelled' ? counts.queued : 0);
  const written = counts.sent + counts.failed;
  const when = campaign.status === 'scheduled' ? ` · starts ${new Date(campaign.sendAt).toLocaleString()}` : '';
  const buttons = [
    ...(campaign.status === 'running' || campaign.status === 'scheduled' ? [button(campaign, 'pause', 'Pause')] : []),
    ...(campaign.status === 'paused' ? [button(campaign, 'resume', 'Resume')] : []),
    ...(underWay.has(campaign.status) ? [button(campaign, 'cancel', 'Cancel')] : []),
  ];
  return el(
    'li',
    { class: 'campaign', 'data-testid': `campaign-${campaign.id}` },
    el('strong', {}, `${campaign.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} from ${campaign.sender}`),
    el('span', { class: `campaign-status ${campaign.status}` }, statusWords[campaign.status]),
    el('progress', { max: String(Math.max(toWrite, 1)), value: String(written), 'aria-label': `${written} of ${toWrite} written to` }),
    el(
      'p',
      { class: 'muted campaign-counts' },
      `${written} of ${toWrite} written to · ${counts.delivered} delivered · ${counts.failed} failed · ${counts.replied} replied${skipped ? ` · ${skipped} skipped (${counts.skipped.duplicate} repeated, ${counts.skipped.invalid} not numbers, ${counts.skipped.opted_out} opted out)` : ''}${when}`,
    ),
    ...(buttons.length ? [el('div', { class: 'campaign-actions' }, ...buttons)] : []),
  );
}

function button(campaign: CampaignView, action: 'pause' | 'resume' | 'cancel', label: string): HTMLButtonElement {
  return el('button', { type: 'button', 'aria-label': `${label} the campaign from ${campaign.sender}`, onclick: () => void act(campaign, action) }, label);
}
