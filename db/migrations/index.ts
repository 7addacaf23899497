import type { Migration } from 'kysely/migration';
import * as initial from './2026_11_24_0001_initial';
import * as channels from './2026_11_25_0001_channels';
import * as knowledgeTerms from './2026_11_25_0002_knowledge_terms';
import * as calls from './2026_11_25_0003_calls';
import * as webChat from './2026_11_25_0004_web_chat';
import * as phoneCodes from './2026_11_25_0005_phone_codes';
import * as replyOptions from './2026_11_25_0006_reply_options';
import * as visitorPhone from './2026_11_25_0007_visitor_phone';
import * as phoneCodeTries from './2026_11_25_0008_phone_code_tries';
import * as codeLimits from './2026_11_30_0001_code_limits';
import * as handoffChannel from './2026_11_30_0002_handoff_channel';
import * as summarizedUntil from './2026_11_30_0003_summarized_until';
import * as tools from './2026_11_30_0004_tools';
import * as bookings from './2026_11_30_0005_bookings';
import * as orders from './2026_11_30_0006_orders';
import * as httpTools from './2026_11_30_0007_http_tools';
import * as approvals from './2026_11_30_0008_approvals';
import * as marketplace from './2026_11_30_0009_marketplace';
import * as usage from './2026_11_30_0010_usage';
import * as persona from './2026_11_30_0011_persona';
import * as tenantFallback from './2026_11_30_0012_tenant_fallback';
import * as knowledgeSources from './2026_11_30_0013_knowledge_sources';
import * as knowledgeIngests from './2026_11_30_0014_knowledge_ingests';
import * as messageSources from './2026_11_30_0015_message_sources';
import * as replays from './2026_11_30_0016_replays';
import * as inbox from './2026_11_30_0017_inbox';
import * as tenantAdmin from './2026_11_30_0018_tenant_admin';
import * as tenantSecrets from './2026_11_30_0019_tenant_secrets';
import * as inboundPolicy from './2026_11_30_0020_inbound_policy';
import * as projects from './2026_11_30_0021_projects';
import * as campaigns from './2026_11_30_0022_campaigns';
import * as sealedToolSecrets from './2026_11_30_0023_sealed_tool_secrets';

/** Listed explicitly (not read from disk) so migrations run the same from tsx, a bundle or a container. */
export const migrations: Record<string, Migration> = {
  '2026_11_24_0001_initial': initial,
  '2026_11_25_0001_channels': channels,
  '2026_11_25_0002_knowledge_terms': knowledgeTerms,
  '2026_11_25_0003_calls': calls,
  '2026_11_25_0004_web_chat': webChat,
  '2026_11_25_0005_phone_codes': phoneCodes,
  '2026_11_25_0006_reply_options': replyOptions,
  '2026_11_25_0007_visitor_phone': visitorPhone,
  '2026_11_25_0008_phone_code_tries': phoneCodeTries,
  '2026_11_30_0001_code_limits': codeLimits,
  '2026_11_30_0002_handoff_channel': handoffChannel,
  '2026_11_30_0003_summarized_until': summarizedUntil,
  '2026_11_30_0004_tools': tools,
  '2026_11_30_0005_bookings': bookings,
  '2026_11_30_0006_orders': orders,
  '2026_11_30_0007_http_tools': httpTools,
  '2026_11_30_0008_approvals': approvals,
  '2026_11_30_0009_marketplace': marketplace,
  '2026_11_30_0010_usage': usage,
  '2026_11_30_0011_persona': persona,
  '2026_11_30_0012_tenant_fallback': tenantFallback,
  '2026_11_30_0013_knowledge_sources': knowledgeSources,
  '2026_11_30_0014_knowledge_ingests': knowledgeIngests,
  '2026_11_30_0015_message_sources': messageSources,
  '2026_11_30_0016_replays': replays,
  '2026_11_30_0017_inbox': inbox,
  '2026_11_30_0018_tenant_admin': tenantAdmin,
  '2026_11_30_0019_tenant_secrets': tenantSecrets,
  '2026_11_30_0020_inbound_policy': inboundPolicy,
  '2026_11_30_0021_projects': projects,
  '2026_11_30_0022_campaigns': campaigns,
  '2026_11_30_0023_sealed_tool_secrets': sealedToolSecrets,
};
