// The two-person approval workflow as an explicit state machine (DESIGN.md "Contract: fixes and approval").
// Every state change the workflow makes is one row of this table, applied by a conditional UPDATE in the
// store, so two clicks, a retry or two replicas cannot both move a proposal out of the same state.

import { PROPOSAL_STATES, type ProposalState } from '../store/proposal-state';

export { PROPOSAL_STATES, type ProposalState };

/** Where each state may go next. A state with nowhere to go is final. */
export const TRANSITIONS: Readonly<Record<ProposalState, readonly ProposalState[]>> = {
  proposed: ['approved', 'denied', 'expired'],
  approved: ['executing'],
  denied: [],
  expired: [],
  // The fix re-checks its cause first (no-longer-needed) and its verification decides succeeded/failed.
  // interrupted: the process died mid-execution; a person decides whether to propose it again.
  executing: ['succeeded', 'failed', 'no-longer-needed', 'interrupted'],
  succeeded: [],
  failed: [],
  'no-longer-needed': [],
  interrupted: [],
};

export type ExecutionOutcome = 'succeeded' | 'failed' | 'no-longer-needed';

export function canTransition(from: ProposalState, to: ProposalState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states a proposal may be in for a move to `to`: the `from` list of the store's conditional update. */
export function statesLeadingTo(to: ProposalState): ProposalState[] {
  return PROPOSAL_STATES.filter((from) => canTransition(from, to));
}

export function isFinal(state: ProposalState): boolean {
  return TRANSITIONS[state].length === 0;
}
