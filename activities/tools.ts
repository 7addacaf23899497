/**
 * The tools offered to the LLM. Each is run by the workflow as its own activity (durable, retried on its own), and
 * its result goes back to the next `generateReply` call.
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
];
