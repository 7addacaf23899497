/** Questions of one meaning that the knowledge base did not answer (`GET /api/knowledge/gaps`). */
export interface KnowledgeGap {
  /** The group's first-seen question, as a customer put it: the title a document answering it could take. */
  question: string;
  count: number;
  /** Up to five of the ways customers asked it, newest first. */
  examples: string[];
  lastAskedAt: string;
  handoffs: number;
  unsourced: number;
  /** The newest answer an agent gave to one of them: the draft of the document. */
  draft: string | null;
  conversationIds: string[];
}
