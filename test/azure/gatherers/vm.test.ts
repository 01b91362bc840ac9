import type { VirtualMachine } from '@azure/arm-compute';
import { agentOf, gatherVm, powerStateOf } from '../../../src/azure/gatherers/vm';
import { NIC_ID, NIC_NSG_ID, PIP_ID, RG, SUBNET_ID, SUBSCRIPTION, VM_ID, replay } from '../arm-replay';

// Shapes from the REST API specs: VirtualMachine_Get.json with the instance view of
// VirtualMachine_Get_InstanceView.json under properties.instanceView ($expand=instanceView), and
// NetworkInterfaceGet.json.

const instanceView = {
  computerName: 'vm-web-01',
  osName: 'Windows Server 2022 Datacenter',
  osVersion: 'Microsoft Windows NT 10.0.20348.0',
  vmAgent: {
    vmAgentVersion: '2.7.41491.949',
    statuses: [
      {
        code: 'ProvisioningState/succeeded',
        level: 'Info',
        displayStatus: 'Ready',
        message: 'GuestAgent is running and accepting new configurations.',
        time: '2026-11-27T11:11:22+00:00',
      },
    ],
  },
  hyperVGeneration: 'V1',
  statuses: [
    {
      code: 'ProvisioningState/succeeded',
      level: 'Info',
      displayStatus: 'Provisioning succeeded',
      time: '2026-11-20T21:30:12.8051917+00:00',
    },
    { code: 'PowerState/running', level: 'Info', displayStatus: 'VM running' },
  ],
};

function vmBody(view: unknown = instanceView) {
  return {
    name: 'vm-web-01',
    id: VM_ID,
    type: 'Microsoft.Compute/virtualMachines',
    location: 'westeurope',
    properties: {
      vmId: '0f47b100-583c-48e3-a4c0-aefc2c9bbcc1',
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
      storageProfile: {
        imageReference: {
          publisher: 'MicrosoftWindowsServer',
          offer: 'WindowsServer',
          sku: '2022-Datacenter',
          version: 'latest',
        },
        osDisk: {
          osType: 'Windows',
          name: 'vm-web-01-os',
          createOption: 'FromImage',
          caching: 'ReadWrite',
          diskSizeGB: 127,
        },
        dataDisks: [],
      },
      osProfile: {
        computerName: 'vm-web-01',
        adminUsername: 'azureadmin',
        windowsConfiguration: { provisionVMAgent: true },
      },
      networkProfile: { networkInterfaces: [{ id: NIC_ID }] },
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
      provisioningState: 'Succeeded',
      instanceView: view,
    },
  };
}

const nicBody = {
  name: 'vm-web-01-nic',
  id: NIC_ID,
  location: 'westeurope',
  properties: {
    provisioningState: 'Succeeded',
    ipConfigurations: [
      {
        name: 'ipconfig1',
        id: `${NIC_ID}/ipConfigurations/ipconfig1`,
        properties: {
          provisioningState: 'Succeeded',
          privateIPAddress: '10.0.1.4',
          privateIPAllocationMethod: 'Dynamic',
          publicIPAddress: { id: PIP_ID },
          subnet: { id: SUBNET_ID },
          primary: true,
          privateIPAddressVersion: 'IPv4',
        },
      },
    ],
    networkSecurityGroup: { id: NIC_NSG_ID },
    primary: true,
    virtualMachine: { id: VM_ID },
  },
  type: 'Microsoft.Network/networkInterfaces',
};

const identity = {
  id: VM_ID,
  name: 'vm-web-01',
  resourceGroup: RG,
  subscriptionId: SUBSCRIPTION,
  location: 'westeurope',
};
const vmPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
const nicPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic`;

describe('gatherVm', () => {
  it('reads power, agent, OS, boot diagnostics and the primary NIC', async () => {
    const fake = replay([
      { method: 'GET', path: vmPath, body: vmBody() },
      { method: 'GET', path: nicPath, body: nicBody },
    ]);
    const vm = await gatherVm(fake.sub, identity, new AbortController().signal);
    expect(vm).toEqual({
      ...identity,
      osType: 'Windows',
      powerState: 'running',
      provisioningState: 'Succeeded',
      size: 'Standard_D2s_v5',
      agent: {
        status: 'ready',
        version: '2.7.41491.949',
        message: 'GuestAgent is running and accepting new configurations.',
      },
      bootDiagnosticsEnabled: true,
      nics: [
        {
          id: NIC_ID,
          name: 'vm-web-01-nic',
          primary: true,
          privateIp: '10.0.1.4',
          subnetId: SUBNET_ID,
          nsgId: NIC_NSG_ID,
          publicIpId: PIP_ID,
        },
      ],
    });
    expect(fake.sent[0].url.searchParams.get('$expand')).toBe('instanceView');
  });

  it('reads a deallocated VM, which has no agent report', async () => {
    const fake = replay([
      {
        method: 'GET',
        path: vmPath,
        body: vmBody({
          statuses: [
            { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded' },
            { code: 'PowerState/deallocated', level: 'Info', displayStatus: 'VM deallocated' },
          ],
        }),
      },
      { method: 'GET', path: nicPath, body: nicBody },
    ]);
    const vm = await gatherVm(fake.sub, identity, new AbortController().signal);
    expect(vm.powerState).toBe('deallocated');
    expect(vm.agent).toEqual({ status: 'unknown', version: null, message: null });
  });

  it('names the VM and the status when ARM refuses', async () => {
    const fake = replay([
      {
        method: 'GET',
        path: vmPath,
        status: 403,
        body: {
          error: {
            code: 'AuthorizationFailed',
            message: 'The client does not have authorization to perform action.',
          },
        },
      },
    ]);
    await expect(gatherVm(fake.sub, identity, new AbortController().signal)).rejects.toThrow(
      /^Compute answered 403 AuthorizationFailed: The client does not have authorization/,
    );
  });
});

describe('powerStateOf', () => {
  it.each([
    ['PowerState/running', 'running'],
    ['PowerState/stopped', 'stopped'],
    ['PowerState/deallocating', 'deallocating'],
  ])('%s is %s', (code, state) => {
    expect(powerStateOf([{ code: 'ProvisioningState/succeeded' }, { code }])).toBe(state);
  });

  it('is unknown without a power state', () => {
    expect(powerStateOf(undefined)).toBe('unknown');
  });
});

describe('agentOf', () => {
  const withAgent = (statuses: object[]): VirtualMachine => ({
    location: 'westeurope',
    instanceView: { vmAgent: { vmAgentVersion: 'Unknown', statuses } },
  });

  it('is not ready when the agent stopped reporting', () => {
    const agent = agentOf(
      withAgent([
        {
          code: 'ProvisioningState/Unavailable',
          level: 'Warning',
          displayStatus: 'Not Ready',
          message: 'VM Agent is unresponsive.',
        },
      ]),
    );
    expect(agent).toEqual({ status: 'not-ready', version: 'Unknown', message: 'VM Agent is unresponsive.' });
  });

  it('is not ready when ARM reports the agent Unavailable without a display status', () => {
    expect(agentOf(withAgent([{ code: 'ProvisioningState/Unavailable', level: 'Warning' }])).status).toBe(
      'not-ready',
    );
  });

  it('is unknown when the report is neither Ready nor Not Ready', () => {
    expect(
      agentOf(withAgent([{ code: 'ProvisioningState/Updating', displayStatus: 'Updating' }])).status,
    ).toBe('unknown');
  });
});
