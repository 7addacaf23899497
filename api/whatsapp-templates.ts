import type { Twilio } from 'twilio';
import { HttpError } from './errors';
import type { WhatsAppTemplate } from './protocol/agent-api';

interface ContentTypes {
  [type: string]: { body?: string } | undefined;
}

/** How long a list read from Twilio is used before it is read again: approvals change there, rarely. */
const keepMs = 60_000;
const kept = new WeakMap<Twilio, { at: number; templates: Promise<WhatsAppTemplate[]> }>();

/**
 * The account's Content API templates that WhatsApp approved, with their text: the only messages WhatsApp takes
 * outside the 24 hours after a person's last message. Read from Twilio, then kept a minute (a failed read is not).
 */
export function approvedTemplates(twilio: Twilio): Promise<WhatsAppTemplate[]> {
  const fresh = kept.get(twilio);
  if (fresh && Date.now() - fresh.at < keepMs) return fresh.templates;
  const templates = readTemplates(twilio);
  kept.set(twilio, { at: Date.now(), templates });
  templates.catch(() => kept.delete(twilio));
  return templates;
}

async function readTemplates(twilio: Twilio): Promise<WhatsAppTemplate[]> {
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
