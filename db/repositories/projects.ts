import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, Project } from '../schema';

export interface ProjectFields {
  name?: string;
  promptAddition?: string;
  senderNumber?: string | null;
  tools?: string[] | null;
  texts?: Record<string, string>;
}

/** Another project of the tenant has that name. */
export class ProjectNameTaken extends Error {
  constructor(readonly projectName: string) {
    super(`the tenant has a project named ${projectName} already`);
    this.name = 'ProjectNameTaken';
  }
}

function columns(fields: ProjectFields) {
  return {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.promptAddition !== undefined ? { prompt_addition: fields.promptAddition } : {}),
    ...(fields.senderNumber !== undefined ? { sender_number: fields.senderNumber } : {}),
    ...(fields.tools !== undefined ? { tools: fields.tools } : {}),
    ...(fields.texts !== undefined ? { texts: JSON.stringify(fields.texts) } : {}),
  };
}

async function nameFree<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: string }).code === '23505' && name) throw new ProjectNameTaken(name);
    throw error;
  }
}

export async function createProject(db: Kysely<Database>, tenantId: string, fields: ProjectFields & { name: string }): Promise<Project> {
  return nameFree(fields.name, () =>
    db
      .insertInto('projects')
      .values({ id: `prj_${randomBytes(8).toString('hex')}`, tenant_id: tenantId, ...columns(fields), name: fields.name })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

export async function updateProject(db: Kysely<Database>, tenantId: string, id: string, fields: ProjectFields): Promise<Project | undefined> {
  return nameFree(fields.name, () =>
    db
      .updateTable('projects')
      .set({ ...columns(fields), updated_at: sql`now()` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst(),
  );
}

export async function listProjects(db: Kysely<Database>, tenantId: string): Promise<Project[]> {
  return db.selectFrom('projects').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
}

export async function getProject(db: Kysely<Database>, tenantId: string, id: string): Promise<Project | undefined> {
  return db.selectFrom('projects').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The project the conversation is in now, if any. */
export async function projectOfConversation(db: Kysely<Database>, conversationId: string): Promise<Project | undefined> {
  return db
    .selectFrom('conversations')
    .innerJoin('projects', 'projects.id', 'conversations.project_id')
    .selectAll('projects')
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
}
