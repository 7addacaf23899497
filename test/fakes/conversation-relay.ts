/**
 * The tests' ConversationRelay is the dev kit's relay caller: Twilio's side of a call (signed voice webhook, signed
 * socket upgrade, setup/prompt/dtmf/interrupt frames, the Connect action at hang-up), the same one `npm run call` uses.
 */
export { RelayCaller, type CallerOptions, type ServiceFrame, type SpokenReply } from '../../devkit/relay-caller';
