// The wire of the operator's API (`/api/admin/*`, the ADMIN_TOKEN). Types only.

/** A tenant as the operator sees it; `GET /api/admin/tenants[/:id]`, `POST` (with `adminToken`), `PATCH`. */
export interface TenantView {
  id: string;
  name: string;
  /** IANA time zone its days and hours are kept in. */
  timezone: string;
  /** The numbers it answers (E.164; one number serves SMS, WhatsApp and calls). */
  numbers: string[];
  /**
   * Its own Twilio account (sends, calls and webhook signatures), or `own: false`: the deployment's. The auth token
   * is given in `POST`/`PATCH` `twilio: { accountSid, authToken }` and never returned.
   */
  twilio: { accountSid: string | null; own: boolean };
  /** Its chat widget: the key a site's script tag carries, and the sites allowed to use it (none listed: any). */
  widget: { key: string; allowedOrigins: string[] };
  createdAt: string;
  deletedAt: string | null;
}

/** `GET/PATCH /api/settings`: a tenant's own settings, as its admin agents see them. */
export interface TenantSettingsView {
  tenantId: string;
  name: string;
  timezone: string;
  /**
   * Who the assistant answers on SMS and WhatsApp: `open` (anyone), or `known_only` (people the business has written
   * to; anyone else is recorded, listed and answered once a day with the `unknownSender` text, never by the model).
   */
  inboundPolicy: 'open' | 'known_only';
  persona: { assistantName?: string; tone?: string; profile?: string; instructions?: string; template?: string };
  /** Every text the service sends, in the tenant's words where it set them (`own`), the default otherwise. */
  texts: Record<string, { text: string; own: boolean }>;
  numbers: string[];
}

/** `/api/settings/projects`: a tenant's project (a campaign, a product line, a brand). */
export interface ProjectView {
  id: string;
  name: string;
  /** Told to the assistant on top of the tenant's prompt in the project's conversations. */
  promptAddition: string;
  /** The number its outreach is sent from (one of the tenant's); null: the tenant's first. */
  senderNumber: string | null;
  /** The tools the assistant may use in its conversations; null: all the tenant's. */
  tools: string[] | null;
  /** Its own wording of the service's texts, over the tenant's. */
  texts: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}
