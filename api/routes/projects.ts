import { Hono } from 'hono';
import { z } from 'zod';
import type { AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import { serviceTexts, tenantNumber } from '../tenant-fields';
import type { ProjectView } from '../protocol/admin-api';
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
const newProject = z.object({ name: z.string().trim().min(1).max(200), ...z.object(fields).partial().shape }).strict();
const projectChange = z.object({ name: z.string().trim().min(1).max(200), ...fields }).partial().strict();

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
  const app = new Hono<AgentEnv>();

  /** What was given, checked against the tenant: its numbers, its tools; texts merged over what the project had. */
  async function checked(tenantId: string, given: z.infer<typeof projectChange>, before?: Project): Promise<ProjectFields> {
    if (given.senderNumber && !(await numbersOfTenant(db, tenantId)).includes(given.senderNumber)) {
      throw new HttpError(400, 'sender_not_yours', `${given.senderNumber} is not one of the tenant's numbers (POST /api/settings/numbers adds it)`);
    }
    if (given.tools) {
      const known = new Set((await tenantTools(db, tenantId)).map((tool) => tool.name));
      const unknown = given.tools.filter((name) => !known.has(name));
      if (unknown.length > 0) throw new HttpError(400, 'unknown_tool', `no tool named ${unknown.join(', ')}; the tenant's tools: ${[...known].join(', ')}`);
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

  app.get('/', async (c) => c.json({ projects: (await listProjects(db, c.get('agent').tenant_id)).map(projectView) }));

  app.post('/', jsonBody(newProject), async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const body = c.req.valid('json');
    const project = await named(async () => createProject(db, tenantId, { ...(await checked(tenantId, body)), name: body.name }));
    return c.json({ project: projectView(project) }, 201);
  });

  app.get('/:id', async (c) => {
    const project = await getProject(db, c.get('agent').tenant_id, c.req.param('id'));
    if (!project) throw new HttpError(404, 'not_found', `no project ${c.req.param('id')}`);
    return c.json({ project: projectView(project) });
  });

  app.patch('/:id', jsonBody(projectChange), async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const before = await getProject(db, tenantId, c.req.param('id'));
    if (!before) throw new HttpError(404, 'not_found', `no project ${c.req.param('id')}`);
    const project = await named(async () => updateProject(db, tenantId, before.id, await checked(tenantId, c.req.valid('json'), before)));
    return c.json({ project: projectView(project ?? before) });
  });

  return app;
}
