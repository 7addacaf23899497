/** The texts customers receive from the service itself (not the model, not an agent). */
export type ServiceTextKey =
  | 'fallback'
  | 'holding'
  | 'handoffAck'
  | 'help'
  | 'noAnswer'
  | 'budgetSpent'
  | 'welcomeGreeting'
  | 'callingGreeting'
  | 'callTransfer'
  | 'callUnknownNumber'
  | 'phoneCode'
  | 'greeting'
  | 'thanks'
  | 'goodbye'
  | 'topics'
  | 'unsureAnswer'
  | 'unknownSender';

export const defaultServiceTexts: Readonly<Record<ServiceTextKey, string>> = {
  /** The model stayed unavailable through every retry; a person takes over. */
  fallback: "Sorry, I can't answer right now. Your message is saved and a member of our team will get back to you.",
  /** A handoff waited HANDOFF_TIMEOUT_MS for an agent. */
  holding: 'Thanks for waiting. Our team is busy right now; someone will reply here as soon as possible.',
  /** The conversation was handed to people (the model's tool or an operator). */
  handoffAck: "I'm passing you to a member of our team. They will reply here as soon as they can.",
  /** HELP / INFO. */
  help: 'Reply with your question and we will answer. Reply STOP to unsubscribe.',
  /** Without a model, nothing in the knowledge base matched: a person takes over. */
  noAnswer: "Thanks for your message. I don't have an answer to that, so I've passed it to our team.",
  /** The tenant's monthly model budget is spent: people take the conversation. */
  budgetSpent: "Thanks for your message. Our assistant is unavailable right now, so I've passed it to our team; they will reply here.",
  /** Spoken when a call connects. */
  welcomeGreeting: 'Hello! How can I help you today?',
  /** Spoken when a call an agent placed is answered: `{name}` (the person's, else "there"), `{business}`. */
  callingGreeting: 'Hello {name}, this is {business} calling about your conversation with us. Is now a good time?',
  /** Spoken before a call is put through to a person. */
  callTransfer: 'Let me put you through to a member of our team.',
  /** Spoken to a call to a number no tenant answers, before hanging up. */
  callUnknownNumber: 'Sorry, this number cannot take calls. Goodbye.',
  /** A web visitor's one-time code, texted to the number they claim; `{code}` is where the six digits go. */
  phoneCode: 'Your chat code is {code}. It expires in 10 minutes.',
  /** Without a model, to a message that only greets. */
  greeting: 'Hello! How can I help you today?',
  /** Without a model, to a message that only thanks. */
  thanks: "You're welcome! Is there anything else I can help you with?",
  /** Without a model, to a message that only says goodbye. */
  goodbye: 'Thanks for getting in touch. Goodbye!',
  /** Without a model, after a greeting: what the knowledge base covers (`{topics}`, its documents' titles). */
  topics: 'I can answer questions about {topics}.',
  /** Without a model, before a passage that shares only part of what was asked (`{topic}`, its document's title). */
  unsureAnswer: "I'm not sure I understood, but this is what I know about {topic}:",
  /** Under the `known_only` inbound policy, to someone the business has not written to (at most once a day). */
  unknownSender: 'Thanks for your message. This number answers people we are already in touch with; our team has your message and will reply if they can help.',
};

export const serviceTextKeys = Object.keys(defaultServiceTexts) as ServiceTextKey[];

/** The tenant's own wording where it set one (a non-empty string), the default otherwise. */
export function serviceText(key: ServiceTextKey, overrides: unknown): string {
  const own = typeof overrides === 'object' && overrides !== null ? (overrides as Record<string, unknown>)[key] : undefined;
  return typeof own === 'string' && own.trim() ? own : defaultServiceTexts[key];
}
