export { conversationWorkflow } from './conversation';
export { knowledgeIngestWorkflow } from './knowledge-ingest';
