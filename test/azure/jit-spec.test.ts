import fs from 'node:fs';
import path from 'node:path';
import { jitGatherer } from '../../src/azure/gatherers/jit';
import type { Finding } from '../../src/diagnosis/report';
import { DEFAULT_FIX_POLICY, FixRefusal } from '../../src/fixes/fix';
import { jitRequestAccess } from '../../src/fixes/jit-request-access';
import { healthyFacts, ok } from '../fixtures/facts';
import { context, replay, vmFacts } from './arm-replay';

// JIT against the Security spec's own examples (2020-01-01): the policy list read through the real SDK
// client becomes the facts the fix plans from, and the initiate body the SDK sends has the shape of the
// spec's initiate example. A source outside the policy's allowed prefixes is refused before any request.

const DIR = path.join(
  __dirname,
  '../fixtures/rest-specs/specification/security/resource-manager/Microsoft.Security',
);
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as unknown;
const LIST = read(
  'Security/stable/2020-01-01/examples/JitNetworkAccessPolicies/GetJitNetworkAccessPoliciesResourceGroup_example.json',
);
const INITIATE = read(
  'stable/2020-01-01/examples/JitNetworkAccessPolicies/InitiateJitNetworkAccessPolicy_example.json',
);

const listBody = () =>
  structuredClone((LIST as { responses: { 200: { body: { value: unknown[] } } } }).responses[200].body);
const VM_ID =
  '/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourceGroups/myRg1/providers/Microsoft.Compute/virtualMachines/vm1';

/** Keys and value kinds, recursively (arrays by their first item): the shape, not the values. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length > 0 ? shape(value[0]) : null];
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort()
        .map(([k, v]) => [k, shape(v)]),
    );
  return typeof value;
}

async function planWith(body: unknown, source: string) {
  const vm = vmFacts({ id: VM_ID, name: 'vm1', resourceGroup: 'myRg1' });
  const fake = replay([
    {
      method: 'GET',
      path: /\/resourceGroups\/myRg1\/providers\/Microsoft\.Security\/jitNetworkAccessPolicies$/i,
      body,
    },
  ]);
  const jit = await jitGatherer.gather(context(fake, {}, vm));
  const facts = { ...healthyFacts(), vm: ok(vm), jit: ok(jit) };
  const finding = { cause: 'jit-access-not-requested', fixes: ['jit-request-access'] } as unknown as Finding;
  const plan = jitRequestAccess.plan({
    facts,
    finding,
    input: { source, durationMinutes: '30' },
    policy: DEFAULT_FIX_POLICY,
  });
  return { vm, facts, plan };
}

describe('JIT against the spec examples', () => {
  it("sends an initiate body shaped like the spec's example, for a source the policy's '*' allows", async () => {
    const { vm, facts, plan } = await planWith(listBody(), '203.0.113.10');
    expect(plan.params).toMatchObject({ policyName: 'default', port: 3389, durationMinutes: 30 });
    const initiate = (INITIATE as { parameters: { body: unknown } }).parameters.body;
    const fake = replay([
      { method: 'POST', path: /\/jitNetworkAccessPolicies\/default\/initiate$/i, status: 202, body: {} },
    ]);
    await jitRequestAccess.execute({
      clients: fake.clients,
      sub: fake.sub,
      vm,
      facts,
      params: plan.params,
      proposer: 'U_ALICE',
      approvers: ['U_BOB'],
      proposalId: 'p-1',
      policy: DEFAULT_FIX_POLICY,
    });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0].url.pathname).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/myRg1/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default/initiate',
    );
    expect(fake.sent[0].url.searchParams.get('api-version')).toBe('2020-01-01');
    expect(shape(fake.sent[0].body)).toEqual(shape(initiate));
  });

  it("refuses a source outside the policy's allowedSourceAddressPrefixes, naming them", async () => {
    const body = listBody() as {
      value: { properties: { virtualMachines: { ports: Record<string, unknown>[] }[] } }[];
    };
    const port = body.value[0].properties.virtualMachines[0].ports[1];
    delete port.allowedSourceAddressPrefix;
    port.allowedSourceAddressPrefixes = ['192.127.0.0/24', '198.51.100.0/24'];
    await expect(planWith(body, '203.0.113.10')).rejects.toThrow(
      new FixRefusal(
        'JIT policy default grants TCP 3389 only to 192.127.0.0/24, 198.51.100.0/24: 203.0.113.10 is outside, so type an address inside those ranges.',
      ),
    );
    await expect(planWith(body, '192.127.0.2')).resolves.toMatchObject({
      plan: { params: { source: '192.127.0.2' } },
    });
  });
});
