import { scenarios } from '@rdp-doctor/azure-sandbox';
import { RESOURCE_GROUP } from '@rdp-doctor/azure-sandbox/foundation';
import { scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import { armWrites, diagnosed, openedModal, propose, proposalsIn, settle, textOf } from './approvals-support';
import type { FakeMessage } from '@rdp-doctor/slack-fake';

// The NSG fix's guard speaks in the modal: a source that would open RDP too widely is refused on the field,
// in words, before anything is proposed; a deny no allow can overtake is said plainly, never as an ARM error.

const VM = 'nsg-denies-rdp';
const FIX = 'nsg-allow-rdp-from-source';
const ALICE = 'U0ALICE';

async function start(change?: (h: Harness) => void): Promise<Harness> {
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  const harness = await startHarness({ azure, env: { NSG_MAX_PREFIX: '28', APPROVERS: '*' } });
  change?.(harness);
  const stop = harness.stop;
  harness.stop = async () => {
    await stop();
    await azure.close();
  };
  return harness;
}

/** Clicks the fix, types `source` into the modal and submits: Slack's answer to the submission. */
async function submitSource(
  h: Harness,
  diagnosis: FakeMessage,
  source: string,
): Promise<{ status: number; body: string }> {
  const modal = await openedModal(h, 'fix-params', () => h.click(diagnosis, `fix:${FIX}`, ALICE));
  const response = await h.submit(modal, ALICE, { 'input:source': source });
  return { status: response.status, body: await response.text() };
}

describe('with NSG_MAX_PREFIX=28', () => {
  let h: Harness;
  let diagnosis: FakeMessage;
  beforeAll(async () => {
    h = await start();
    diagnosis = await diagnosed(h, VM, 'from 203.0.113.10', ALICE);
  });
  afterAll(async () => {
    await h.stop();
  });

  test.each([
    ['*', /would open RDP to the whole internet/],
    ['Internet', /would open RDP to the whole internet/],
    ['Any', /would open RDP to the whole internet/],
    ['0.0.0.0/0', /would open RDP to the whole internet/],
    ['::/0', /would open RDP to the whole internet/],
    ['10.0.0.0/8', /spans 16,777,216 addresses; the widest range allowed is \/28 \(NSG_MAX_PREFIX\)/],
    ['203.0.113.0/24', /spans 256 addresses; the widest range allowed is \/28 \(NSG_MAX_PREFIX\)/],
    ['2001:db8::/32', /the widest range allowed is \/64/],
    ['AzureCloud', /is a service tag/],
    ['203.0.113.10, 198.51.100.7', /holds more than one value/],
    ['my-laptop', /is not an IP address or CIDR range/],
  ])('refuses %s on the field, in words, and proposes nothing', async (source, reason) => {
    const answer = await submitSource(h, diagnosis, source);
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual(['input:source']);
    expect(body.errors['input:source']).toMatch(reason);
    expect(body.errors['input:source']).not.toMatch(/answered \d{3}|RestError|Exception/);
    await settle(100);
    expect(proposalsIn(h, diagnosis)).toHaveLength(0);
    expect(armWrites(h)).toBe(0);
  });

  test('a range within the limit is proposed, taken as its network address', async () => {
    const proposal = await propose(h, diagnosis, FIX, ALICE, { 'input:source': '203.0.113.21/28' });
    expect(textOf(proposal)).toContain('from 203.0.113.16/28');
  });
});

test('a deny at priority 100 cannot be overtaken: the modal says so plainly and what to do instead', async () => {
  const h = await start((harness) => {
    const sandbox = harness.azure.sandbox!;
    const nsg = sandbox.state.nsgs.find(
      sandbox.subscriptionId,
      RESOURCE_GROUP,
      'Microsoft.Network/networkSecurityGroups',
      `${VM}-nsg`,
    );
    const deny = nsg?.rules.find((r) => r.name === 'DenyRdpAll');
    if (!deny) throw new Error('the scenario has no DenyRdpAll');
    deny.priority = 100;
  });
  try {
    const diagnosis = await diagnosed(h, VM, 'from 203.0.113.10', ALICE);
    const answer = JSON.parse((await submitSource(h, diagnosis, '203.0.113.10')).body) as {
      errors: Record<string, string>;
    };
    expect(answer.errors['input:source']).toMatch(
      /Rule DenyRdpAll in NSG nsg-denies-rdp-nsg denies TCP 3389 from 203\.0\.113\.10 at priority 100, the highest an NSG rule can have, so no allow rule can go ahead of it: narrow rule DenyRdpAll/,
    );
    await settle(100);
    expect(proposalsIn(h, diagnosis)).toHaveLength(0);
    expect(armWrites(h)).toBe(0);
  } finally {
    await h.stop();
  }
});
