/**
 * The tools offered to the LLM. Each is run by the workflow as its own activity (durable, retried on its own), and
 * its result goes back to the next `generateReply` call; `handoff_to_human` is handled by the workflow itself.
 */
export const toolDefinitions = [
  {
    type: 'function' as const,
    function: {
      name: 'search_knowledge',
      description:
        "Search the company's knowledge base (opening hours, prices, policies, products). Use it before answering " +
        'any factual question about the company.',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', description: 'What to look for, in a few words' } },
        required: ['query'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function' as const,
    function: {
      name: 'handoff_to_human',
      description:
        'Hand the conversation to a human agent: when the customer asks for a person, is upset, or needs something ' +
        'you cannot do or answer from the knowledge base. The customer is told a person will reply.',
      parameters: {
        type: 'object',
        properties: { reason: { type: 'string', description: 'Why a person is needed, for the agent' } },
        required: ['reason'],
        additionalProperties: false,
      },
    },
  },
];
