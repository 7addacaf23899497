import { approvalActivities } from './approvals';
import { callActivities } from './calls';
import { campaignActivities } from './campaigns';
import { draftActivities } from './draft';
import type { ActivityDeps } from './deps';
import { handoffActivities } from './handoff';
import { inboundActivities } from './inbound';
import { knowledgeActivities } from './knowledge';
import { knowledgeIngestActivities } from './knowledge-ingest';
import { llmActivities } from './llm';
import { outboundActivities } from './outbound';
import { replayActivities } from './replay';
import { summaryActivities } from './summary';
import { toolActivities } from './tool-runs';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  const outbound = outboundActivities(deps);
  return {
    ...inboundActivities(deps),
    ...llmActivities(deps),
    ...knowledgeActivities(deps),
    ...knowledgeIngestActivities(deps),
    ...toolActivities(deps, outbound.sendMessage),
    ...approvalActivities(deps),
    ...outbound,
    ...summaryActivities(deps),
    ...handoffActivities(deps),
    ...callActivities(deps),
    ...draftActivities(deps),
    ...replayActivities(deps),
    ...campaignActivities(deps, outbound.sendMessage),
  };
}

export type Activities = ReturnType<typeof createActivities>;
