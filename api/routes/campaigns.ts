import { WorkflowNotFoundError } from '@temporalio/client';
import { Hono } from 'hono';
import { z } from 'zod';
import { requireAgent, type AgentEnv } from '../auth';
import { parseAddress } from '../contacts';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import type { CampaignView } from '../protocol/agent-api';
import { approvedTemplates } from '../whatsapp-templates';
import { campaignCounts, createCampaign, getCampaign, listCampaigns, setCampaignStatus, type NewRecipient } from '../../db/repositories/campaigns';
import { getProject } from '../../db/repositories/projects';
import { numbersOfTenant } from '../../db/repositories/tenant-admin';
import type { Campaign, CampaignMessage } from '../../db/schema';
import type { campaignWorkflow } from '../../workflows/campaign';
import { cancelCampaignUpdate, pauseCampaignUpdate, resumeCampaignUpdate } from '../../workflows/campaign-definitions';

const variables = z.record(z.string().regex(/^\d{1,2}$/, 'placeholders are numbered: "1", "2"…'), z.string().max(500));
const person = z.object({ phone: z.string().max(64), name: z.string().trim().max(200).optional(), variables: variables.optional() }).strict();
const newCampaign = z
  .object({
    project: z.string().min(1).max(64),
    channel: z.enum(['sms', 'whatsapp']),
    template: z.union([
      z.object({ contentSid: z.string().regex(/^HX[0-9a-f]{32}$/, 'a Content API template id (HX…)'), variables: variables.default({}) }).strict(),
      z.object({ body: z.string().trim().min(1).max(1600) }).strict(),
    ]),
    audience: z.array(person).min(1).max(10_000),
    sendAt: z.iso.datetime({ offset: true }).optional(),
    ratePerSecond: z.number().min(0.1).max(100).default(1),
  })
  .strict();

export function campaignWorkflowId(campaignId: string): string {
  return `campaign:${campaignId}`;
}

/** The audience as the campaign keeps it: each number as E.164, a repeat of one (written any way) or a non-number skipped. */
function audienceOf(given: z.infer<typeof person>[]): NewRecipient[] {
  const seen = new Set<string>();
  return given.map((p) => {
    const parsed = parseAddress(p.phone.trim());
    const phone = parsed?.contactKey.startsWith('+') ? parsed.contactKey : null;
    const skipped = !phone ? 'invalid' : seen.has(phone) ? 'duplicate' : null;
    if (phone) seen.add(phone);
    return { given: p.phone, phone, name: p.name ?? null, variables: p.variables ?? {}, skipped };
  });
}

/**
 * `/api/campaigns`: a project's outreach to a list of people, run by a Temporal workflow (`campaign:<id>`): paced to
 * its rate, each message through the outbox once, pausable, resumable and cancellable; its progress counted from its
 * recipients and the messages they were sent as.
 */
export function campaignRoutes({ db, temporal, config, twilioAccounts }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  async function view(campaign: Campaign): Promise<CampaignView> {
    return {
      id: campaign.id,
      project: campaign.project_id,
      channel: campaign.channel,
      sender: campaign.sender,
      status: campaign.status,
      sendAt: campaign.send_at.toISOString(),
      ratePerSecond: campaign.rate_per_second,
      createdAt: campaign.created_at.toISOString(),
      finishedAt: campaign.finished_at?.toISOString() ?? null,
      counts: await campaignCounts(db, campaign.id),
    };
  }

  async function own(tenantId: string, id: string): Promise<Campaign> {
    const campaign = await getCampaign(db, tenantId, id);
    if (!campaign) throw new HttpError(404, 'not_found', `no campaign ${id}`);
    return campaign;
  }

  /** What the campaign sends: a text, or an approved template of the tenant's account with its text. */
  async function messageOf(tenantId: string, channel: 'sms' | 'whatsapp', given: z.infer<typeof newCampaign>['template']): Promise<CampaignMessage> {
    if ('body' in given) {
      if (channel === 'whatsapp') throw new HttpError(400, 'template_required', 'a WhatsApp campaign writes first, outside the 24-hour window: give an approved template (template.contentSid)');
      return { body: given.body };
    }
    const template = (await approvedTemplates(await twilioAccounts.client(tenantId))).find((t) => t.sid === given.contentSid);
    if (!template) throw new HttpError(422, 'template_not_approved', `${given.contentSid} is not a WhatsApp template approved for this account`);
    return { contentSid: template.sid, variables: given.variables, body: template.body };
  }

  app.post('/', jsonBody(newCampaign), async (c) => {
    const agent = c.get('agent');
    const body = c.req.valid('json');
    const project = await getProject(db, agent.tenant_id, body.project);
    if (!project) throw new HttpError(400, 'unknown_project', `no project ${body.project} (GET /api/settings/projects)`);
    const sender = project.sender_number ?? (await numbersOfTenant(db, agent.tenant_id))[0];
    if (!sender) throw new HttpError(400, 'no_sender', 'the project has no sender number and the tenant has no numbers');
    const message = await messageOf(agent.tenant_id, body.channel, body.template);
    const sendAt = body.sendAt ? new Date(body.sendAt) : new Date();
    const campaign = await createCampaign(
      db,
      { tenantId: agent.tenant_id, projectId: project.id, channel: body.channel, sender, message, ratePerSecond: body.ratePerSecond, sendAt, createdBy: agent.id },
      audienceOf(body.audience),
    );
    try {
      await temporal.workflow.start<typeof campaignWorkflow>('campaignWorkflow', {
        workflowId: campaignWorkflowId(campaign.id),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ campaignId: campaign.id, sendAt: sendAt.toISOString() }],
        memo: { tenantId: agent.tenant_id, project: project.name, audience: body.audience.length },
      });
    } catch (error) {
      // A campaign that never started sends nothing, and says so.
      await setCampaignStatus(db, campaign.id, 'cancelled');
      throw new HttpError(503, 'temporal_unavailable', `the campaign was not started: ${(error as Error).message}`);
    }
    return c.json({ campaign: await view(campaign) }, 201);
  });

  app.get('/', async (c) => {
    const campaigns = await listCampaigns(db, c.get('agent').tenant_id, 100);
    return c.json({ campaigns: await Promise.all(campaigns.map(view)) });
  });

  app.get('/:id', async (c) => c.json({ campaign: await view(await own(c.get('agent').tenant_id, c.req.param('id'))) }));

  for (const [action, update] of [
    ['pause', pauseCampaignUpdate],
    ['resume', resumeCampaignUpdate],
    ['cancel', cancelCampaignUpdate],
  ] as const) {
    app.post(`/:id/${action}`, async (c) => {
      const campaign = await own(c.get('agent').tenant_id, c.req.param('id'));
      try {
        const status = await temporal.workflow.getHandle(campaignWorkflowId(campaign.id)).executeUpdate(update);
        return c.json({ campaign: { ...(await view(campaign)), status } });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError) && !/already completed|not found/i.test((error as Error).message)) throw error;
        throw new HttpError(409, 'campaign_over', `campaign ${campaign.id} is ${campaign.status}: nothing to ${action}`);
      }
    });
  }

  return app;
}
