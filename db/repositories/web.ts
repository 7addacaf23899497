import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { hashToken } from './agents';
import type { Database, WebSession, WebVisitor } from '../schema';

const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export async function tenantForWidgetKey(db: Kysely<Database>, widgetKey: string) {
  return db.selectFrom('tenants').select(['id', 'allowed_origins']).where('widget_key', '=', widgetKey).executeTakeFirst();
}

export interface OpenedSession {
  session: WebSession;
  visitor: WebVisitor;
  /** Shown once: the session's bearer token and (for a new visitor) the visitor's secret. */
  token: string;
  visitorSecret: string;
}

/** What a visitor says about themselves when a session opens (the host page may pass it); none of it is proved. */
export interface VisitorDetails {
  name?: string;
  email?: string;
  /** E.164. */
  phone?: string;
}

/**
 * Opens a chat session for a visitor: the one `visitorSecret` names (their history stays with them, and details given
 * now replace the ones they gave before), or a new one. Tokens and secrets are stored hashed.
 */
export async function openSession(
  db: Kysely<Database>,
  options: { tenantId: string; visitorSecret?: string; details?: VisitorDetails },
): Promise<OpenedSession> {
  const details = { name: options.details?.name, email: options.details?.email, phone: options.details?.phone };
  const given = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
  return db.transaction().execute(async (trx) => {
    const secretHash = options.visitorSecret ? hashToken(options.visitorSecret) : undefined;
    let visitor = !secretHash
      ? undefined
      : Object.keys(given).length > 0
        ? await trx.updateTable('web_visitors').set(given).where('secret_hash', '=', secretHash).where('tenant_id', '=', options.tenantId).returningAll().executeTakeFirst()
        : await trx.selectFrom('web_visitors').selectAll().where('secret_hash', '=', secretHash).where('tenant_id', '=', options.tenantId).executeTakeFirst();
    let visitorSecret = options.visitorSecret ?? '';
    if (!visitor) {
      visitorSecret = secret('wv_');
      visitor = await trx
        .insertInto('web_visitors')
        .values({
          id: `v${randomBytes(12).toString('hex')}`,
          tenant_id: options.tenantId,
          secret_hash: hashToken(visitorSecret),
          name: details.name ?? null,
          email: details.email ?? null,
          phone: details.phone ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const token = secret('wst_');
    const session = await trx
      .insertInto('web_sessions')
      .values({ id: `ws${randomBytes(12).toString('hex')}`, tenant_id: options.tenantId, visitor_id: visitor.id, token_hash: hashToken(token) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { session, visitor, token, visitorSecret };
  });
}

/** The web visitors whose chat is this conversation: its own visitor, or every one who proved its phone number. */
export async function visitorsOfConversation(db: Kysely<Database>, tenantId: string, contactKey: string): Promise<WebVisitor[]> {
  return db
    .selectFrom('web_visitors')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .$if(contactKey.startsWith('web:'), (q) => q.where('id', '=', contactKey.slice('web:'.length)))
    .$if(!contactKey.startsWith('web:'), (q) => q.where('linked_phone', '=', contactKey))
    .orderBy('created_at')
    .execute();
}

/** A session with what every request on it needs: the sites its tenant allows and the phone its visitor proved. */
export type OpenSession = WebSession & { allowed_origins: string[]; linked_phone: string | null };

/**
 * The session a bearer token opens, if it was used within `idleMs`; using it keeps it alive. A session left idle
 * longer is over (the visitor opens a new one and keeps their history). One statement: it runs on every chat request.
 */
export async function sessionForToken(db: Kysely<Database>, token: string, idleMs: number): Promise<OpenSession | undefined> {
  return db
    .updateTable('web_sessions as s')
    .from(['web_visitors as v', 'tenants as t'])
    .set({ last_active_at: sql`now()` })
    .whereRef('v.id', '=', 's.visitor_id')
    .whereRef('t.id', '=', 's.tenant_id')
    .where('s.token_hash', '=', hashToken(token))
    .where('s.last_active_at', '>', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`)
    .returningAll('s')
    .returning(['t.allowed_origins', 'v.linked_phone'])
    .executeTakeFirst();
}
