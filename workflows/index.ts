export { conversationWorkflow } from './conversation';
export { knowledgeIngestWorkflow } from './knowledge-ingest';
export { replayWorkflow } from './replay';
