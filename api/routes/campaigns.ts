import { WorkflowNotFoundError } from '@temporalio/client';
import { createRoute, z } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import { parseAddress } from '../contacts';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, pathId, text, withJsonBody } from '../openapi';
import { campaignViewSchema, type CampaignView } from '../protocol/campaigns';
import { approvedTemplates } from '../whatsapp-templates';
import { campaignCounts, createCampaign, getCampaign, listCampaigns, setCampaignStatus, type NewRecipient } from '../../db/repositories/campaigns';
import { getProject } from '../../db/repositories/projects';
import { numbersOfTenant } from '../../db/repositories/tenant-admin';
import type { Campaign, CampaignMessage } from '../../db/schema';
import type { campaignWorkflow } from '../../workflows/campaign';
import { cancelCampaignUpdate, pauseCampaignUpdate, resumeCampaignUpdate } from '../../workflows/campaign-definitions';

/** A template's placeholders by number (`{{1}}`: "1"). */
const variables = z
  .record(z.string().regex(/^\d{1,2}$/, 'placeholders are numbered: "1", "2"…'), z.string().max(500))
  .openapi({ propertyNames: { pattern: '^\\d{1,2}$' } } as object);
const person = z
  .object({
    phone: z.string().max(64).openapi({ description: 'E.164 or any way of writing a number; one that is not a number is skipped (`invalid`), one given twice too (`duplicate`).' }),
    name: z.string().trim().max(200).optional(),
    variables: variables.optional().openapi({ description: "This person's placeholders, over the campaign's." }),
  })
  .strict();
const template = z.object({ contentSid: z.string().regex(/^HX[0-9a-f]{32}$/, 'a Content API template id (HX…)'), variables: variables.default({}) }).strict();
const common = {
  project: z.string().min(1).max(64).openapi({ description: "The project's id (`GET /api/settings/projects`)." }),
  audience: z.array(person).min(1).max(10_000),
  sendAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When to start; now when left out.' }),
  ratePerSecond: z.number().min(0.1).max(100).default(1).openapi({ description: 'Messages a second (1: a long code\'s pace).' }),
};
/** WhatsApp writes first only as an approved template; SMS as a template or a text. */
const newCampaign = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('whatsapp'), template, ...common }).strict(),
  z.object({ channel: z.literal('sms'), template: z.union([template, z.object({ body: text(1600) }).strict()]), ...common }).strict(),
]);
const idParam = z.object({ id: pathId(64).openapi({ param: { name: 'id', in: 'path' }, example: 'cmp_3f9a1c2b4d5e6f70' }) });
const tags = ['Campaigns'];

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
  const app = declaredRoutes<AgentEnv>();
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
  async function messageOf(tenantId: string, given: z.infer<typeof newCampaign>['template']): Promise<CampaignMessage> {
    if ('body' in given) return { body: given.body };
    const template = (await approvedTemplates(await twilioAccounts.client(tenantId))).find((t) => t.sid === given.contentSid);
    if (!template) throw new HttpError(422, 'template_not_approved', `${given.contentSid} is not a WhatsApp template approved for this account`);
    return { contentSid: template.sid, variables: given.variables, body: template.body };
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Start a campaign',
      description:
        "A project's first message to a list of people, run by the `campaign:<id>` workflow: paced to `ratePerSecond`, each person written to once through the outbox, opt-outs skipped when their turn comes.",
      tags,
      security: agentSecurity,
      ...withJsonBody(newCampaign),
      responses: { 201: jsonAnswer(z.object({ campaign: campaignViewSchema }), 'The campaign, as it starts.'), ...errorAnswers(400, 401, 409, 413, 415, 422, 503) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const body = c.req.valid('json');
      const project = await getProject(db, agent.tenant_id, body.project);
      if (!project) throw new HttpError(422, 'unknown_project', `no project ${body.project} (GET /api/settings/projects)`);
      const numbers = await numbersOfTenant(db, agent.tenant_id);
      const sender = project.sender_number ?? numbers[0];
      if (!sender) throw new HttpError(409, 'no_sender', 'the project has no sender number and the tenant has no numbers');
      if (!numbers.includes(sender)) throw new HttpError(409, 'sender_not_yours', `the project's number ${sender} is no longer one of the tenant's (PATCH /api/settings/projects/${project.id})`);
      const message = await messageOf(agent.tenant_id, body.template);
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
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: "The tenant's campaigns", description: 'The newest 100.', tags, security: agentSecurity, responses: { 200: jsonAnswer(z.object({ campaigns: z.array(campaignViewSchema) }), 'Newest first.'), ...errorAnswers(401) } }),
    async (c) => {
      const campaigns = await listCampaigns(db, c.get('agent').tenant_id, 100);
      return c.json({ campaigns: await Promise.all(campaigns.map(view)) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/{id}', summary: 'One campaign, with its counts', tags, security: agentSecurity, request: { params: idParam }, responses: { 200: jsonAnswer(z.object({ campaign: campaignViewSchema }), 'The campaign.'), ...errorAnswers(400, 401, 404) } }),
    async (c) => c.json({ campaign: await view(await own(c.get('agent').tenant_id, c.req.valid('param').id)) }, 200),
  );

  for (const [action, update, summary] of [
    ['pause', pauseCampaignUpdate, 'Pause a campaign (between two slices)'],
    ['resume', resumeCampaignUpdate, 'Resume a paused campaign'],
    ['cancel', cancelCampaignUpdate, 'Cancel a campaign: no one more is written to'],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/{id}/${action}`,
        summary,
        tags,
        security: agentSecurity,
        request: { params: idParam },
        responses: { 200: jsonAnswer(z.object({ campaign: campaignViewSchema }), 'The campaign, its status as the workflow now has it.'), ...errorAnswers(400, 401, 404, 409) },
      }),
      async (c) => {
        const campaign = await own(c.get('agent').tenant_id, c.req.valid('param').id);
        try {
          const status = await temporal.workflow.getHandle(campaignWorkflowId(campaign.id)).executeUpdate(update);
          return c.json({ campaign: { ...(await view(campaign)), status } }, 200);
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError) && !/already completed|not found/i.test((error as Error).message)) throw error;
          throw new HttpError(409, 'campaign_over', `campaign ${campaign.id} is ${campaign.status}: nothing to ${action}`);
        }
      },
    );
  }

  return app;
}
