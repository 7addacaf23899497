import { Hono } from 'hono';
import { z } from 'zod';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import type { ToolList, ToolView } from '../protocol/agent-api';
import { argumentSchemaProblem, httpToolName } from '../../activities/tools/http-tool';
import { isBuiltInTool, isEnabled, modelTool, tenantTool, tenantTools } from '../../activities/tools/registry';
import type { ToolDefinition } from '../../activities/tools/tool';
import { namesPrivateHost } from '../../activities/tools/public-address';
import { addHttpTool, removeHttpTool } from '../../db/repositories/http-tools';
import { setToolEnabled, toolSwitches } from '../../db/repositories/tools';

const switchBody = z.object({ enabled: z.boolean() });

const declareBody = z.object({
  name: z.string().regex(httpToolName, 'lower case letters, digits and _, starting with a letter, at most 64'),
  description: z.string().trim().min(1).max(1000),
  url: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000),
  method: z.enum(['GET', 'POST']),
  parameters: z.record(z.string(), z.unknown()),
  effect: z.enum(['read', 'write']),
  approval: z.boolean().default(false),
  secret: z.string().min(16, 'at least 16 characters').max(200),
});

function view(tool: ToolDefinition, enabled: boolean): ToolView {
  return {
    name: tool.name,
    description: tool.description,
    kind: tool.kind,
    pack: tool.pack,
    approval: tool.approval ?? false,
    channels: tool.channels ? [...tool.channels] : null,
    enabled,
    parameters: modelTool(tool).function.parameters,
  };
}

/** The tools the assistant has; for admins, turning them on or off and declaring the company's own APIs as tools. */
export function toolRoutes({ db, config }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const [tools, switches] = await Promise.all([tenantTools(db, tenantId), toolSwitches(db, tenantId)]);
    return c.json({ tools: tools.map((tool) => view(tool, isEnabled(tool, switches))) } satisfies ToolList);
  });

  app.post('/', requireAdmin, jsonBody(declareBody), async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const tool = c.req.valid('json');
    if (isBuiltInTool(tool.name)) throw new HttpError(409, 'tool_exists', `${tool.name} is one of the service's own tools`);
    if (tool.approval && tool.effect === 'read') throw new HttpError(400, 'invalid_body', 'approval: only a write tool waits for approval');
    const problem = argumentSchemaProblem(tool.parameters);
    if (problem) throw new HttpError(400, 'invalid_body', problem);
    if (!config.TOOLS_ALLOW_PRIVATE_URLS && namesPrivateHost(tool.url)) {
      throw new HttpError(400, 'invalid_body', 'url: a loopback or private address (set TOOLS_ALLOW_PRIVATE_URLS=true to allow it)');
    }
    if (!(await addHttpTool(db, { tenant_id: tenantId, ...tool }))) throw new HttpError(409, 'tool_exists', `the tenant has a tool named ${tool.name}`);
    const added = await tenantTool(db, tenantId, tool.name);
    return c.json(view(added as ToolDefinition, true), 201);
  });

  app.delete('/:name', requireAdmin, async (c) => {
    const name = c.req.param('name');
    if (isBuiltInTool(name)) throw new HttpError(409, 'built_in_tool', `${name} is one of the service's own tools: turn it off instead`);
    if (!(await removeHttpTool(db, c.get('agent').tenant_id, name))) throw new HttpError(404, 'not_found', `no tool ${name}`);
    return c.body(null, 204);
  });

  app.patch('/:name', requireAdmin, jsonBody(switchBody), async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const tool = await tenantTool(db, tenantId, c.req.param('name'));
    if (!tool) throw new HttpError(404, 'not_found', `no tool ${c.req.param('name')}`);
    const { enabled } = c.req.valid('json');
    await setToolEnabled(db, tenantId, tool.name, enabled);
    return c.json(view(tool, enabled));
  });

  return app;
}
