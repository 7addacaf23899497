import { z } from 'zod';
import { defineTool } from './tool';

/** Ends the turn: the workflow opens the handoff and tells the customer a person will reply. */
export const handoffToHuman = defineTool({
  name: 'handoff_to_human',
  description:
    'Hand the conversation to a human agent: when the customer asks for a person, is upset, or needs something you ' +
    'cannot do or answer from the knowledge base. The customer is told a person will reply.',
  args: z.object({ reason: z.string().trim().min(1).max(1000).describe('Why a person is needed, for the agent') }),
  kind: 'control',
  pack: 'core',
  async run() {
    return 'A person will take over.';
  },
});
