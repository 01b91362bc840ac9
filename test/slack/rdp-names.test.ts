import { scenarios } from '@rdp-doctor/azure-sandbox/scenarios';
import type { FakeMessage } from '@rdp-doctor/slack-fake';
import {
  CHANNEL,
  scenarioAzure,
  startHarness,
  type Harness,
  type SandboxEnvironment,
} from '../support/slack-harness';

// `/rdp` with names Azure would refuse: the person is told privately what is wrong with the name, and
// no request reaches ARM, so a `.` or `..` can never collapse an ARM path into another resource's.

let h: Harness;
let azure: SandboxEnvironment;

beforeAll(async () => {
  azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === 'vm-healthy') });
  h = await startHarness({ azure });
});

afterAll(async () => {
  await h.stop();
  await azure.close();
});

const SUB = '5a4d0b0c-0000-4000-8000-000000000001';
let seq = 0;

async function privateAnswerTo(act: (user: string) => Promise<Response>): Promise<string> {
  const user = `U0NAME${++seq}`;
  const response = await act(user);
  expect(response.status).toBe(200);
  const [answer] = await h.waitFor(() => {
    const found = h.fake.messages.filter((m: FakeMessage) => m.ephemeral && m.user === user);
    return found.length > 0 ? found : undefined;
  });
  return `${answer.text}\n${JSON.stringify(answer.blocks ?? [])}`;
}

describe('a name Azure would refuse is answered with what is wrong, and ARM is never asked', () => {
  it.each([
    ['.', /is not a VM name: it starts with/],
    ['..', /is not a VM name: it starts with/],
    ['rg-sandbox/..', /is not a VM name: it starts with/],
    ['rg-sandbox/.', /is not a VM name: it starts with/],
    ['../vm-healthy', /is not a resource group name: it ends with/],
    ['%2e%2e', /is not a VM name: it contains '%'/],
    ['rg-sandbox/%2e%2e', /is not a VM name: it contains '%'/],
    ['vm-héalthy', /is not a VM name: it contains 'é' \(U\+00E9\)/],
    ['x'.repeat(65), /it is 65 characters long; Azure allows at most 64/],
    [`${'r'.repeat(91)}/vm`, /it is 91 characters long; Azure allows at most 90/],
    [
      `/subscriptions/${SUB}/resourceGroups/rg-sandbox/providers/Microsoft.Compute/virtualMachines/..`,
      /has a '\.\.' segment/,
    ],
  ])('/rdp %s', async (target, message) => {
    const requests = azure.sandbox!.requests.length;
    const answer = await privateAnswerTo((user) => h.command(target, { user }));
    expect(answer).toMatch(message);
    expect(azure.sandbox!.requests.length).toBe(requests);
  });

  it('a forged VM picker choice of rg-sandbox/.. is refused the same way', async () => {
    const requests = azure.sandbox!.requests.length;
    const answer = await privateAnswerTo((user) =>
      h.interact({
        type: 'block_actions',
        user: { id: user, username: 'x', name: 'x', team_id: h.fake.teamId },
        api_app_id: 'A0RDPDOCTOR',
        team: { id: h.fake.teamId, domain: 'rdp-doctor' },
        trigger_id: h.fake.triggerId(),
        container: {
          type: 'message',
          message_ts: '1700000000.000100',
          channel_id: CHANNEL,
          is_ephemeral: true,
        },
        channel: { id: CHANNEL, name: 'incidents' },
        response_url: h.fake.responseUrl({ channel: CHANNEL, user }),
        actions: [
          {
            type: 'button',
            action_id: 'pick-vm',
            block_id: 'pick',
            action_ts: '1700000001.000200',
            value: JSON.stringify({ vm: 'rg-sandbox/..', request: 'vm-healthy' }),
          },
        ],
      }),
    );
    expect(answer).toMatch(/is not a VM name: it starts with/);
    expect(azure.sandbox!.requests.length).toBe(requests);
  });

  it('/rdp a/b looks up VM b in resource group a, by exactly that path', async () => {
    const requests = azure.sandbox!.requests.length;
    const answer = await privateAnswerTo((user) => h.command('a/b', { user }));
    expect(answer).toMatch(/cannot see a VM named b in resource group a/);
    const asked = azure.sandbox!.requests.slice(requests).map((r) => r.path);
    expect(asked.length).toBeGreaterThan(0);
    expect(
      asked.every((p) => p.endsWith('/resourceGroups/a/providers/Microsoft.Compute/virtualMachines/b')),
    ).toBe(true);
  });
});
