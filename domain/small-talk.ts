/** What a message that only greets, thanks or says goodbye is, with no question in it. */
export type SmallTalk = 'greeting' | 'thanks' | 'goodbye';

const greetings = new Set(['hi', 'hello', 'hey', 'heya', 'hiya', 'howdy', 'yo', 'greetings', 'hola', 'bonjour', 'morning', 'afternoon', 'evening']);
const thanks = new Set(['thanks', 'thank', 'thx', 'ty', 'cheers', 'thankyou', 'merci', 'gracias']);
const goodbyes = new Set(['bye', 'goodbye', 'cya', 'ciao', 'later']);
/** Words that go with the above and change nothing ("hi there", "thanks a lot", "ok great, bye"). */
const fillers = new Set([
  'good', 'there', 'again', 'all', 'everyone', 'team', 'folks', 'guys', 'you', 'so', 'very', 'much', 'a', 'lot', 'ok',
  'okay', 'great', 'cool', 'perfect', 'awesome', 'nice', 'for', 'that', 'the', 'help', 'your', 'oh', 'and', 'see', 'now',
  'have', 'day', 'night', 'just', 'wanted', 'to', 'say', 'many', 'ah', 'well', 'yes', 'yeah', 'sure', 'fine', 'alright',
]);

/**
 * Whether `text` is small talk only: every word a greeting, a thank-you, a goodbye or a word that goes with them,
 * and at least one of the three. Thanks win over goodbyes, goodbyes over greetings ("ok thanks, bye" is thanks).
 */
export function smallTalkOf(text: string): SmallTalk | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  if (words.length === 0 || words.length > 12) return null;
  let kind: SmallTalk | null = null;
  const rank: Record<SmallTalk, number> = { greeting: 1, goodbye: 2, thanks: 3 };
  for (const raw of words) {
    const word = raw.replace(/'/g, '');
    const found: SmallTalk | null = thanks.has(word) ? 'thanks' : goodbyes.has(word) ? 'goodbye' : greetings.has(word) ? 'greeting' : null;
    if (found) {
      if (!kind || rank[found] > rank[kind]) kind = found;
    } else if (!fillers.has(word)) {
      return null;
    }
  }
  return kind;
}
