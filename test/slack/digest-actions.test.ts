import { validateMessageBlocks, type FakeMessage } from '@rdp-doctor/slack-fake';
import { findButton, startHarness, type Harness } from '../support/slack-harness';
import { finalProposal, proposalIdOf, proposalsIn, textOf } from './approvals-support';

// The digest's actions through signed Slack requests (issue 12, item 12): a risk many machines share is
// one line, a count and a button that lists them; each risk's action is a button, diagnose or propose
// its fix through the same two-person flow, never text telling the reader what to type. The sandbox holds
// one machine per cause, most of them reached over a public RDP rule without JIT or Bastion.

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const SHARED = 'Reached over a public RDP rule, with neither JIT nor Bastion';

let h: Harness;
let digestId: string;
beforeAll(async () => {
  h = await startHarness({ env: { APPROVERS: '*' } });
  await h.command('digest add daily 09:00 UTC', { user: ALICE });
  const added = await h.waitFor(() => ephemeralsFor(ALICE).find((m) => m.text.includes(' added: ')));
  digestId = /`([0-9a-f]{8})`/.exec(added.text)![1];
});
afterAll(async () => {
  await h.stop();
});

function ephemeralsFor(user: string): FakeMessage[] {
  return h.fake.messages.filter((m) => m.ephemeral && m.user === user);
}

async function postedDigest(): Promise<FakeMessage> {
  const before = new Set(h.channelMessages().map((m) => m.ts));
  await h.command(`digest run ${digestId}`, { user: ALICE });
  return h.waitFor(() =>
    h.channelMessages().find((m) => !before.has(m.ts) && m.text.startsWith('RDP health digest')),
  );
}

/** The run's message for `vm` posted after `since` messages, once its details reached the thread. */
async function diagnosisOf(vm: string, since: number): Promise<FakeMessage> {
  return h.waitFor(() => {
    const message = h
      .channelMessages()
      .slice(since)
      .find((m) => m.text.startsWith(`${vm}:`) && textOf(m).includes(' · finished in '));
    return message && h.fake.messages.some((m) => m.thread_ts === message.ts) ? message : undefined;
  }, 30_000);
}

/** Every machine a list page names, as `name · resource group`, in order. */
const machinesOn = (page: FakeMessage) =>
  [...JSON.stringify(page.blocks).matchAll(/"text":"\*([^*]+)\* · ([^"]+)"/g)].map(
    (m) => `${m[1]} · ${m[2]}`,
  );

let digest: FakeMessage;
let shared: string[];

test('a risk many machines share is one line with a count and a list button; a rare risk names its machines, each with a button', async () => {
  digest = await postedDigest();
  const text = textOf(digest);
  expect(validateMessageBlocks(digest.blocks ?? [])).toEqual([]);

  const line = new RegExp(`:warning: \\*${SHARED}\\* · \\*(\\d+) machines\\*`).exec(text);
  expect(line).not.toBeNull();
  const count = Number(line![1]);
  expect(count).toBeGreaterThan(3);
  // None of the shared risk's machines is spelled out in the message: its evidence is not there.
  expect(text).not.toContain('no JIT policy holds port');
  expect(findButton(digest, 'digest-list:no-jit-no-bastion')).toBeDefined();

  // The rare risks: each machine named, and its action a button.
  expect(text).toContain('• *rdp-exposed-to-internet* (rg-sandbox)');
  expect(JSON.parse(JSON.stringify(findButton(digest, 'digest-fix:make-public-ip-static:0')))).toMatchObject({
    value: expect.stringMatching(/\/virtualMachines\/public-ip-dynamic$/),
  });
  expect(text).toContain('Diagnose rdp-exposed-to-internet');
  // Nothing tells the reader what to type.
  expect(text).not.toMatch(/\/rdp /);

  // The list, privately to whoever clicked, a page at a time, the page turned in place.
  await h.click(digest, 'digest-list:no-jit-no-bastion', BOB);
  const list = await h.waitFor(() => ephemeralsFor(BOB).find((m) => m.text.startsWith(SHARED)));
  expect(validateMessageBlocks(list.blocks ?? [])).toEqual([]);
  const first = machinesOn(list);
  expect(first).toHaveLength(Math.min(count, 40));
  expect(textOf(list)).toContain(`Machines 1–40 of ${count}`);
  await h.click(list, 'digest-list:next', BOB);
  await h.waitFor(() => list.history.length === 1);
  expect(validateMessageBlocks(list.blocks ?? [])).toEqual([]);
  const second = machinesOn(list);
  shared = [...first, ...second];
  expect(shared).toHaveLength(count);
  expect(new Set(shared).size).toBe(count);
  expect(findButton(list, 'digest-list:previous')).toBeDefined();
  expect(ephemeralsFor(BOB).filter((m) => m.text.startsWith(SHARED))).toHaveLength(1);

  // A listed machine's button diagnoses it in the channel.
  const since = h.channelMessages().length;
  await h.click(list, 'digest-diagnose:0', BOB);
  const [name] = second[0].split(' · ');
  const diagnosis = await diagnosisOf(name, since);
  expect(diagnosis.text).toContain(name);
});

test("a fix button diagnoses the machine and proposes the fix in the diagnosis thread, for another person's approval", async () => {
  const since = h.channelMessages().length;
  await h.click(digest, 'digest-fix:make-public-ip-static:0', ALICE);
  const diagnosis = await diagnosisOf('public-ip-dynamic', since);
  const proposal = await h.waitFor(() => proposalsIn(h, diagnosis)[0]);
  expect(textOf(proposal)).toContain(`<@${ALICE}>`);
  expect(textOf(proposal)).toContain('public-ip-dynamic');
  const id = proposalIdOf(proposal);

  // The proposer cannot approve it; another person can, and the fix runs.
  await h.click(proposal, 'approve-fix', ALICE);
  expect((await h.app.store.getProposal(id))?.state).toBe('proposed');
  await h.click(proposal, 'approve-fix', BOB);
  const done = await finalProposal(h, id);
  expect(done.state).toBe('succeeded');
  const pip = [...h.azure.sandbox.state.publicIps.values()].find((ip) => ip.name === 'public-ip-dynamic-pip');
  expect(pip?.allocation).toBe('Static');
});

test('a fix button whose machine no longer carries the risk proposes nothing and says so', async () => {
  const before = ephemeralsFor(ALICE).length;
  await h.click(digest, 'digest-fix:make-public-ip-static:0', ALICE);
  const answer = await h.waitFor(() =>
    ephemeralsFor(ALICE)
      .slice(before)
      .find((m) => m.text.includes('does not offer')),
  );
  expect(answer.text).toContain(
    'The diagnosis of public-ip-dynamic does not offer *Make public IP static* now',
  );
  await h.app.executor.idle();
  expect(await h.app.store.listProposalsSince(new Date(0), 10)).toHaveLength(1);
});

test('a list button of a digest a newer one replaced says so; one clicked in another channel lists nothing', async () => {
  const latest = await postedDigest();
  let before = ephemeralsFor(BOB).length;
  await h.click(digest, 'digest-list:no-jit-no-bastion', BOB);
  const answer = await h.waitFor(() => ephemeralsFor(BOB)[before]);
  expect(answer.text).toMatch(/^That list belongs to the digest of .*; the digest of .* replaced it/);

  before = ephemeralsFor(BOB).length;
  await h.click({ ...latest, channel: 'C0ELSEWHERE' }, 'digest-list:no-jit-no-bastion', BOB);
  const elsewhere = await h.waitFor(() => ephemeralsFor(BOB)[before]);
  expect(elsewhere.text).toBe(
    'That digest is not on record in this channel (removed, or posted elsewhere), so it has no list here.',
  );
});
