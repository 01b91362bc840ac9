import type { PageMessage } from '@rdp-doctor/local-workspace/live-feed';
import { startTestWorkspace, type EventStream, type TestWorkspace } from './support';

// The newcomer's path to a watch alert: add a watch from the page, press "add a hardening deny rule",
// and the alert arrives naming the rule, the colleague who added it and the VM it cut off.

const ALICE = 'U0ALICE';

let ws: TestWorkspace;

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the watch never took its first look');
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
  }
}
let alice: EventStream;

beforeAll(async () => {
  ws = await startTestWorkspace({ sandbox: { latency: 'off' } });
  alice = await ws.events(ALICE);
}, 60_000);

afterAll(async () => {
  await ws.stop();
});

it('a watch added from the page alerts when the hardening button denies RDP on vm-healthy', async () => {
  let from = alice.events.length;
  expect(await ws.post('/local/type', { as: ALICE, text: '/rdp watch add rg:rg-sandbox' })).toEqual({
    status: 200,
    body: { ok: true },
  });
  await alice.waitFor(
    (e) => e.event === 'message' && (e.data as PageMessage).html.includes('added'),
    30_000,
    from,
  );
  // The watch's first look records who reaches what; the change must come after it to be news.
  await until(() =>
    ws.logLines.some((line) => line.includes('"msg":"watch tick"') && line.includes('"started":1')),
  );
  from = alice.events.length;
  const pressed = await ws.post('/local/harden', { as: ALICE });
  expect(pressed.status).toBe(200);
  expect(pressed.body.message).toMatch(/^dana@contoso\.com added Deny-RDP-Hardening to vm-healthy's NSG/);
  const alert = await alice.waitFor(
    (e) => e.event === 'message' && (e.data as PageMessage).html.includes('Deny-RDP-Hardening'),
    30_000,
    from,
  );
  const html = (alert.data as PageMessage).html;
  expect(html).toContain('dana@contoso.com');
  expect(html).toMatch(/cuts \d+ VMs? off Remote Desktop/);
}, 90_000);
