import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type InboundPolicy = 'open' | 'known_only';

/**
 * A tenant's own second model, for when the first is down. Its key is sealed in `tenant_secrets`
 * (`llm_fallback_api_key`) wherever SECRETS_KEY is set; `apiKey` holds it only where the service has no key.
 */
export interface TenantFallback {
  baseUrl: string;
  apiKey?: string;
  model: string;
}

/** A timestamp with a database default: optional on insert. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

interface TenantsTable {
  id: string;
  name: string;
  system_prompt: string;
  /** The tenant's own wording of the texts the service sends (`domain/texts.ts` keys); missing keys use defaults. */
  texts: ColumnType<Record<string, string>, string | undefined, string>;
  /** How calls sound: `language`, `voice` (the TTS voice), `transferTo` (where a call goes to reach a person). */
  voice: ColumnType<Record<string, string>, string | undefined, string>;
  /** The public key a site's chat widget uses to open sessions. */
  widget_key: Generated<string>;
  /** Sites (origins) the widget key works on; empty: any. */
  allowed_origins: ColumnType<string[], string[] | undefined, string[]>;
  /** The number the service texts from when the person has not written to one (a web visitor's code, say). */
  sender_number: string | null;
  /** Countries (ISO codes) a web visitor's code may be texted to; empty: the country of `sender_number`. */
  code_countries: ColumnType<string[], string[] | undefined, string[]>;
  /** How many codes the tenant's chats may have texted in an hour, all visitors together. */
  codes_per_hour: Generated<number>;
  /** The IANA time zone the business keeps its hours and bookings in. */
  time_zone: Generated<string>;
  /** Model tokens (prompt and completion) the tenant may use in a calendar month (its time zone); null: no limit. */
  monthly_token_budget: ColumnType<number | null, number | null | undefined, number | null>;
  /** The tenant's own fallback model (`TenantFallback`); null: the service's, if any. */
  llm_fallback: ColumnType<TenantFallback | null, string | null | undefined, string | null>;
  /** Who the assistant is for the tenant (`Persona`, as JSON). */
  persona: ColumnType<unknown, string | undefined, string>;
  /** What `get_business_info` tells (`BusinessInfo`, as JSON). */
  business_info: ColumnType<unknown, string | undefined, string>;
  created_at: DefaultedTimestamp;
  /** Deleted by an operator: kept with its conversations, answering nothing, its agents signed out. */
  deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The tenant's own Twilio account (its auth token is in `tenant_secrets`); null: the deployment's. */
  twilio_account_sid: ColumnType<string | null, string | null | undefined, string | null>;
  /** Who the assistant answers on SMS and WhatsApp (`domain/inbound-policy.ts`). */
  inbound_policy: ColumnType<InboundPolicy, InboundPolicy | undefined, InboundPolicy>;
}

/** A tenant's credential, sealed with SECRETS_KEY (`config/secrets.ts`). */
interface TenantSecretsTable {
  tenant_id: string;
  /** `twilio_auth_token`, `llm_fallback_api_key`, or `tool:<name>` (a declared API's signing secret). */
  name: string;
  key_id: string;
  sealed: string;
  updated_at: DefaultedTimestamp;
}

interface PhoneNumbersTable {
  number: string;
  tenant_id: string;
}

interface ContactsTable {
  tenant_id: string;
  contact_key: string;
  phone: string | null;
  /** What agents know of the person (the contact panel); the note is also read by the assistant. */
  name: ColumnType<string | null, string | null | undefined, string | null>;
  email: ColumnType<string | null, string | null | undefined, string | null>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  note: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

interface ConversationsTable {
  /** The conversation workflow id: one per (tenant, contact), stable across workflow runs. */
  id: string;
  tenant_id: string;
  contact_key: string;
  last_channel: string;
  /** Every channel the person used in this conversation. */
  channels: ColumnType<string[], string[] | undefined, string[]>;
  summary: string | null;
  /** The newest message the summary folds in: the next summary starts after it. */
  summarized_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  message_count: Generated<number>;
  last_message_at: Timestamp;
  /** The conversation's run ended (idle, or an agent closed it); a new message clears it. */
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The project whose outreach reached the person last, and since when (`projects`). */
  project_id: ColumnType<string | null, string | null | undefined, string | null>;
  project_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: DefaultedTimestamp;
}

/** `internal` rows are notes for the AI and agents (a handoff's resolution note); they are never sent. */
export type MessageDirection = 'inbound' | 'outbound' | 'internal';
export type MessageAuthor = 'customer' | 'ai' | 'agent' | 'system';

interface MessagesTable {
  /** Deterministic: inbound `in:<tenant>:<provider id>`, outbound the outbox id chosen by the workflow. */
  id: string;
  conversation_id: string;
  tenant_id: string;
  direction: MessageDirection;
  author: MessageAuthor;
  channel: string;
  from_address: string;
  to_address: string;
  body: string;
  /** A spoken reply the caller interrupted: `body` is what they heard, this the whole reply. */
  full_body: string | null;
  media: ColumnType<unknown, string | undefined, string>;
  /** The buttons a web chat reply carried (`ReplyOptions`, as JSON). */
  options: ColumnType<unknown, string | null | undefined, string | null>;
  /** Twilio's MessageSid: unique per tenant, so a retried webhook never yields a second row. */
  provider_message_id: string | null;
  status: string;
  error_code: string | null;
  error_message: string | null;
  /** The model that wrote an AI reply (the fallback's when the primary was down). */
  model: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * The knowledge-base documents an AI reply cited (`ReplySource[]`, as JSON); `[]` marks an answer to a question of
   * fact given without any passage; null when neither applies.
   */
  sources: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

interface KnowledgeDocumentsTable {
  id: Generated<string>;
  tenant_id: string;
  title: string;
  body: string;
  /** The page the document comes from, offered to web visitors as a link. */
  url: ColumnType<string | null, string | null | undefined, string | null>;
  /** What the document is keyed by: a file's path, a page's URL, or a name an API caller gives. One per tenant. */
  source: string;
  /** SHA-256 of the normalised title, URL and text: an unchanged document is not chunked or embedded again. */
  fingerprint: string | null;
  /** markdown, text, html or pdf: what it was parsed from. */
  kind: ColumnType<string, string | undefined, string>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

interface KnowledgeChunksTable {
  id: Generated<string>;
  document_id: string;
  tenant_id: string;
  position: number;
  /** The headings the passage sits under, document title first ('Delivery > Express'). */
  section: ColumnType<string, string | undefined, string>;
  /** The passage's text (with the end of the passage before it, as overlap). */
  content: string;
  /** pgvector text form ('[0.1,0.2,...]'); null when no embeddings endpoint is configured. */
  embedding: string | null;
  /** The model that made `embedding`: vectors of different models are never compared. */
  embedding_model: string | null;
}

/** An ingestion run (`npm run kb -- ingest`, `POST /api/knowledge/ingests`) and where it stands. */
interface KnowledgeIngestsTable {
  id: Generated<string>;
  tenant_id: string;
  /** running, done, or failed (`error` says why). */
  status: ColumnType<string, string | undefined, string>;
  total: number;
  /** `--prune`: documents from sources under this folder that the run does not list are removed at its end. */
  prune_prefix: string | null;
  pruned: ColumnType<string[], string[] | undefined, string[]>;
  error: string | null;
  created_at: DefaultedTimestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One document of a run: staged with its bytes (or its URL), then its outcome. */
interface KnowledgeIngestItemsTable {
  ingest_id: string;
  position: number;
  source: string;
  /** markdown, text, html or pdf; null for a URL until it is fetched. */
  kind: string | null;
  title: string | null;
  url: string | null;
  bytes: Buffer | null;
  /** added, changed, unchanged or failed; null until ingested. */
  outcome: string | null;
  reason: string | null;
  document_id: string | null;
  chunks: number | null;
}

/** A replay of recorded conversations against a changed assistant (`npm run replay`). */
interface ReplaysTable {
  id: Generated<string>;
  tenant_id: string;
  /** running, done, or failed (`error` says why). */
  status: ColumnType<string, string | undefined, string>;
  /** What was changed (`ReplayVariant`, as JSON). */
  variant: ColumnType<unknown, string, string>;
  /** The days replayed, inclusive, in the tenant's time zone (YYYY-MM-DD). */
  from_date: string;
  to_date: string;
  judge_model: string | null;
  conversation_ids: string[];
  /** Conversations replayed so far. */
  done: ColumnType<number, number | undefined, number>;
  error: string | null;
  created_at: DefaultedTimestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One customer turn of a replay: its recorded answer beside the variant's (`ReplayAnswer`s, as JSON). */
interface ReplayTurnsTable {
  replay_id: string;
  conversation_id: string;
  position: number;
  asked_at: Date;
  question: string;
  recorded: ColumnType<unknown, string, string>;
  variant: ColumnType<unknown, string, string>;
  changed: boolean;
  /** The judge model's verdict on the variant's answer: better, same or worse, and why. */
  verdict: string | null;
  verdict_reason: string | null;
}

/** Every word (3+ characters, lower case) of a tenant's knowledge base: what misspelt questions are matched to. */
interface KnowledgeTermsTable {
  tenant_id: string;
  term: string;
}

interface OptOutsTable {
  tenant_id: string;
  contact_key: string;
  channel: string;
  /** The keyword the customer sent, or the Twilio error that told us (21610). */
  reason: string;
  created_at: DefaultedTimestamp;
}

interface DeliveryEventsTable {
  id: Generated<string>;
  provider_message_id: string;
  status: string;
  error_code: string | null;
  received_at: DefaultedTimestamp;
}

interface AgentsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  token_hash: string;
  /** `admin`: may also change the tenant's settings (its tools). */
  role: ColumnType<AgentRole, AgentRole | undefined, AgentRole>;
  created_at: DefaultedTimestamp;
}

export type AgentRole = 'agent' | 'admin';

/** A tool a tenant turned on or off; a tool without a row is on when it is one every tenant has. */
interface TenantToolsTable {
  tenant_id: string;
  name: string;
  enabled: boolean;
  updated_at: DefaultedTimestamp;
}

/**
 * One write tool call, under the key the workflow derived for it: `running` while it acts, `done` with the outcome
 * a repeat returns instead of acting again.
 */
interface ToolRunsTable {
  key: string;
  tenant_id: string;
  conversation_id: string;
  tool: string;
  arguments: ColumnType<unknown, string, string>;
  status: 'running' | 'done';
  result: ColumnType<unknown, string | null | undefined, string | null>;
  /** Messages the effect owes someone (`ToolNotification`s), sent once it committed; a repeat sends what is missing. */
  notifications: ColumnType<unknown, string | undefined, string>;
  /** How many times the call was started: more than one means a retry found it. */
  attempts: Generated<number>;
  created_at: DefaultedTimestamp;
  finished_at: Timestamp | null;
}

interface BookingSlotsTable {
  id: string;
  tenant_id: string;
  service: string;
  starts_at: Timestamp;
  /** Places in the slot; `booked` of them are taken. */
  capacity: number;
  booked: Generated<number>;
}

interface BookingsTable {
  ref: string;
  tenant_id: string;
  slot_id: string;
  conversation_id: string;
  contact_key: string;
  name: string;
  party_size: number;
  notes: string | null;
  status: 'booked' | 'cancelled';
  created_at: DefaultedTimestamp;
  cancelled_at: Timestamp | null;
}

export type HandoffStatus = 'open' | 'claimed' | 'escalated' | 'resolved' | 'expired';

interface HandoffTasksTable {
  id: string;
  tenant_id: string;
  conversation_id: string;
  reason: string;
  status: HandoffStatus;
  claimed_by: string | null;
  escalated_at: Timestamp | null;
  deadline: Timestamp;
  /** The channel of the person's newest message when it opened (null for tasks opened before this was kept). */
  channel: string | null;
  resolution_note: string | null;
  /** When an agent took it. */
  claimed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** `takeover`: an agent joined a conversation nobody had handed over. */
  kind: ColumnType<'handoff' | 'takeover', 'handoff' | 'takeover' | undefined, 'handoff' | 'takeover'>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

/** One phone call, as Twilio's webhooks and the relay session report it. */
interface CallsTable {
  call_sid: string;
  tenant_id: string;
  conversation_id: string;
  contact_key: string;
  direction: string;
  from_address: string;
  to_address: string;
  status: string;
  session_id: string | null;
  session_status: string | null;
  handoff_data: ColumnType<unknown, string | null | undefined, string | null>;
  error_code: string | null;
  error_message: string | null;
  duration_seconds: number | null;
  started_at: DefaultedTimestamp;
  connected_at: Timestamp | null;
  ended_at: Timestamp | null;
}

/** One spoken turn of a call and its timing: the caller's last words, the reply's first and last token. */
interface CallTurnsTable {
  call_sid: string;
  turn_id: string;
  prompt: string;
  prompt_at: Timestamp;
  first_token_at: Timestamp | null;
  last_token_at: Timestamp | null;
  interrupted_at: Timestamp | null;
}

interface WebVisitorsTable {
  id: string;
  tenant_id: string;
  secret_hash: string;
  name: string | null;
  email: string | null;
  /** The phone number the visitor gave (E.164), not proved: shown to agents, never used to find a conversation. */
  phone: string | null;
  /** The phone number the visitor proved (E.164): their chat is that person's conversation from then on. */
  linked_phone: string | null;
  created_at: DefaultedTimestamp;
}

/** A code sent to a number, or a wrong code typed for it: the per-number limits count these. */
interface PhoneCodeTriesTable {
  id: Generated<string>;
  tenant_id: string;
  phone: string;
  kind: 'sent' | 'wrong';
  /** Who asked for a code sent: what bounds how many numbers one chat, visitor or address can have texted. */
  session_id: string | null;
  visitor_id: string | null;
  address: string | null;
  at: DefaultedTimestamp;
}

/** Keys the service keeps for itself (the one phone codes are derived with). */
interface ServiceKeysTable {
  name: string;
  key: string;
}

/** A one-time code sent by SMS to the number a web visitor claims. */
interface PhoneCodesTable {
  session_id: string;
  phone: string;
  /** What the code is derived from (with the service's key): the code itself is kept nowhere. */
  code_id: string;
  attempts: Generated<number>;
  expires_at: Timestamp;
  created_at: DefaultedTimestamp;
}

interface WebSessionsTable {
  id: string;
  tenant_id: string;
  visitor_id: string;
  token_hash: string;
  last_active_at: DefaultedTimestamp;
  created_at: DefaultedTimestamp;
}

interface MenuItemsTable {
  id: string;
  tenant_id: string;
  name: string;
  description: Generated<string>;
  category: Generated<string>;
  price_cents: number;
  /** ISO 4217 */
  currency: string;
  available: Generated<boolean>;
}

/** An order: `draft` while the customer builds it (one per conversation), then `confirmed`. */
interface OrdersTable {
  ref: string;
  tenant_id: string;
  conversation_id: string;
  contact_key: string;
  status: 'draft' | 'confirmed';
  created_at: DefaultedTimestamp;
  confirmed_at: Timestamp | null;
}

/** A line of an order, at the price the item had when it was added. */
interface OrderItemsTable {
  order_ref: string;
  item_id: string;
  name: string;
  unit_price_cents: number;
  currency: string;
  quantity: number;
  notes: string | null;
}

/** A company's own API, declared by the tenant as a tool. */
interface HttpToolsTable {
  tenant_id: string;
  name: string;
  description: string;
  url: string;
  method: 'GET' | 'POST';
  /** The JSON schema of its arguments, as the model is given it. */
  parameters: ColumnType<Record<string, unknown>, string, string>;
  effect: 'read' | 'write';
  approval: Generated<boolean>;
  /**
   * Signs every call (`X-Signature-256`); never shown again. Null when sealed in `tenant_secrets` (`tool:<name>`),
   * which it is wherever SECRETS_KEY is set.
   */
  secret: string | null;
  created_at: DefaultedTimestamp;
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

/** A tool call waiting for (or given) a person's decision before it runs. */
interface ApprovalsTable {
  id: string;
  tenant_id: string;
  conversation_id: string;
  tool: string;
  arguments: ColumnType<Record<string, unknown>, string, string>;
  /** sha256 of the tool and its arguments: what a decision is bound to. */
  arguments_hash: string;
  status: ApprovalStatus;
  decided_by: string | null;
  note: string | null;
  /** What the tool answered, once approved and run. */
  result: ColumnType<unknown, string | null | undefined, string | null>;
  deadline: Timestamp;
  created_at: DefaultedTimestamp;
  decided_at: Timestamp | null;
}

/** A car (or anything) for sale, and who sells it: the marketplace pack. */
interface ListingsTable {
  tenant_id: string;
  id: string;
  make: string;
  model: string;
  year: number;
  price_cents: number;
  currency: string;
  fuel: string;
  transmission: string;
  city: string;
  mileage_km: number | null;
  description: Generated<string>;
  url: string | null;
  seller_name: string;
  /** E.164: where the seller is texted when someone is interested. */
  seller_phone: string;
  /** People who recorded interest, each once. */
  interest_count: Generated<number>;
  created_at: DefaultedTimestamp;
}

/** A person's interest in a listing, once per person. */
interface LeadsTable {
  id: string;
  tenant_id: string;
  listing_id: string;
  conversation_id: string;
  contact_key: string;
  created_at: DefaultedTimestamp;
}

/** One call to a model: what it was for, who answered, its tokens, latency and price. */
interface ModelCallsTable {
  id: Generated<string>;
  tenant_id: string;
  conversation_id: string | null;
  /** `reply`, `tool_round`, `summary`, `call_summary` */
  purpose: string;
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  /** numeric, read as text: exact. */
  cost_usd: ColumnType<string, number | string, number | string>;
  created_at: DefaultedTimestamp;
}

/** The events agents' screens follow, numbered so a stream that reconnects catches up (kept a day). */
interface AgentEventsTable {
  id: Generated<string>;
  tenant_id: string;
  payload: unknown;
  created_at: DefaultedTimestamp;
}

/** A tenant's project (a campaign, a product line, a brand). */
interface ProjectsTable {
  id: string;
  tenant_id: string;
  name: string;
  /** Told to the assistant on top of the tenant's prompt, in the project's conversations. */
  prompt_addition: ColumnType<string, string | undefined, string>;
  /** The number its outreach is sent from (one of the tenant's). */
  sender_number: string | null;
  /** The tools the assistant may use in its conversations; null: all the tenant's. */
  tools: string[] | null;
  /** Its own wording of the service's texts, over the tenant's. */
  texts: ColumnType<Record<string, string>, string | undefined, string>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export type CampaignStatus = 'scheduled' | 'running' | 'paused' | 'cancelled' | 'done';
export type CampaignSkip = 'duplicate' | 'invalid' | 'opted_out';

/** What a campaign sends: an approved template (WhatsApp outside the 24-hour window), or a text. */
export type CampaignMessage = { contentSid: string; variables: Record<string, string>; body: string } | { body: string };

interface CampaignsTable {
  id: string;
  tenant_id: string;
  project_id: string;
  channel: 'sms' | 'whatsapp';
  /** The number it is sent from. */
  sender: string;
  message: ColumnType<CampaignMessage, string, string>;
  rate_per_second: number;
  send_at: Date;
  status: ColumnType<CampaignStatus, CampaignStatus | undefined, CampaignStatus>;
  created_by: string | null;
  created_at: DefaultedTimestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

interface CampaignRecipientsTable {
  campaign_id: string;
  /** Its place in the audience as given (from 0): the order it is sent in. */
  position: number;
  /** The number as given. */
  given: string;
  /** E.164; null when it is not a number. */
  phone: string | null;
  name: string | null;
  variables: ColumnType<Record<string, string>, string | undefined, string>;
  skipped: CampaignSkip | null;
  /** The outbox row it was sent as. */
  message_id: string | null;
  conversation_id: string | null;
  sent_at: Date | null;
}

export interface Database {
  tenants: TenantsTable;
  projects: ProjectsTable;
  campaigns: CampaignsTable;
  campaign_recipients: CampaignRecipientsTable;
  tenant_secrets: TenantSecretsTable;
  phone_numbers: PhoneNumbersTable;
  contacts: ContactsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  knowledge_documents: KnowledgeDocumentsTable;
  knowledge_chunks: KnowledgeChunksTable;
  knowledge_terms: KnowledgeTermsTable;
  knowledge_ingests: KnowledgeIngestsTable;
  knowledge_ingest_items: KnowledgeIngestItemsTable;
  replays: ReplaysTable;
  replay_turns: ReplayTurnsTable;
  opt_outs: OptOutsTable;
  delivery_events: DeliveryEventsTable;
  agents: AgentsTable;
  handoff_tasks: HandoffTasksTable;
  calls: CallsTable;
  call_turns: CallTurnsTable;
  web_visitors: WebVisitorsTable;
  web_sessions: WebSessionsTable;
  phone_codes: PhoneCodesTable;
  phone_code_tries: PhoneCodeTriesTable;
  service_keys: ServiceKeysTable;
  tenant_tools: TenantToolsTable;
  tool_runs: ToolRunsTable;
  booking_slots: BookingSlotsTable;
  bookings: BookingsTable;
  menu_items: MenuItemsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  http_tools: HttpToolsTable;
  approvals: ApprovalsTable;
  listings: ListingsTable;
  leads: LeadsTable;
  model_calls: ModelCallsTable;
  agent_events: AgentEventsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type Project = Selectable<ProjectsTable>;
export type Campaign = Selectable<CampaignsTable>;
export type CampaignRecipient = Selectable<CampaignRecipientsTable>;
export type NewTenant = Insertable<TenantsTable>;
export type Conversation = Selectable<ConversationsTable>;
export type Message = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type MessageUpdate = Updateable<MessagesTable>;
export type KnowledgeDocument = Selectable<KnowledgeDocumentsTable>;
export type Agent = Selectable<AgentsTable>;
export type HandoffTask = Selectable<HandoffTasksTable>;
export type Call = Selectable<CallsTable>;
export type CallTurn = Selectable<CallTurnsTable>;
export type WebVisitor = Selectable<WebVisitorsTable>;
export type WebSession = Selectable<WebSessionsTable>;
export type BookingSlot = Selectable<BookingSlotsTable>;
export type Booking = Selectable<BookingsTable>;
export type MenuItem = Selectable<MenuItemsTable>;
export type Order = Selectable<OrdersTable>;
export type OrderItem = Selectable<OrderItemsTable>;
export type HttpTool = Selectable<HttpToolsTable>;
export type Approval = Selectable<ApprovalsTable>;
export type Listing = Selectable<ListingsTable>;
export type Lead = Selectable<LeadsTable>;
