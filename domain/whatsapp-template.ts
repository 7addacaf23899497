/** An approved WhatsApp template to send (Twilio's Content API id and its variables by placeholder number). */
export interface TemplateUse {
  contentSid: string;
  variables: Record<string, string>;
}

/** A template's text with `{{1}}`, `{{2}}`… filled from `variables` (an unfilled placeholder stays as written). */
export function fillTemplate(body: string, variables: Record<string, string>): string {
  return body.replace(/\{\{(\d+)\}\}/g, (placeholder, n: string) => variables[n] ?? placeholder);
}
