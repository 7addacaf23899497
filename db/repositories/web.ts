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

/**
 * Opens a chat session for a visitor: the one `visitorSecret` names (their history stays with them), or a new one.
 * Tokens and secrets are stored hashed.
 */
export async function openSession(
  db: Kysely<Database>,
  options: { tenantId: string; visitorSecret?: string; name?: string; email?: string },
): Promise<OpenedSession> {
  return db.transaction().execute(async (trx) => {
    let visitor = options.visitorSecret
      ? await trx
          .selectFrom('web_visitors')
          .selectAll()
          .where('secret_hash', '=', hashToken(options.visitorSecret))
          .where('tenant_id', '=', options.tenantId)
          .executeTakeFirst()
      : undefined;
    let visitorSecret = options.visitorSecret ?? '';
    if (!visitor) {
      visitorSecret = secret('wv_');
      visitor = await trx
        .insertInto('web_visitors')
        .values({
          id: `v${randomBytes(12).toString('hex')}`,
          tenant_id: options.tenantId,
          secret_hash: hashToken(visitorSecret),
          name: options.name ?? null,
          email: options.email ?? null,
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

/**
 * The session a bearer token opens, if it was used within `idleMs`; using it keeps it alive. A session left idle
 * longer is over (the visitor opens a new one and keeps their history).
 */
export async function sessionForToken(db: Kysely<Database>, token: string, idleMs: number): Promise<WebSession | undefined> {
  return db
    .updateTable('web_sessions')
    .set({ last_active_at: sql`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('last_active_at', '>', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`)
    .returningAll()
    .executeTakeFirst();
}
