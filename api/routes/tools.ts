import { Hono } from 'hono';
import { z } from 'zod';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import type { ToolList, ToolView } from '../protocol/agent-api';
import { isEnabled, modelTool, toolNamed, tools } from '../../activities/tools/registry';
import type { ToolDefinition } from '../../activities/tools/tool';
import { setToolEnabled, toolSwitches } from '../../db/repositories/tools';

const switchBody = z.object({ enabled: z.boolean() });

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

/** The tools the assistant has, and (for admins) turning them on or off for the tenant. */
export function toolRoutes({ db }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
    const switches = await toolSwitches(db, c.get('agent').tenant_id);
    return c.json({ tools: tools.map((tool) => view(tool, isEnabled(tool, switches))) } satisfies ToolList);
  });

  app.patch('/:name', requireAdmin, jsonBody(switchBody), async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const tool = toolNamed(c.req.param('name'));
    if (!tool) throw new HttpError(404, 'not_found', `no tool ${c.req.param('name')}`);
    const { enabled } = c.req.valid('json');
    await setToolEnabled(db, tenantId, tool.name, enabled);
    return c.json(view(tool, enabled));
  });

  return app;
}
