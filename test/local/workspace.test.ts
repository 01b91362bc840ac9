import { PROPOSAL_STATES } from '../../src/approvals/states';
import type { PageMessage, PageView } from '@rdp-doctor/local-workspace/live-feed';
import { BlockKitRenderer, UNSUPPORTED } from '@rdp-doctor/local-workspace/render/block-kit';
import { messageBodyHtml } from '@rdp-doctor/local-workspace/render/surfaces';
import { scenarios } from '@rdp-doctor/azure-sandbox';
import { fixResultMessage, proposalMessage, secretMessage } from '../../src/slack/blocks/proposal';
import type { Proposal } from '../../src/store';
import { controlsIn, startTestWorkspace, type EventStream, type TestWorkspace } from './support';

// Local mode end to end without a browser: the page's requests through the relay to the real app, against
// the sandbox, and back as the drawn HTML each person's page receives. Every message the app can build is
// drawn here, and none may need the "unsupported" placeholder.

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';

let ws: TestWorkspace;
let alice: EventStream;
let bob: EventStream;
let carol: EventStream;

beforeAll(async () => {
  ws = await startTestWorkspace({ sandbox: { latency: 'off' } });
  [alice, bob, carol] = await Promise.all([ws.events(ALICE), ws.events(BOB), ws.events(CAROL)]);
}, 60_000);

afterAll(async () => {
  await ws.stop();
});

const type = (as: string, text: string) => ws.post('/local/type', { as, text });

/** The text a person types for a scenario: its VM and the request that demonstrates its cause. */
function command(scenario: (typeof scenarios)[number]): string {
  const { symptom, source, host } = scenario.request;
  return [
    `/rdp ${scenario.name}`,
    symptom === 'unknown' ? '' : symptom,
    source ? `from ${source}` : '',
    host ? `host ${host}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The message `as` typing `text` led to: the finished (or stopped) diagnosis of `name`, or a private answer naming it. */
async function answered(stream: EventStream, as: string, text: string, name: string): Promise<PageMessage> {
  const from = stream.events.length;
  const sent = await type(as, text);
  expect(sent).toEqual({ status: 200, body: { ok: true } });
  const event = await stream.waitFor(
    (e) => {
      if (e.event !== 'message') return false;
      const m = e.data as PageMessage;
      if (m.ephemeral) return m.html.includes(name);
      return m.html.includes(`>🩺 ${name}<`) && /finished in|The diagnosis stopped/.test(m.html);
    },
    60_000,
    from,
  );
  return event.data as PageMessage;
}

function current(stream: EventStream, test: (m: PageMessage) => boolean): PageMessage | undefined {
  return [...stream.current().values()].reverse().find(test);
}

function control(message: { html: string }, actionId: string): { blockId: string; actionId: string } {
  const found = controlsIn(message.html).find((c) => c.actionId === actionId);
  if (!found) throw new Error(`no control ${actionId} in ${message.html.slice(0, 200)}`);
  return found;
}

describe('the page and its relay', () => {
  it('serves the page with a content security policy, and refuses requests that are not the page’s', async () => {
    const page = await fetch(ws.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('LOCAL MODE');
    const form = await fetch(`${ws.url}local/type`, { method: 'POST', body: `as=${ALICE}&text=/rdp help` });
    expect(form.status).toBe(415);
    expect((await ws.post('/local/type', { as: 'U0MALLORY', text: 'hi' })).status).toBe(400);
    expect((await fetch(`${ws.url}local/events`)).status).toBe(400);
    expect(await type(ALICE, '/deploy prod')).toEqual({
      status: 400,
      body: { ok: false, error: '/deploy is not a command in this workspace: only /rdp is installed.' },
    });
  });

  it('logs LOCAL MODE first, then the page address', () => {
    const messages = ws.logLines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages[0]).toMatch(/^LOCAL MODE: .*FAKE Slack.*SANDBOX Azure.*never production/);
    expect(messages.find((m) => m.includes('http://localhost:'))).toBe(
      `LOCAL MODE: open ${ws.url} to use rdp-doctor as Alice, Bob or Carol in #incidents`,
    );
  });

  it('shows plain text as the person’s message, to everyone, escaped', async () => {
    const from = bob.events.length;
    await type(ALICE, 'is anyone on <@U0BOB> *vm-web-01*?');
    const seen = (await bob.waitFor((e) => e.event === 'message', 5000, from)).data as PageMessage;
    expect(seen.author).toEqual({ id: ALICE, name: 'Alice', bot: false });
    expect(seen.html).toContain('is anyone on &lt;@U0BOB&gt; <span class="slack_bold">vm-web-01</span>?');
  });
});

describe('every message the app builds, drawn', () => {
  // vm-hung's Run Command never ends, and through the app the guest check waits the two minutes it gives real
  // Azure; its message until then is the running message every other scenario shows too.
  const diagnosed = scenarios.filter((s) => s.name !== 'vm-hung');
  const answers = new Map<string, PageMessage>();

  beforeAll(async () => {
    for (let i = 0; i < diagnosed.length; i += 8) {
      const batch = diagnosed.slice(i, i + 8);
      await Promise.all(
        batch.map(async (s) => answers.set(s.name, await answered(alice, ALICE, command(s), s.name))),
      );
    }
  }, 240_000);

  it.each(diagnosed.map((s) => [s.name]))('/rdp %s', (name) => {
    expect(answers.get(name)?.html).not.toContain(UNSUPPORTED);
  });

  it('the messages before the verdict, as each layer reported', () => {
    const running = alice.messages().filter((m) => m.html.includes('checking…'));
    expect(running.length).toBeGreaterThan(diagnosed.length / 2);
    expect(running.filter((m) => m.html.includes(UNSUPPORTED))).toEqual([]);
  });

  it('help, bad input, an ambiguous name and its picker, the symptom picker', async () => {
    expect((await answered(alice, ALICE, '/rdp help', 'Symptoms')).html).toContain(
      'rdp-doctor: why does this VM',
    );
    expect(
      (await answered(alice, ALICE, '/rdp vm-healthy from 999.1.1.1', 'not an IP address')).html,
    ).toContain('⚠️');
    const picker = await answered(carol, CAROL, '/rdp vm-dup', 'vm-dup');
    expect(picker.ephemeral).toBe(true);
    const pick = control(picker, 'pick-vm');
    const from = carol.events.length;
    expect((await ws.post('/local/action', { as: CAROL, ts: picker.ts, ...pick })).status).toBe(200);
    // The app deletes the picker through the response_url of the click, and starts the run.
    await carol.waitFor(
      (e) => e.event === 'remove' && (e.data as { id: string }).id === picker.id,
      10_000,
      from,
    );
    await carol.waitFor(
      (e) =>
        e.event === 'message' &&
        /vm-dup/.test((e.data as PageMessage).html) &&
        /finished in/.test((e.data as PageMessage).html),
      30_000,
      from,
    );

    // The symptom only re-ranks the causes of a layer that has several: guest-not-booted's, asked without one.
    const finished = await answered(alice, ALICE, '/rdp guest-not-booted', 'guest-not-booted');
    const select = control(finished, 'symptom:select');
    const before = alice.events.length;
    expect(
      (await ws.post('/local/action', { as: BOB, ts: finished.ts, ...select, selected: 'credentials' }))
        .status,
    ).toBe(200);
    const reranked = await alice.waitFor(
      (e) => e.event === 'message' && (e.data as PageMessage).id === finished.id,
      10_000,
      before,
    );
    expect((reranked.data as PageMessage).html).toContain('symptom: credentials');
  });

  it('digests: added, listed, and one posted to the channel with its thread', async () => {
    const added = await answered(alice, ALICE, '/rdp digest add daily 09:00 UTC', 'added');
    const id = /Digest <span class="slack_code"><code>([0-9a-f]{8})<\/code>/.exec(added.html)![1];
    expect((await answered(alice, ALICE, '/rdp digest list', 'Digests in this channel')).html).toContain(id);
    const from = bob.events.length;
    await type(ALICE, `/rdp digest run ${id}`);
    const digest = await bob.waitFor(
      (e) => e.event === 'message' && (e.data as PageMessage).html.includes('RDP health digest'),
      30_000,
      from,
    );
    expect((digest.data as PageMessage).html).toMatch(/machines/);
  });

  it('a fix: its modal refuses a bad address on the field, proposes, Alice cannot approve her own, Carol denies with a reason', async () => {
    const diagnosis = current(alice, (m) => m.inChannel && m.html.includes('fix:nsg-allow-rdp-from-source'))!;
    const fix = control(diagnosis, 'fix:nsg-allow-rdp-from-source');
    const opened = alice.events.length;
    expect((await ws.post('/local/action', { as: ALICE, ts: diagnosis.ts, ...fix })).status).toBe(200);
    const modal = (await alice.waitFor((e) => e.event === 'view', 10_000, opened)).data as PageView;
    expect(modal.callbackId).toBe('fix-params');
    expect(bob.views()).toHaveLength(0);
    const [field] = controlsIn(modal.html);
    const submit = (value: string) =>
      ws.post('/local/view-submit', {
        as: ALICE,
        viewId: modal.id,
        values: { [field.blockId]: { [field.actionId]: value } },
      });

    // Slack's client holds back an empty required field; the app refuses a wide range on the field.
    expect((await submit('  ')).body).toEqual({
      ok: true,
      errors: { [field.blockId]: 'Please complete this required field.' },
    });
    const wide = await submit('0.0.0.0/0');
    expect(Object.values(wide.body.errors as object).join(' ')).toMatch(/0\.0\.0\.0\/0/);

    const from = bob.events.length;
    expect((await submit('203.0.113.10')).body).toEqual({ ok: true, closed: true });
    await alice.waitFor((e) => e.event === 'view-closed' && (e.data as { id: string }).id === modal.id, 5000);
    const proposed = (
      await bob.waitFor(
        (e) => e.event === 'message' && (e.data as PageMessage).html.includes('approve-fix'),
        10_000,
        from,
      )
    ).data as PageMessage;
    expect(proposed.threadTs).toBe(diagnosis.ts);
    expect(proposed.inChannel).toBe(true);

    const aliceFrom = alice.events.length;
    await ws.post('/local/action', { as: ALICE, ts: proposed.ts, ...control(proposed, 'approve-fix') });
    const refusal = (
      await alice.waitFor(
        (e) => e.event === 'message' && (e.data as PageMessage).ephemeral,
        10_000,
        aliceFrom,
      )
    ).data as PageMessage;
    expect(refusal.html).toMatch(/You proposed this fix; a second person must approve it/);

    const carolFrom = carol.events.length;
    await ws.post('/local/action', { as: CAROL, ts: proposed.ts, ...control(proposed, 'deny-fix') });
    const denyModal = (await carol.waitFor((e) => e.event === 'view', 10_000, carolFrom)).data as PageView;
    expect(denyModal.callbackId).toBe('deny-reason');
    const [reason] = controlsIn(denyModal.html);
    const denied = await ws.post('/local/view-submit', {
      as: CAROL,
      viewId: denyModal.id,
      values: { [reason.blockId]: { [reason.actionId]: 'Use the VPN & Bastion <instead>' } },
    });
    expect(denied.body).toEqual({ ok: true, closed: true });
    const redrawn = await bob.waitFor(
      (e) =>
        e.event === 'message' &&
        (e.data as PageMessage).id === proposed.id &&
        (e.data as PageMessage).html.includes('Denied'),
      10_000,
      from,
    );
    expect((redrawn.data as PageMessage).html).toContain('Use the VPN &amp; Bastion &lt;instead&gt;');
    expect((await answered(carol, CAROL, '/rdp audit nsg-denies-rdp', 'Fix audit trail')).html).toContain(
      'denied',
    );
  });

  it('the boot screenshot, uploaded to a thread, shows as an image served by the page', async () => {
    const withFile = [...bob.current().values()].find((m) => m.html.includes('/local/files/'))!;
    const src = /src="(\/local\/files\/[^"]+)"/.exec(withFile.html)![1];
    const image = await fetch(`${ws.url}${src.slice(1)}`);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString('ascii'),
    ).toBe('PNG');
  });

  it('drew every message and modal without a placeholder, each person seeing only their own private answers', async () => {
    await alice.settled();
    const everything = [alice, bob, carol].flatMap((s) => [...s.messages(), ...s.views()]);
    expect(everything.length).toBeGreaterThan(scenarios.length);
    expect(everything.filter((m) => m.html.includes(UNSUPPORTED))).toEqual([]);
    const actions = new Set(
      everything.flatMap((m) => controlsIn(m.html).map((c) => c.actionId.replace(/^fix:.*/, 'fix:'))),
    );
    expect([...actions].sort()).toEqual([
      'approve-fix',
      'deny-fix',
      'digest-diagnose:0',
      'digest-diagnose:1',
      'digest-fix:make-public-ip-static:0',
      'digest-list:no-jit-no-bastion',
      'fix:',
      'pick-vm',
      'rerun-diagnosis',
      'symptom:select',
      'value',
    ]);
    expect(bob.messages().filter((m) => m.ephemeral)).toEqual([]);
    expect(alice.messages().some((m) => m.ephemeral)).toBe(true);
  });
});

describe('proposals in every state, drawn', () => {
  const renderer = new BlockKitRenderer({ users: {}, channels: {} });
  const proposal = (state: Proposal['state']): Proposal => ({
    id: '7d1c0e9e-5d43-4a55-9d1f-3f6f7f7f0001',
    vmId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-01',
    vmName: 'vm-web-01',
    fixId: 'nsg-allow-rdp-from-source',
    cause: 'nsg-denies-rdp',
    params: { source: '203.0.113.10' },
    description: 'Add inbound rule Allow-RDP-203.0.113.10-32-rdpdoctor in NSG web-01-nsg at priority 109.',
    proposer: ALICE,
    approvalsRequired: 1,
    state,
    reason: state === 'proposed' ? null : 'Verified: the rule allows TCP 3389',
    decidedBy: state === 'proposed' ? null : BOB,
    createdAt: '2026-03-04T09:00:00.000Z',
    expiresAt: '2026-03-04T09:15:00.000Z',
    updatedAt: '2026-03-04T09:01:00.000Z',
    version: 1,
    channel: 'C0INCIDENTS',
    messageTs: '1.1',
    threadTs: '1.0',
  });

  it.each(PROPOSAL_STATES.map((s) => [s]))('%s', (state) => {
    const message = proposalMessage({
      proposal: proposal(state),
      fixTitle: 'Allow RDP from your address',
      causeTitle: 'A network security group denies the RDP port',
      description: 'Add inbound rule Allow-RDP-203.0.113.10-32-rdpdoctor',
      approvedBy: state === 'proposed' ? [] : [BOB],
      deniedBy: state === 'denied' ? CAROL : null,
      approverSetting:
        state === 'expired' ? { kind: 'listed', ids: ['S0ONCALL', BOB] } : { kind: 'any-member' },
    });
    const html = messageBodyHtml(renderer, message);
    expect(html).not.toContain(UNSUPPORTED);
    expect(controlsIn(html).map((c) => c.actionId)).toEqual(
      state === 'proposed' ? ['approve-fix', 'deny-fix'] : [],
    );
  });

  it('the result and the one-time password', () => {
    const result = fixResultMessage({
      proposal: proposal('succeeded'),
      fixTitle: 'Allow RDP',
      detail: 'Verified.',
      correlationId: 'c0ffee',
    });
    const secret = secretMessage({ vmName: 'vm-web-01', userName: 'azureuser', secret: 'Xy7!kq' });
    for (const message of [result, secret])
      expect(messageBodyHtml(renderer, message)).not.toContain(UNSUPPORTED);
    expect(messageBodyHtml(renderer, secret)).toContain('<code>Xy7!kq</code>');
  });
});
