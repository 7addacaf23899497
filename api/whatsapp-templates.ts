import type { Twilio } from 'twilio';
import { HttpError } from './errors';
import type { WhatsAppTemplate } from './protocol/agent-api';

interface ContentTypes {
  [type: string]: { body?: string } | undefined;
}

/**
 * The account's Content API templates that WhatsApp approved, with their text: the only messages WhatsApp takes
 * outside the 24 hours after a person's last message. Read from Twilio on each call (they change there, not here).
 */
export async function approvedTemplates(twilio: Twilio): Promise<WhatsAppTemplate[]> {
  let contents;
  try {
    contents = await twilio.content.v1.contentAndApprovals.list({ pageSize: 100, limit: 500 });
  } catch (error) {
    throw new HttpError(502, 'templates_unavailable', `Twilio did not list the WhatsApp templates: ${(error as Error).message}`);
  }
  return contents.flatMap((content) => {
    const approval = content.approvalRequests as { status?: string } | null;
    const types = (content.types ?? {}) as ContentTypes;
    const body = Object.values(types).find((type) => typeof type?.body === 'string')?.body;
    if (approval?.status !== 'approved' || !body) return [];
    return [{ sid: content.sid, name: content.friendlyName, language: content.language, body, variables: (content.variables ?? {}) as unknown as Record<string, string> }];
  });
}
