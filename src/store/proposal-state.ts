// The states a fix proposal is stored in. The store keeps them; src/approvals/states.ts says which
// moves between them the two-person workflow allows.

export const PROPOSAL_STATES = [
  'proposed',
  'approved',
  'denied',
  'expired',
  'executing',
  'succeeded',
  'failed',
  'no-longer-needed',
  'interrupted',
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];
