// The wire of the operator's API (`/api/admin/*`, the ADMIN_TOKEN). Types only.

/** A tenant as the operator sees it; `GET /api/admin/tenants[/:id]`, `POST` (with `adminToken`), `PATCH`. */
export interface TenantView {
  id: string;
  name: string;
  /** IANA time zone its days and hours are kept in. */
  timezone: string;
  /** The numbers it answers (E.164; one number serves SMS, WhatsApp and calls). */
  numbers: string[];
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
  persona: { assistantName?: string; tone?: string; profile?: string; instructions?: string; template?: string };
  /** Every text the service sends, in the tenant's words where it set them (`own`), the default otherwise. */
  texts: Record<string, { text: string; own: boolean }>;
  numbers: string[];
}
