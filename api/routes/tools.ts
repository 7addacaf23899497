import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, pathId, text, withJsonBody } from '../openapi';
import type { ToolList, ToolView } from '../protocol/agent-api';
import { toolListSchema, toolViewSchema } from '../protocol/agent-schemas';
import { callableUrl, httpUrlField } from '../tenant-fields';
import { argumentSchemaProblem, httpToolName } from '../../activities/tools/http-tool';
import { isBuiltInTool, isEnabled, modelTool, tenantTool, tenantTools } from '../../activities/tools/registry';
import type { ToolDefinition } from '../../activities/tools/tool';
import { addHttpTool, removeHttpTool } from '../../db/repositories/http-tools';
import { setToolEnabled, toolSwitches } from '../../db/repositories/tools';

const switchBody = z.object({ enabled: z.boolean() }).strict();

const declareBody = z
  .object({
    name: z.string().regex(httpToolName, 'lower case letters, digits and _, starting with a letter, at most 64'),
    description: text(1000),
    url: httpUrlField,
    method: z.enum(['GET', 'POST']),
    parameters: z.record(z.string(), z.unknown()).openapi({ description: "The JSON schema of the tool's arguments (an object schema)." }),
    effect: z.enum(['read', 'write']),
    approval: z.boolean().default(false).openapi({ description: 'A write tool that waits for a person to approve each call.' }),
    secret: z.string().min(16, 'at least 16 characters').max(200).openapi({ description: 'Signs each call (HMAC); never shown again.' }),
  })
  .strict();
const nameParam = z.object({ name: pathId(64).openapi({ param: { name: 'name', in: 'path' } }) });
const tags = ['Actions'];

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
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: "The assistant's tools", tags, security: agentSecurity, responses: { 200: jsonAnswer(toolListSchema, 'Its tools, on or off.'), ...errorAnswers(401) } }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const [tools, switches] = await Promise.all([tenantTools(db, tenantId), toolSwitches(db, tenantId)]);
      return c.json({ tools: tools.map((tool) => view(tool, isEnabled(tool, switches))) } satisfies ToolList, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: "Declare the company's API as a tool (admins)",
      description: 'Called with the arguments the model gives, signed with the secret, with one Idempotency-Key across its retries.',
      tags,
      security: agentSecurity,
      ...withJsonBody(declareBody, undefined, [requireAdmin]),
      responses: { 201: jsonAnswer(toolViewSchema, 'The tool, on.'), ...errorAnswers(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const tool = c.req.valid('json');
      if (isBuiltInTool(tool.name)) throw new HttpError(409, 'tool_exists', `${tool.name} is one of the service's own tools`);
      if (tool.approval && tool.effect === 'read') throw new HttpError(422, 'approval_for_read', 'approval: only a write tool waits for approval');
      const problem = argumentSchemaProblem(tool.parameters);
      if (problem) throw new HttpError(422, 'invalid_parameters', problem);
      callableUrl('url', tool.url, config.TOOLS_ALLOW_PRIVATE_URLS);
      if (!(await addHttpTool(db, config.SECRETS_KEY, { tenant_id: tenantId, ...tool }))) throw new HttpError(409, 'tool_exists', `the tenant has a tool named ${tool.name}`);
      const added = await tenantTool(db, tenantId, tool.name);
      return c.json(view(added as ToolDefinition, true), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{name}',
      summary: "Remove a tool the company declared (admins)",
      tags,
      security: agentSecurity,
      middleware: requireAdmin,
      request: { params: nameParam },
      responses: { 204: { description: 'Removed.' }, ...errorAnswers(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      if (isBuiltInTool(name)) throw new HttpError(409, 'built_in_tool', `${name} is one of the service's own tools: turn it off instead`);
      if (!(await removeHttpTool(db, c.get('agent').tenant_id, name))) throw new HttpError(404, 'not_found', `no tool ${name}`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{name}',
      summary: 'Turn a tool on or off (admins)',
      tags,
      security: agentSecurity,
      ...withJsonBody(switchBody, { params: nameParam }, [requireAdmin]),
      responses: { 200: jsonAnswer(toolViewSchema, 'The tool.'), ...errorAnswers(400, 401, 403, 404, 415) },
    }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const tool = await tenantTool(db, tenantId, c.req.valid('param').name);
      if (!tool) throw new HttpError(404, 'not_found', `no tool ${c.req.valid('param').name}`);
      const { enabled } = c.req.valid('json');
      await setToolEnabled(db, tenantId, tool.name, enabled);
      return c.json(view(tool, enabled), 200);
    },
  );

  return app;
}
