import { createRoute, z } from '@hono/zod-openapi';
import type { AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, pathId, text, withJsonBody } from '../openapi';
import { serviceTexts, tenantNumber } from '../tenant-fields';
import { projectViewSchema, type ProjectView } from '../protocol/admin-api';
import { tenantTools } from '../../activities/tools/registry';
import { createProject, getProject, listProjects, ProjectNameTaken, updateProject, type ProjectFields } from '../../db/repositories/projects';
import { numbersOfTenant } from '../../db/repositories/tenant-admin';
import type { Project } from '../../db/schema';

const fields = {
  promptAddition: z.string().trim().max(4000),
  senderNumber: tenantNumber.nullable(),
  tools: z.array(z.string().min(1).max(64)).max(100).nullable(),
  texts: serviceTexts,
};
const newProject = z.object({ name: text(200), ...z.object(fields).partial().shape }).strict();
const projectChange = z.object({ name: text(200), ...fields }).partial().strict();

export function projectView(project: Project): ProjectView {
  return {
    id: project.id,
    name: project.name,
    promptAddition: project.prompt_addition,
    senderNumber: project.sender_number,
    tools: project.tools,
    texts: project.texts,
    createdAt: project.created_at.toISOString(),
    updatedAt: project.updated_at.toISOString(),
  };
}

/**
 * `/api/settings/projects`, for a tenant's admins: its projects (a campaign, a product line, a brand), each with what
 * the assistant is told on top of the tenant's prompt, the tools it may use (null: all), the number its outreach goes
 * from (one of the tenant's) and its own texts.
 */
export function projectRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();

  /** What was given, checked against the tenant: its numbers, its tools; texts merged over what the project had. */
  async function checked(tenantId: string, given: z.infer<typeof projectChange>, before?: Project): Promise<ProjectFields> {
    if (given.senderNumber && !(await numbersOfTenant(db, tenantId)).includes(given.senderNumber)) {
      throw new HttpError(422, 'sender_not_yours', `${given.senderNumber} is not one of the tenant's numbers (POST /api/settings/numbers adds it)`);
    }
    if (given.tools) {
      const known = new Set((await tenantTools(db, tenantId)).map((tool) => tool.name));
      const unknown = given.tools.filter((name) => !known.has(name));
      if (unknown.length > 0) throw new HttpError(422, 'unknown_tool', `no tool named ${unknown.join(', ')}; the tenant's tools: ${[...known].join(', ')}`);
    }
    const texts = given.texts && Object.fromEntries(Object.entries({ ...before?.texts, ...given.texts }).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
    return { ...given, texts };
  }

  const named = async <T>(work: () => Promise<T>) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProjectNameTaken) throw new HttpError(409, 'project_name_taken', error.message);
      throw error;
    }
  };

  const tags = ['Settings'];
  const projectAnswer = z.object({ project: projectViewSchema });
  const idParam = z.object({ id: pathId(64).openapi({ param: { name: 'id', in: 'path' }, example: 'prj_3f9a1c2b4d5e6f70' }) });

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: "The tenant's projects", tags, security: agentSecurity, responses: { 200: jsonAnswer(z.object({ projects: z.array(projectViewSchema) }), 'Its projects, oldest first.'), ...errorAnswers(401, 403) } }),
    async (c) => c.json({ projects: (await listProjects(db, c.get('agent').tenant_id)).map(projectView) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Add a project',
      tags,
      security: agentSecurity,
      ...withJsonBody(newProject),
      responses: { 201: jsonAnswer(projectAnswer, 'The project.'), ...errorAnswers(400, 401, 403, 409, 415, 422) },
    }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const body = c.req.valid('json');
      const project = await named(async () => createProject(db, tenantId, { ...(await checked(tenantId, body)), name: body.name }));
      return c.json({ project: projectView(project) }, 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/{id}', summary: 'One project', tags, security: agentSecurity, request: { params: idParam }, responses: { 200: jsonAnswer(projectAnswer, 'The project.'), ...errorAnswers(400, 401, 403, 404) } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const project = await getProject(db, c.get('agent').tenant_id, id);
      if (!project) throw new HttpError(404, 'not_found', `no project ${id}`);
      return c.json({ project: projectView(project) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      summary: 'Change a project',
      description: 'What is given changes; `texts` merge (`null`: back to the tenant\'s).',
      tags,
      security: agentSecurity,
      ...withJsonBody(projectChange, { params: idParam }),
      responses: { 200: jsonAnswer(projectAnswer, 'The project as changed.'), ...errorAnswers(400, 401, 403, 404, 409, 415, 422) },
    }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const { id } = c.req.valid('param');
      const before = await getProject(db, tenantId, id);
      if (!before) throw new HttpError(404, 'not_found', `no project ${id}`);
      const project = await named(async () => updateProject(db, tenantId, before.id, await checked(tenantId, c.req.valid('json'), before)));
      return c.json({ project: projectView(project ?? before) }, 200);
    },
  );

  return app;
}
