import {
  PROPOSAL_STATES,
  TRANSITIONS,
  canTransition,
  isFinal,
  statesLeadingTo,
  type ProposalState,
} from '../../src/approvals/states';

function reachableFrom(start: ProposalState): Set<ProposalState> {
  const seen = new Set<ProposalState>([start]);
  const queue = [start];
  for (let state = queue.shift(); state; state = queue.shift()) {
    for (const next of TRANSITIONS[state]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('approval state machine', () => {
  test('every state is reachable from proposed and every path ends in a final state', () => {
    expect([...reachableFrom('proposed')].sort()).toEqual([...PROPOSAL_STATES].sort());
    for (const state of PROPOSAL_STATES) {
      expect([...reachableFrom(state)].some(isFinal)).toBe(true);
    }
  });

  test('a fix executes only after approval: executing is entered from approved and nowhere else', () => {
    expect(statesLeadingTo('executing')).toEqual(['approved']);
    expect(statesLeadingTo('approved')).toEqual(['proposed']);
  });

  test('an expired or denied proposal can never be approved or executed', () => {
    for (const closed of ['expired', 'denied'] as const) {
      expect(canTransition(closed, 'approved')).toBe(false);
      expect(canTransition(closed, 'executing')).toBe(false);
      expect(isFinal(closed)).toBe(true);
    }
  });

  test('an interrupted execution is final: it is never re-executed on its own', () => {
    expect(statesLeadingTo('interrupted')).toEqual(['executing']);
    expect(TRANSITIONS.interrupted).toEqual([]);
  });

  test('only a proposal still waiting for approval expires', () => {
    expect(statesLeadingTo('expired')).toEqual(['proposed']);
  });

  test('execution ends in succeeded, failed, no-longer-needed or interrupted', () => {
    expect([...TRANSITIONS.executing].sort()).toEqual([
      'failed',
      'interrupted',
      'no-longer-needed',
      'succeeded',
    ]);
  });
});
