import type { ActivityDeps } from './deps';
import { handoffActivities } from './handoff';
import { knowledgeActivities } from './knowledge';
import { llmActivities } from './llm';
import { messageActivities } from './messages';
import { summaryActivities } from './summary';
import { twilioActivities } from './twilio';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...messageActivities(deps),
    ...llmActivities(deps),
    ...knowledgeActivities(deps),
    ...twilioActivities(deps),
    ...summaryActivities(deps),
    ...handoffActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
