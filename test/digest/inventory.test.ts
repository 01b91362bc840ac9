import { AGENT_READS_CAP, azureFleetReader } from '../../src/azure/fleet';
import { assessFleet } from '../../src/digest/assess';
import type { RiskFinding, RiskId } from '../../src/digest/risk';
import { fleetJoiner } from '../../src/digest/inventory';
import {
  LOCATION,
  RESOURCE_GROUP,
  SECOND_RESOURCE_GROUP,
  subnetId,
} from '@rdp-doctor/azure-sandbox/foundation';
import { resourceId } from '@rdp-doctor/azure-sandbox/ids';
import { CONTEXT } from './support';
import { startFleetHarness, type FleetHarness } from './harness';

function risksByMachine(findings: readonly RiskFinding[]): Map<string, RiskId[]> {
  const map = new Map<string, RiskId[]>();
  for (const finding of findings)
    map.set(finding.machine.name, [...(map.get(finding.machine.name) ?? []), finding.risk]);
  return map;
}

describe('inventory of the scenario sandbox', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness();
  });
  afterAll(() => h.sandbox.stop());

  test('reads every machine of the subscription with one query set, one JIT list and one instance view per running machine', async () => {
    const since = Date.now();
    const inventory = await h.reader.inventory(h.scope);
    const expected = h.sandbox.state.vms.inSubscription(h.sandbox.subscriptionId).length;
    expect(inventory.machines).toHaveLength(expected);
    const running = inventory.machines.filter((m) => m.powerState === 'running').length;
    expect(inventory.calls).toBe(2 + 1 + running);
    expect(h.graphCalls(since)).toBe(2);
    expect(h.jitLists(since)).toBe(1);
    expect(inventory.warnings).toEqual([]);
    const jit = inventory.machines.find((m) => m.name === 'jit-access-not-requested');
    expect(jit?.jitPorts).toEqual([3389]);
    const healthy = inventory.machines.find(
      (m) => m.name === 'vm-healthy' && m.resourceGroup === RESOURCE_GROUP,
    );
    expect(healthy).toMatchObject({
      osType: 'Windows',
      powerState: 'running',
      agent: { status: 'ready' },
      bootDiagnostics: true,
      publicIp: {
        name: 'vm-healthy-pip',
        allocation: 'Static',
        fqdn: 'vm-healthy-sandbox.westeurope.cloudapp.azure.com',
      },
      bastion: null,
    });
    // The subnet's NSG and the NIC's, each closed by Azure's default rules.
    expect(healthy?.nsgs.map((g) => [g.scope, g.nsgId.split('/').pop()])).toEqual([
      ['subnet', 'snet-app-nsg'],
      ['nic', 'vm-healthy-nsg'],
    ]);
    expect(healthy?.nsgs[1].rules.map((r) => r.name)).toEqual([
      'securityRules/Allow-RDP-FromOffice',
      'defaultSecurityRules/AllowVnetInBound',
      'defaultSecurityRules/AllowAzureLoadBalancerInBound',
      'defaultSecurityRules/DenyAllInBound',
    ]);
  });

  test('the scenario machines carry the risks their causes warn of', async () => {
    const { machines } = await h.reader.inventory(h.scope);
    const risks = risksByMachine(assessFleet(machines, CONTEXT));
    expect(risks.get('rdp-exposed-to-internet')).toContain('rdp-open-to-internet');
    expect(risks.get('nsg-denies-rdp')).toContain('nsg-rule-shadows-rdp-allow');
    expect(risks.get('boot-diagnostics-disabled')).toContain('boot-diagnostics-off');
    expect(risks.get('vm-agent-unhealthy')).toContain('agent-not-ready');
    expect(risks.get('public-ip-dynamic')).toContain('dynamic-public-ip');
    // Reached over the office rule with neither JIT nor Bastion: the one risk of the healthy machine.
    expect(risks.get('vm-healthy')).toEqual(['no-jit-no-bastion']);
    expect(risks.get('jit-access-not-requested') ?? []).not.toContain('no-jit-no-bastion');
    expect(risks.get('public-ip-missing') ?? []).not.toContain('no-jit-no-bastion');
  });

  test('resource group and tag terms narrow the query', async () => {
    const [tagged] = h.sandbox.state.vms.inResourceGroup(h.sandbox.subscriptionId, RESOURCE_GROUP);
    tagged.tags = { env: 'prod' };
    const byTag = await h.reader.inventory({ ...h.scope, tags: [{ key: 'env', value: 'prod' }] });
    expect(byTag.machines.map((m) => m.name)).toEqual([tagged.name]);
    const byGroup = await h.reader.inventory({ ...h.scope, resourceGroups: [SECOND_RESOURCE_GROUP] });
    const second = h.sandbox.state.vms.inResourceGroup(h.sandbox.subscriptionId, SECOND_RESOURCE_GROUP);
    expect(byGroup.machines.map((m) => m.name).sort()).toEqual(second.map((vm) => vm.name).sort());
    expect(second.length).toBeGreaterThan(0);
    const both = await h.reader.inventory({
      ...h.scope,
      resourceGroups: [SECOND_RESOURCE_GROUP],
      tags: [{ key: 'env', value: 'prod' }],
    });
    expect(both.machines).toEqual([]);
  });

  test("a tag value with a quote stays inside the query's string literal", async () => {
    const inventory = await h.reader.inventory({
      ...h.scope,
      tags: [{ key: 'env', value: "prod' or name != '" }],
    });
    expect(inventory.machines).toEqual([]);
  });

  test('a Bastion host in the virtual network covers its machines', async () => {
    const sub = h.sandbox.subscriptionId;
    h.sandbox.state.bastionHosts.set({
      id: resourceId(sub, RESOURCE_GROUP, 'Microsoft.Network/bastionHosts', 'bas-sandbox'),
      name: 'bas-sandbox',
      resourceGroup: RESOURCE_GROUP,
      subscriptionId: sub,
      location: LOCATION,
      subnetId: subnetId(sub, 'AzureBastionSubnet'),
    });
    const { machines } = await h.reader.inventory(h.scope);
    expect(machines.find((m) => m.name === 'vm-healthy')?.bastion).toBe('bas-sandbox');
    expect(assessFleet(machines, CONTEXT).filter((f) => f.risk === 'no-jit-no-bastion')).toEqual([]);
  });
});

describe('inventory of a generated fleet', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    // Every running machine's agent is read here, so each sprinkled silent agent is found.
    h = await startFleetHarness(
      { scenarios: [], fleet: { size: 2500, seed: 7 } },
      { agentReadsCap: Infinity },
    );
  });
  afterAll(() => h.sandbox.stop());

  test('pages through Resource Graph 1,000 rows at a time, and reads a bounded number of agents', async () => {
    const since = Date.now();
    const inventory = await azureFleetReader(h.clients, fleetJoiner).inventory(h.scope);
    expect(inventory.machines).toHaveLength(2500);
    expect(new Set(inventory.machines.map((m) => m.id)).size).toBe(2500);
    // Three pages of machines, one of network; JIT comes from Defender's own list.
    expect(h.graphCalls(since)).toBe(4);
    expect(h.jitLists(since)).toBe(1);
    const running = inventory.machines.filter((m) => m.powerState === 'running');
    expect(running.filter((m) => m.agent.status !== 'unknown')).toHaveLength(AGENT_READS_CAP);
    expect(inventory.warnings).toEqual([
      `the agent was read for ${AGENT_READS_CAP} of ${running.length} running machines (one instance view each); ` +
        'the others show an unknown agent',
    ]);
  });

  test('each sprinkled risk is found on its machines, and healthy machines carry none', async () => {
    const manifest = h.sandbox.fleet!;
    const { machines } = await h.reader.inventory(h.scope);
    const risks = risksByMachine(assessFleet(machines, CONTEXT));
    // Metrics are read by the digest, not the inventory: the starved machines show their silent agent here.
    const expected = new Map<string, RiskId[]>();
    for (const [risk, names] of Object.entries(manifest) as [RiskId, string[]][]) {
      for (const name of names) {
        expected.set(name, risk === 'memory-or-disk-trending-to-exhaustion' ? ['agent-not-ready'] : [risk]);
      }
      expect(names.length).toBeGreaterThan(0);
    }
    // An RDP rule open to everyone also means the machine relies on a public rule without JIT or Bastion.
    const allowed = (name: string): RiskId[] => {
      const intended = expected.get(name) ?? [];
      return intended[0] === 'rdp-open-to-internet' ? [...intended, 'no-jit-no-bastion'] : intended;
    };
    const unexpected = [...risks].flatMap(([name, found]) =>
      found.filter((risk) => !allowed(name).includes(risk)).map((risk) => `${name}: ${risk}`),
    );
    expect(unexpected).toEqual([]);
    const missed = [...expected].flatMap(([name, intended]) =>
      intended.filter((risk) => !(risks.get(name) ?? []).includes(risk)).map((risk) => `${name}: ${risk}`),
    );
    expect(missed).toEqual([]);
  });
});

describe('inventory paging against a sandbox that takes time to answer', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    // Resource Graph answers in about 16 ms and an instance view in 8–20 ms: slow enough to order calls.
    h = await startFleetHarness({
      scenarios: [],
      fleet: { size: 3000, seed: 11 },
      latency: 'realistic',
      scale: 0.05,
    });
  });
  afterAll(() => h.sandbox.stop());

  test('asks for the next page of machines before the page in hand becomes facts', async () => {
    const graph = h.clients.resourceGraph;
    const send = graph.resources.bind(graph);
    let asked = 0;
    const askedBeforeFacts: number[] = [];
    let pageRows = 0;
    graph.resources = (...args) => {
      asked += 1;
      return send(...args);
    };
    try {
      const reader = azureFleetReader(
        h.clients,
        (network, jit) => {
          const toMachine = fleetJoiner(network, jit);
          return (row) => {
            if (pageRows++ % 1000 === 0) askedBeforeFacts.push(asked);
            return toMachine(row);
          };
        },
        { agentReadsCap: 0 },
      );
      const inventory = await reader.inventory(h.scope);
      expect(inventory.machines).toHaveLength(3000);
      // The network query and three pages of machines; each page's facts are made with the next page
      // already asked for (the last page has none after it).
      expect(asked).toBe(4);
      expect(askedBeforeFacts).toEqual([3, 4, 4]);
    } finally {
      graph.resources = send;
    }
  });

  test('reads agents while later pages of machines are still coming', async () => {
    const since = h.sandbox.requests.length;
    await h.reader.inventory(h.scope);
    const requests = h.sandbox.requests.slice(since);
    const isGraph = (path: string) => path.toLowerCase().endsWith('/microsoft.resourcegraph/resources');
    const firstAgentRead = requests.findIndex((r) => /\/virtualmachines\/[^/]+$/i.test(r.path));
    const lastPage = requests.map((r) => isGraph(r.path)).lastIndexOf(true);
    expect(firstAgentRead).toBeGreaterThan(-1);
    expect(firstAgentRead).toBeLessThan(lastPage);
  });
});

describe('inventory after the fleet changes', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness({ scenarios: [], fleet: { size: 1200, seed: 3 } });
  });
  afterAll(() => h.sandbox.stop());

  test('a machine removed, then put back, is missing from the next inventory and present in the one after', async () => {
    const before = await h.reader.inventory(h.scope);
    expect(before.machines).toHaveLength(1200);
    const removed = h.sandbox.state.vms.get(before.machines[600].id)!;
    h.sandbox.state.vms.delete(removed.id);
    const without = await h.reader.inventory(h.scope);
    expect(without.machines.map((m) => m.id)).not.toContain(before.machines[600].id);
    expect(without.machines).toHaveLength(1199);
    h.sandbox.state.vms.set(removed);
    const again = await h.reader.inventory(h.scope);
    expect(again.machines.map((m) => m.id)).toEqual(before.machines.map((m) => m.id));
  });
});
