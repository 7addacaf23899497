/**
 * The tests' Twilio is the dev kit's sandbox: the Twilio REST wire format behind the real `twilio` client. Status
 * callbacks stay off; the tests post the ones they need.
 */
export {
  acceptThenDrop,
  startTwilioSandbox as startFakeTwilio,
  type SentMessage,
  type TwilioFailure,
  type TwilioSandbox as FakeTwilio,
} from '../../devkit/twilio-sandbox';
