import type { Kysely } from 'kysely';
import type { Twilio } from 'twilio';
import { createTwilioClient } from './clients';
import type { Config } from '../config';
import { twilioAccountOf } from '../db/repositories/tenant-credentials';
import type { Database } from '../db/schema';

interface Account {
  client: Twilio;
  /** What Twilio signs the account's webhooks with. */
  authToken: string;
}

/**
 * Each tenant's Twilio account: its own (Account SID and sealed auth token, `PATCH /api/admin/tenants/:id`), or the
 * deployment's (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN). Read again after `keepMs`, so a changed token is used within
 * that time by every process; the process that changed it forgets at once.
 */
export class TwilioAccounts {
  private readonly deployment: Account;
  private readonly kept = new Map<string, { until: number; account: Promise<Account> }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: Config,
    private readonly keepMs = 60_000,
  ) {
    this.deployment = { client: createTwilioClient(config), authToken: config.TWILIO_AUTH_TOKEN ?? '' };
  }

  /** The REST client the tenant's sends, calls and template reads go through. Throws SecretUnreadable. */
  async client(tenantId: string): Promise<Twilio> {
    return (await this.account(tenantId)).client;
  }

  /** The token the tenant's webhooks are signed with; the deployment's for a number no tenant answers (null). */
  async authToken(tenantId: string | null): Promise<string> {
    return tenantId ? (await this.account(tenantId)).authToken : this.deployment.authToken;
  }

  forget(tenantId: string): void {
    this.kept.delete(tenantId);
  }

  private account(tenantId: string): Promise<Account> {
    const hit = this.kept.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.account;
    const account = this.read(tenantId);
    if (this.kept.size > 10_000) this.kept.clear();
    this.kept.set(tenantId, { until: Date.now() + this.keepMs, account });
    account.catch(() => this.kept.delete(tenantId));
    return account;
  }

  private async read(tenantId: string): Promise<Account> {
    const own = await twilioAccountOf(this.db, this.config.SECRETS_KEY, tenantId);
    if (!own) return this.deployment;
    return { client: createTwilioClient(this.config, own), authToken: own.authToken };
  }
}
