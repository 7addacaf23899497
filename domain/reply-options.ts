/**
 * Buttons under a web chat reply: quick replies the visitor taps to answer with that text, and actions that open a
 * page (a listing, a booking). Text channels and calls never carry them; the reply's text stands on its own.
 */
export interface ReplyAction {
  label: string;
  url: string;
}

export interface ReplyOptions {
  quickReplies: string[];
  actions: ReplyAction[];
}

/** The model's tool for asking for them (offered in web chat only). */
export const showOptionsTool = 'show_options';

export const maxQuickReplies = 4;
export const maxActions = 3;
export const maxButtonChars = 40;

function label(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text.length > 0 && text.length <= maxButtonChars ? text : null;
}

function webUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Reads options from untrusted input (a model's tool arguments, a stored row): what is malformed, too long or not
 * an http(s) link is dropped, duplicates too, and the lists are capped. Null when nothing usable is left.
 */
export function readReplyOptions(value: unknown): ReplyOptions | null {
  if (typeof value !== 'object' || value === null) return null;
  const input = value as { quickReplies?: unknown; quick_replies?: unknown; actions?: unknown };
  const rawReplies = input.quickReplies ?? input.quick_replies;
  const quickReplies = [...new Set((Array.isArray(rawReplies) ? rawReplies : []).map(label).filter((r): r is string => r !== null))].slice(0, maxQuickReplies);
  const actions: ReplyAction[] = [];
  for (const raw of Array.isArray(input.actions) ? input.actions : []) {
    const action = typeof raw === 'object' && raw !== null ? (raw as { label?: unknown; url?: unknown }) : {};
    const text = label(action.label);
    const url = webUrl(action.url);
    if (text && url && !actions.some((a) => a.url === url)) actions.push({ label: text, url });
  }
  if (quickReplies.length === 0 && actions.length === 0) return null;
  return { quickReplies, actions: actions.slice(0, maxActions) };
}
