import { PROPOSAL_STATES, type ProposalState } from '../../src/approvals/states';
import { fixById } from '../../src/fixes';
import { contentLength, MESSAGE_CONTENT_BUDGET } from '../../src/slack/blocks/build';
import { fixResultMessage, proposalMessage, type ProposalView } from '../../src/slack/blocks/proposal';
import { validateMessageBlocks, validateView } from '@rdp-doctor/slack-fake';
import { fixParamsModal } from '../../src/slack/views/fix-params';
import type { Proposal } from '../../src/store';
import { healthyFacts } from '../fixtures/facts';

// The proposal message in every state of the workflow, fed the longest and nastiest text it can meet:
// within Block Kit's limits, mentions only where the renderer puts them, buttons only while it waits.

const HOSTILE = 'Deny <!channel> <@U0EVIL> & <https://evil.example|click> ';

function proposal(state: ProposalState, overrides: Partial<Proposal> = {}): Proposal {
  return {
    id: '3f0c9d2e-6f1a-4e8b-9c57-0d1e2f3a4b5c',
    vmId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-01',
    vmName: 'web-01',
    fixId: 'nsg-allow-rdp-from-source',
    cause: 'nsg-denies-rdp',
    params: { source: '203.0.113.10' },
    description: 'Add inbound rule Allow-RDP-203.0.113.10-32-rdpdoctor in NSG web-01-nsg at priority 109.',
    proposer: 'U0ALICE',
    approvalsRequired: 2,
    state,
    reason: null,
    decidedBy: null,
    channel: 'C0INCIDENT',
    messageTs: '1700000000.000200',
    threadTs: '1700000000.000100',
    createdAt: '2025-03-04T10:00:00.000Z',
    expiresAt: '2025-03-04T10:15:00.000Z',
    updatedAt: '2025-03-04T10:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

function view(state: ProposalState, overrides: Partial<ProposalView> = {}): ProposalView {
  return {
    proposal: proposal(state),
    fixTitle: 'Allow RDP from your address',
    causeTitle: 'A network security group denies the RDP port',
    description: 'Add inbound rule Allow-RDP-203.0.113.10-32-rdpdoctor allowing TCP 3389 from 203.0.113.10.',
    approvedBy: [],
    deniedBy: null,
    approverSetting: { kind: 'any-member' },
    ...overrides,
  };
}

function actionIds(blocks: unknown[]): string[] {
  return [...JSON.stringify(blocks).matchAll(/"action_id":"([^"]+)"/g)].map((m) => m[1]);
}

test.each(PROPOSAL_STATES)(
  '%s: within Block Kit limits however long the texts, and nothing mentions anyone it should not',
  (state) => {
    const huge = view(state, {
      proposal: proposal(state, { vmName: `vm-${'x'.repeat(300)}`, reason: HOSTILE.repeat(500) }),
      description: HOSTILE.repeat(500),
      causeTitle: HOSTILE,
      approvedBy: Array.from({ length: 300 }, (_unused, i) => `U0APPROVER${i}`),
      approverSetting: {
        kind: 'listed',
        ids: [...Array.from({ length: 300 }, (_unused, i) => `U0LISTED${i}`), 'S0ONCALL'],
      },
      deniedBy: 'U0BOB',
    });
    const message = proposalMessage(huge);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(contentLength(message.blocks)).toBeLessThanOrEqual(MESSAGE_CONTENT_BUDGET);
    const text = JSON.stringify(message);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0EVIL>');
    expect(text).not.toContain('<https://evil.example');
    expect(actionIds(message.blocks)).toEqual(state === 'proposed' ? ['approve-fix', 'deny-fix'] : []);
    expect(message.text).toMatch(new RegExp(`^nsg-allow-rdp-from-source on vm-x+, proposed by U0ALICE: `));

    const result = fixResultMessage({
      proposal: huge.proposal,
      fixTitle: huge.fixTitle,
      detail: HOSTILE.repeat(500),
      correlationId: 'c0ffee00-0000-4000-8000-000000000001',
    });
    expect(validateMessageBlocks(result.blocks)).toEqual([]);
    expect(JSON.stringify(result)).not.toContain('<!channel>');
  },
);

test('while waiting, says how many approvals are missing and who may still give them', () => {
  const listed = view('proposed', {
    approvedBy: ['U0BOB'],
    approverSetting: { kind: 'listed', ids: ['U0ALICE', 'U0BOB', 'U0CAROL', 'S0ONCALL'] },
  });
  expect(JSON.stringify(proposalMessage(listed).blocks)).toContain(
    'Approved by <@U0BOB> (1 of 2). Waiting for 1 more approval from <@U0CAROL> or members of <!subteam^S0ONCALL>, before 10:15 UTC.',
  );
  const anyone = view('proposed');
  expect(JSON.stringify(proposalMessage(anyone).blocks)).toContain(
    'Waiting for 2 more approvals from anyone here other than <@U0ALICE>',
  );
});

test('with APPROVERS unset, the waiting proposal says nobody may approve until an admin sets APPROVERS', () => {
  const unset = view('proposed', { approverSetting: { kind: 'unset' } });
  const blocks = JSON.stringify(proposalMessage(unset).blocks);
  expect(blocks).toContain('Waiting for 2 more approvals from nobody yet: an admin must set APPROVERS');
  expect(blocks).toContain('or * for any member other than the proposer');
  expect(blocks).not.toContain('anyone here');
});

test('the Approve and Deny buttons carry the proposal id, and Deny asks to confirm', () => {
  const blocks = JSON.stringify(proposalMessage(view('proposed')).blocks);
  expect(blocks).toContain(
    '"action_id":"approve-fix","text":{"type":"plain_text","text":"Approve and run","emoji":true},"value":"3f0c9d2e-6f1a-4e8b-9c57-0d1e2f3a4b5c"',
  );
  expect(blocks).toMatch(
    /"action_id":"deny-fix".*"value":"3f0c9d2e-6f1a-4e8b-9c57-0d1e2f3a4b5c".*"confirm":\{"title":/,
  );
});

test('the fix modal holds its limits with long labels and a long pre-filled value', () => {
  const modal = fixParamsModal({
    request: {
      ok: true,
      fix: fixById('nsg-allow-rdp-from-source')!,
      facts: healthyFacts(),
      finding: {
        cause: 'nsg-denies-rdp',
        layer: 'network',
        severity: 'critical',
        summary: '',
        evidence: [],
        fixes: [],
        advice: '',
        links: [],
      },
      vmId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-01',
      vmName: `web-${'x'.repeat(500)}`,
      diagnosis: { channel: 'C0INCIDENT', messageTs: '1.2' },
    },
    inputs: [{ name: 'source', label: 'L'.repeat(5000), hint: 'H'.repeat(5000), initial: '203.0.113.10' }],
    metadata: {
      run: 'r',
      cause: 'nsg-denies-rdp',
      fix: 'nsg-allow-rdp-from-source',
      channel: 'C0INCIDENT',
      user: 'U0ALICE',
    },
    key: Buffer.alloc(32),
  });
  expect(validateView(modal)).toEqual([]);
});
