/**
 * Why a conversation refuses what an agent or a visitor asked of it: the type of the ApplicationFailure its update
 * fails with. The API turns each into one answer (`api/conversation-client.ts`).
 */
export const refusal = {
  /** A channel refused the message for good (an opted-out contact, an invalid number); its reason is readable. */
  deliveryRefused: 'DeliveryRefused',
  /** Another agent holds the handoff. */
  handoffClaimed: 'HandoffClaimed',
  /** The handoff is not open (resolved, expired, never opened). */
  handoffNotOpen: 'HandoffNotOpen',
  /** The person cannot be reached that way (no phone number, no number of ours they talked with, no address). */
  unreachable: 'Unreachable',
  /** A call with the person is ringing or under way. */
  callInProgress: 'CallInProgress',
  /** Nothing to send. */
  emptyMessage: 'EmptyMessage',
  /** The approval was decided already, or dropped undecided. */
  approvalDecided: 'ApprovalDecided',
} as const;

export type Refusal = (typeof refusal)[keyof typeof refusal];
