import type { WebClient } from '@slack/web-api';
import type { Report } from '../../src/diagnosis/report';
import { DigestService } from '../../src/digest/service';
import type { RiskId } from '../../src/digest/risk';
import { RISKS } from '../../src/digest/risks';
import { createLogger } from '../../src/logger';
import {
  startFakeSlack,
  validateMessageBlocks,
  type FakeMessage,
  type FakeSlack,
} from '@rdp-doctor/slack-fake';
import { digestCommands, type DigestCommands } from '../../src/slack/digests';
import type { SlackMessage } from '../../src/slack/blocks/types';
import { openStore, type Store } from '../../src/store';
import { readRiskListValue } from '../../src/slack/blocks/digest-buttons';
import { findButton } from '../support/slack-harness';
import { clientFor } from '../slack/fake/client';
import { tempDataDir } from '../store/support';
import { startFleetHarness, type FleetHarness } from './harness';
import { registry } from '../../src/metrics';

// The digest end to end: `/rdp digest add` and `run` against the sandbox fleet through the real SDK, the
// store, and the fake Slack (which refuses whatever real Slack would).

const CHANNEL = 'C0DIGEST01';
const ALICE = 'U0ALICE';

let h: FleetHarness;
let fake: FakeSlack;
let client: WebClient;
let store: Store;
let digests: DigestCommands;

beforeAll(async () => {
  // Every running machine's agent is read, so each sprinkled silent agent is listed.
  h = await startFleetHarness({ scenarios: [], fleet: { size: 600, seed: 3 } }, { agentReadsCap: Infinity });
  fake = await startFakeSlack();
  client = clientFor(fake);
  store = await openStore({ dataDir: tempDataDir() });
  const service = new DigestService({
    reader: h.reader,
    store,
    configuredSubscriptions: [h.sandbox.subscriptionId],
    // Every flagged machine, so the starved ones are all measured.
    metricsCap: 100,
  });
  digests = digestCommands({ store, service, client, logger: createLogger('silent') });
});
afterAll(async () => {
  await store.close();
  await fake.stop();
  await h.sandbox.stop();
});

async function command(action: 'add' | 'list' | 'remove' | 'run', args: string[]): Promise<SlackMessage[]> {
  const answers: SlackMessage[] = [];
  await digests.command({
    action,
    args,
    channel: CHANNEL,
    user: ALICE,
    respond: async (m) => void answers.push(m),
  });
  return answers;
}

/** The digest posted last: its main message and thread replies, as one text. */
function lastDigest(): { main: FakeMessage; text: string } {
  const posted = fake.messages.filter((m) => m.channel === CHANNEL && !m.ephemeral);
  const main = posted.filter((m) => m.thread_ts === undefined).pop()!;
  const thread = posted.filter((m) => m.thread_ts === main.ts);
  const text = [main, ...thread].map((m) => JSON.stringify(m.blocks)).join('\n');
  return { main, text };
}

const title = (risk: RiskId) => RISKS.find((rule) => rule.id === risk)!.title;

/** What the digest shows of `risk`: its own text, and every page of the risk's list when it has one. */
async function shownOf(main: FakeMessage, risk: RiskId): Promise<string> {
  const shown = [JSON.stringify(main.blocks)];
  let value = readRiskListValue(findButton(main, `digest-list:${risk}`)?.value);
  while (value) {
    const page = await digests.riskList(value, CHANNEL);
    shown.push(JSON.stringify(page.blocks));
    value = readRiskListValue(findButton({ ...main, blocks: page.blocks }, 'digest-list:next')?.value);
  }
  return shown.join('\n');
}

function reportFor(vmId: string, vmName: string): Report {
  const at = new Date().toISOString();
  return {
    schemaVersion: 1,
    vm: {
      id: vmId,
      name: vmName,
      resourceGroup: 'rg-fleet-000',
      subscriptionId: h.sandbox.subscriptionId,
      location: 'westeurope',
      osType: 'Windows',
      powerState: 'running',
    },
    symptom: 'timeout',
    source: '203.0.113.10',
    startedAt: at,
    finishedAt: at,
    verdict: { layer: 'network', causes: ['public-ip-dynamic'], summary: 'The public IP is dynamic.' },
    layers: [],
    checks: [],
    findings: [],
  };
}

test('a digest of the sandbox fleet names every risk and the machines that carry it, then shows a fix as resolved', async () => {
  const [added] = await command('add', ['weekdays', '08:30', 'Europe/Paris']);
  expect(added.text).toMatch(
    /^Digest `[0-9a-f]{8}` added: weekdays at 08:30 \(Europe\/Paris\), the configured subscriptions\.$/,
  );
  const id = /`([0-9a-f]{8})`/.exec(added.text)![1];

  const [running] = await command('run', [id]);
  expect(running.text).toContain('Taking digest');
  const first = lastDigest();
  expect(first.main.text).toMatch(/600 machines, \d+ at risk/);
  expect(first.text).toContain('This is the first digest here');
  const manifest = h.sandbox.fleet!;
  for (const [risk, names] of Object.entries(manifest) as [RiskId, string[]][]) {
    expect(first.text).toContain(title(risk));
    const shown = await shownOf(first.main, risk);
    for (const name of names)
      expect({ risk, name, listed: shown.includes(name) }).toEqual({ risk, name, listed: true });
  }

  // Between the digests: someone diagnoses a machine and proposes the fix, the fix makes its public IP
  // static, and a healthy machine is deallocated.
  const fixed = manifest['dynamic-public-ip'][0];
  const vm = [...h.sandbox.state.vms.values()].find((candidate) => candidate.name === fixed)!;
  await store.saveSnapshot({
    runId: 'run-1',
    vmId: vm.id,
    requestedBy: [ALICE],
    facts: null,
    channel: CHANNEL,
    messageTs: null,
    report: reportFor(vm.id, vm.name),
  });
  await store.createProposal({
    vmId: vm.id,
    vmName: vm.name,
    fixId: 'make-public-ip-static',
    cause: 'public-ip-dynamic',
    params: {},
    proposer: ALICE,
    approvalsRequired: 1,
    expiresAt: new Date(Date.now() + 15 * 60_000),
  });
  const network = h.clients.forSubscription(h.sandbox.subscriptionId).network;
  const pip = await network.publicIPAddresses.get(vm.resourceGroup, `${fixed}-pip`);
  await network.publicIPAddresses.beginCreateOrUpdateAndWait(vm.resourceGroup, `${fixed}-pip`, {
    ...pip,
    publicIPAllocationMethod: 'Static',
  });
  const risky = new Set(Object.values(manifest).flat());
  const stopped = [...h.sandbox.state.vms.values()].find(
    (candidate) =>
      !risky.has(candidate.name) &&
      candidate.powerState === 'running' &&
      !candidate.nicIds.some((nic) => h.sandbox.state.nics.get(nic)?.publicIpId),
  )!;
  // The sandbox serves start and restart only; a deallocation is a change to its world.
  stopped.powerState = 'deallocated';
  stopped.offlineSince = Date.now();

  await command('run', [id]);
  const second = lastDigest();
  expect(second.main.ts).not.toBe(first.main.ts);
  expect(second.text).toContain(`2 changed* since the last digest`);
  expect(second.text).toContain(
    `:new: 1 new: *${stopped.name}* ${title('stopped-unexpectedly').toLowerCase()}`,
  );
  expect(second.text).toContain(
    `:white_check_mark: 1 resolved: *${fixed}* ${title('dynamic-public-ip').toLowerCase()}`,
  );
  expect(second.text).toContain('1 diagnosis, 1 fix proposal');
  expect(second.text).toContain(`fix \`make-public-ip-static\` on *${fixed}*`);

  // A day later nothing moved: the machine stopped last time is still a risk, not a resolved one.
  await command('run', [id]);
  const third = lastDigest();
  expect(third.text).toContain('nothing changed since the last digest');
  expect(await shownOf(third.main, 'stopped-unexpectedly')).toContain(`*${stopped.name}*`);

  const [list] = await command('list', []);
  expect(list.text).toBe('1 digest in this channel');
  expect(JSON.stringify(list.blocks)).toContain('last posted');
});

test('a digest that cannot be built says so in the channel, once: why in plain words, and when it tries next', async () => {
  const [added] = await command('add', ['daily', '07:00', 'UTC']);
  const id = /`([0-9a-f]{8})`/.exec(added.text)![1];
  const subscription = (await store.listSubscriptions(CHANNEL)).find((s) => s.id.startsWith(id))!;
  // Resource Graph answers one machine without a column the inventory reads: a row of another shape.
  const vm = [...h.sandbox.state.vms.values()][0];
  const location = vm.location;
  (vm as { location: string | undefined }).location = undefined;
  const channel = () => fake.messages.filter((m) => m.channel === CHANNEL && !m.ephemeral);
  const before = channel().length;
  const runs = { failed: await digestRuns('failed'), posted: await digestRuns('posted') };
  try {
    await command('run', [id]);
  } finally {
    vm.location = location;
  }
  const posted = channel().slice(before);
  expect(posted).toHaveLength(1);
  expect(await digestRuns('failed')).toBe(runs.failed + 1);
  const text = JSON.stringify(posted[0].blocks);
  expect(posted[0].text).toMatch(/^The RDP health digest could not be built: /);
  expect(text).toContain(
    'Azure Resource Graph answered the fleet machines query with a row that has no column location',
  );
  expect(text).toContain(vm.id);
  expect(text).toMatch(/The next try is \d{4}-\d\d-\d\d 07:00 UTC \(daily at 07:00 \(UTC\)\)\./);
  expect(validateMessageBlocks(posted[0].blocks ?? [])).toEqual([]);
  // Nothing is remembered of a digest that was not built; the next run builds it.
  expect((await store.getSubscription(subscription.id))?.lastReport).toBeNull();
  await command('run', [id]);
  expect(lastDigest().main.text).toMatch(/^RDP health digest: 600 machines/);
  expect(await digestRuns('posted')).toBe(runs.posted + 1);
});

/** rdp_doctor_digest_runs_total for one outcome, as /metrics serves it. */
async function digestRuns(outcome: 'posted' | 'failed'): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'rdp_doctor_digest_runs_total');
  return metric?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}
