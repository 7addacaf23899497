export { conversationWorkflow } from './conversation';
export { knowledgeIngestWorkflow } from './knowledge-ingest';
export { replayWorkflow } from './replay';
export { draftMessageWorkflow } from './draft';
export { campaignWorkflow } from './campaign';
