import { privateIpOf, RG, startHarness, type Harness } from './harness';
import { FIREWALL_IP, JUMP_HOST_IP } from '@rdp-doctor/azure-sandbox/foundation';
import { OFFICE_SOURCE } from '@rdp-doctor/azure-sandbox/scenarios/healthy';

// Microsoft.Network through the real NetworkManagementClient: effective rules and routes computed from the
// world, Network Watcher's verdicts, and writes that change them.

let h: Harness;
const WATCHER_RG = 'NetworkWatcherRG';
const WATCHER = 'NetworkWatcher_westeurope';

beforeAll(async () => {
  h = await startHarness();
});

afterAll(() => h.sandbox.stop());

async function ipFlow(vm: string, remote = OFFICE_SOURCE, port = '3389') {
  return h.sub.network.networkWatchers.beginVerifyIPFlowAndWait(WATCHER_RG, WATCHER, {
    targetResourceId: (await h.sub.compute.virtualMachines.get(RG, vm)).id ?? '',
    direction: 'Inbound',
    protocol: 'TCP',
    localIPAddress: await privateIpOf(h, vm),
    localPort: port,
    remoteIPAddress: remote,
    remotePort: '60000',
  });
}

async function nextHop(vm: string, destination: string) {
  return h.sub.network.networkWatchers.beginGetNextHopAndWait(WATCHER_RG, WATCHER, {
    targetResourceId: (await h.sub.compute.virtualMachines.get(RG, vm)).id ?? '',
    sourceIPAddress: await privateIpOf(h, vm),
    destinationIPAddress: destination,
  });
}

test('network watchers: one per region in NetworkWatcherRG', async () => {
  const watchers = [];
  for await (const watcher of h.sub.network.networkWatchers.listAll()) watchers.push(watcher);
  expect(watchers.map((w) => [w.name, w.location])).toEqual([[WATCHER, 'westeurope']]);
});

test('a NIC names its subnet, NSG, public IP and (in upper case, as the network RP does) its VM', async () => {
  const nic = await h.sub.network.networkInterfaces.get(RG, 'vm-healthy-nic');
  expect(nic.ipConfigurations?.[0].subnet?.id).toMatch(/virtualNetworks\/vnet-sandbox\/subnets\/snet-app$/);
  expect(nic.networkSecurityGroup?.id).toMatch(/networkSecurityGroups\/vm-healthy-nsg$/);
  expect(nic.ipConfigurations?.[0].publicIPAddress?.id).toMatch(/publicIPAddresses\/vm-healthy-pip$/);
  expect(nic.virtualMachine?.id).toMatch(
    /resourceGroups\/RG-SANDBOX\/providers\/Microsoft.Compute\/virtualMachines\/VM-HEALTHY$/,
  );
});

test('effective security rules: subnet and NIC groups, custom and default rules, tags expanded', async () => {
  const result = await h.sub.network.networkInterfaces.beginListEffectiveNetworkSecurityGroupsAndWait(
    RG,
    'vm-healthy-nic',
  );
  const groups = result.value ?? [];
  expect(groups.map((g) => (g.association?.subnet ? 'subnet' : 'nic'))).toEqual(['subnet', 'nic']);
  const nicRules = groups[1].effectiveSecurityRules ?? [];
  expect(nicRules[0]).toMatchObject({
    name: 'securityRules/Allow-RDP-FromOffice',
    protocol: 'Tcp',
    sourceAddressPrefix: '203.0.113.0/24',
    destinationPortRange: '3389-3389',
    access: 'Allow',
    priority: 300,
    direction: 'Inbound',
  });
  const vnetRule = nicRules.find((r) => r.name === 'defaultSecurityRules/AllowVnetInBound');
  expect(vnetRule).toMatchObject({
    sourceAddressPrefix: 'VirtualNetwork',
    expandedSourceAddressPrefix: ['10.0.0.0/16'],
  });
  expect(nicRules.find((r) => r.name === 'defaultSecurityRules/DenyAllInBound')).toMatchObject({
    sourceAddressPrefix: '0.0.0.0/0',
    destinationPortRange: '0-65535',
    protocol: 'All',
  });
  expect(JSON.parse(groups[1].tagMap ?? '{}').AzureLoadBalancer).toEqual(['168.63.129.16/32']);
});

test('effective rules fail as ARM fails them: 500 from the RP, 400 for a stopped VM', async () => {
  await expect(
    h.sub.network.networkInterfaces.beginListEffectiveNetworkSecurityGroupsAndWait(RG, 'vm-arm-error-nic'),
  ).rejects.toMatchObject({ statusCode: 500, code: 'InternalServerError' });
  await expect(
    h.sub.network.networkInterfaces.beginGetEffectiveRouteTableAndWait(RG, 'vm-not-running-nic'),
  ).rejects.toMatchObject({ statusCode: 400 });
});

test('IP flow verify names the deciding rule: allow for the healthy VM, the deny rule for nsg-denies-rdp', async () => {
  expect(await ipFlow('vm-healthy')).toEqual({
    access: 'Allow',
    ruleName: 'securityRules/Allow-RDP-FromOffice',
  });
  expect(await ipFlow('vm-healthy', '198.51.100.200')).toEqual({
    access: 'Deny',
    ruleName: 'defaultSecurityRules/DenyAllInBound',
  });
  expect(await ipFlow('nsg-denies-rdp')).toEqual({ access: 'Deny', ruleName: 'securityRules/DenyRdpAll' });
  expect(await ipFlow('jit-access-not-requested')).toEqual({
    access: 'Deny',
    ruleName: 'securityRules/SecurityCenter-JITRule_-1423950453_8D2FF4A2',
  });
  expect(await ipFlow('os-not-windows', OFFICE_SOURCE, '22')).toEqual({
    access: 'Allow',
    ruleName: 'securityRules/Allow-SSH-FromOffice',
  });
  expect(await ipFlow('rdp-exposed-to-internet', '198.51.100.200')).toEqual({
    access: 'Allow',
    ruleName: 'securityRules/Allow-RDP-Internet',
  });
  expect(await ipFlow('route-via-appliance', JUMP_HOST_IP)).toEqual({
    access: 'Allow',
    ruleName: 'defaultSecurityRules/AllowVnetInBound',
  });
});

test('IP flow verify is throttled with 429 and Retry-After for vm-throttled', async () => {
  const failure = await ipFlow('vm-throttled').catch((error: unknown) => error);
  expect(failure).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
  const answer = h.sandbox.requests.filter((r) => r.path.endsWith('/ipFlowVerify') && r.status === 429);
  expect(answer).toHaveLength(1);
});

test('a security rule PUT changes the next IP flow verify', async () => {
  const nsg = 'nsg-denies-rdp-nsg';
  const allow = {
    protocol: 'Tcp',
    access: 'Allow',
    direction: 'Inbound',
    sourceAddressPrefix: OFFICE_SOURCE,
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '3389',
  };
  await expect(
    h.sub.network.securityRules.beginCreateOrUpdateAndWait(RG, nsg, 'Allow-RDP-Clash', {
      ...allow,
      priority: 110,
    }),
  ).rejects.toMatchObject({ statusCode: 400, code: 'SecurityRuleConflict' });
  await expect(
    h.sub.network.securityRules.beginCreateOrUpdateAndWait(RG, nsg, 'Allow-RDP-Any', {
      ...allow,
      sourceAddressPrefix: 'anywhere',
      priority: 105,
    }),
  ).rejects.toMatchObject({ statusCode: 400, code: 'SecurityRuleInvalidAddressPrefix' });

  const rule = await h.sub.network.securityRules.beginCreateOrUpdateAndWait(
    RG,
    nsg,
    'Allow-RDP-From-203.0.113.10',
    {
      ...allow,
      priority: 105,
      description: 'rdp-doctor: RDP from the requester ahead of DenyRdpAll',
    },
  );
  expect(rule).toMatchObject({
    name: 'Allow-RDP-From-203.0.113.10',
    provisioningState: 'Succeeded',
    priority: 105,
  });
  expect(await ipFlow('nsg-denies-rdp')).toEqual({
    access: 'Allow',
    ruleName: 'securityRules/Allow-RDP-From-203.0.113.10',
  });
  const group = await h.sub.network.networkSecurityGroups.get(RG, nsg);
  expect(group.securityRules?.map((r) => r.name)).toContain('Allow-RDP-From-203.0.113.10');
  expect(group.defaultSecurityRules).toHaveLength(6);
  expect(h.sandbox.writes().filter((w) => w.method === 'PUT').length).toBeGreaterThanOrEqual(3);
});

test('next hop and effective routes follow the subnet route table', async () => {
  expect(await nextHop('vm-healthy', OFFICE_SOURCE)).toEqual({
    nextHopType: 'Internet',
    routeTableId: 'System Route',
  });
  const asymmetric = await nextHop('return-path-asymmetric', OFFICE_SOURCE);
  expect(asymmetric).toMatchObject({ nextHopType: 'VirtualAppliance', nextHopIpAddress: FIREWALL_IP });
  expect(asymmetric.routeTableId).toMatch(/routeTables\/rt-egress-via-firewall$/);
  expect(await nextHop('route-via-appliance', JUMP_HOST_IP)).toMatchObject({
    nextHopType: 'VirtualAppliance',
  });
  expect(await nextHop('route-via-appliance', OFFICE_SOURCE)).toMatchObject({ nextHopType: 'Internet' });

  const routes = await h.sub.network.networkInterfaces.beginGetEffectiveRouteTableAndWait(
    RG,
    'return-path-asymmetric-nic',
  );
  const defaults = routes.value?.filter((r) => r.addressPrefix?.[0] === '0.0.0.0/0');
  expect(defaults?.map((r) => [r.source, r.state, r.nextHopType])).toEqual([
    ['Default', 'Invalid', 'Internet'],
    ['User', 'Active', 'VirtualAppliance'],
  ]);
});

test('a dynamic public IP switched to static keeps its address', async () => {
  const before = await h.sub.network.publicIPAddresses.get(RG, 'public-ip-dynamic-pip');
  expect(before).toMatchObject({ publicIPAllocationMethod: 'Dynamic', sku: { name: 'Basic' } });
  const after = await h.sub.network.publicIPAddresses.beginCreateOrUpdateAndWait(
    RG,
    'public-ip-dynamic-pip',
    {
      ...before,
      publicIPAllocationMethod: 'Static',
    },
  );
  expect(after).toMatchObject({
    publicIPAllocationMethod: 'Static',
    ipAddress: before.ipAddress,
    provisioningState: 'Succeeded',
  });
});
