/** Twilio refuses bodies over 1600 characters. */
export const maxBodyChars = 1600;

/** Splits a long reply into parts of at most `limit` characters, on a sentence end, else a word break. */
export function splitBody(body: string, limit = maxBodyChars): string[] {
  const parts: string[] = [];
  let rest = body.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const sentence = Math.max(window.lastIndexOf('. '), window.lastIndexOf('! '), window.lastIndexOf('? '), window.lastIndexOf('\n'));
    const space = window.lastIndexOf(' ');
    const cut = sentence > limit / 2 ? sentence + 1 : space > limit / 2 ? space : limit;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}
