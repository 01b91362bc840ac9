import type { VirtualMachine, VmExtension } from '../world';

// Microsoft.Compute JSON as ARM returns it (compute RP examples: VirtualMachine_Get_WithInstanceView,
// VirtualMachineExtensions_Get).

const POWER_DISPLAY: Record<VirtualMachine['powerState'], string> = {
  running: 'VM running',
  starting: 'VM starting',
  stopping: 'VM stopping',
  stopped: 'VM stopped',
  deallocating: 'VM deallocating',
  deallocated: 'VM deallocated',
};

function osDiskName(vm: VirtualMachine): string {
  return `${vm.name}_OsDisk_1_${vm.vmId.replace(/-/g, '').slice(0, 32)}`;
}

function status(code: string, displayStatus: string, time?: string, level = 'Info', message?: string) {
  return { code, level, displayStatus, ...(message ? { message } : {}), ...(time ? { time } : {}) };
}

export function extensionJson(vm: VirtualMachine, extension: VmExtension) {
  return {
    name: extension.name,
    id: `${vm.id}/extensions/${extension.name}`,
    type: 'Microsoft.Compute/virtualMachines/extensions',
    location: vm.location,
    properties: {
      autoUpgradeMinorVersion: extension.autoUpgradeMinorVersion,
      provisioningState: extension.provisioningState,
      publisher: extension.publisher,
      type: extension.type,
      typeHandlerVersion: extension.typeHandlerVersion,
      settings: extension.settings,
    },
  };
}

export function instanceViewJson(vm: VirtualMachine, now: number) {
  const at = new Date(now).toISOString();
  const running = vm.powerState === 'running';
  const transitional = ['starting', 'stopping', 'deallocating'].includes(vm.powerState);
  return {
    computerName: vm.computerName,
    osName: vm.osType === 'Windows' ? 'Windows Server 2022 Datacenter' : 'ubuntu',
    osVersion: vm.osType === 'Windows' ? '10.0.20348.2849' : '24.04',
    ...(running
      ? {
          vmAgent: {
            vmAgentVersion: vm.agent.ready ? vm.agent.version : 'Unknown',
            statuses: [
              vm.agent.ready
                ? status('ProvisioningState/succeeded', 'Ready', at, 'Info', vm.agent.message)
                : status('ProvisioningState/Unavailable', 'Not Ready', at, 'Warning', vm.agent.message),
            ],
            extensionHandlers: vm.extensions.map((extension) => ({
              type: `${extension.publisher}.${extension.type}`,
              typeHandlerVersion: extension.typeHandlerVersion,
              status: status('ProvisioningState/succeeded', 'Ready'),
            })),
          },
        }
      : {}),
    disks: [
      {
        name: osDiskName(vm),
        statuses: [status('ProvisioningState/succeeded', 'Provisioning succeeded', vm.timeCreated)],
      },
    ],
    hyperVGeneration: 'V2',
    extensions: vm.extensions.map((extension) => ({
      name: extension.name,
      type: `${extension.publisher}.${extension.type}`,
      typeHandlerVersion: extension.typeHandlerVersion,
      statuses: [
        status(
          `ProvisioningState/${extension.provisioningState.toLowerCase()}`,
          `Provisioning ${extension.provisioningState.toLowerCase()}`,
        ),
      ],
    })),
    statuses: [
      transitional
        ? status('ProvisioningState/updating', 'Updating')
        : status('ProvisioningState/succeeded', 'Provisioning succeeded', vm.timeCreated),
      status(`PowerState/${vm.powerState}`, POWER_DISPLAY[vm.powerState]),
    ],
  };
}

export function vmJson(vm: VirtualMachine, view: { instanceView?: unknown } = {}) {
  const windows = vm.osType === 'Windows';
  const diskName = osDiskName(vm);
  return {
    name: vm.name,
    id: vm.id,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: {},
    properties: {
      vmId: vm.vmId,
      hardwareProfile: { vmSize: vm.size },
      storageProfile: {
        imageReference: vm.image,
        osDisk: {
          osType: vm.osType,
          name: diskName,
          createOption: 'FromImage',
          caching: 'ReadWrite',
          managedDisk: {
            storageAccountType: 'Premium_LRS',
            id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/disks/${diskName}`,
          },
          deleteOption: 'Delete',
          diskSizeGB: windows ? 127 : 30,
        },
        dataDisks: [],
      },
      osProfile: {
        computerName: vm.computerName,
        adminUsername: vm.adminUsername,
        ...(windows
          ? {
              windowsConfiguration: {
                provisionVMAgent: true,
                enableAutomaticUpdates: true,
                patchSettings: { patchMode: 'AutomaticByOS' },
              },
            }
          : { linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true } }),
        secrets: [],
        allowExtensionOperations: true,
        requireGuestProvisionSignal: true,
      },
      networkProfile: {
        networkInterfaces: vm.nicIds.map((id, index) => ({ id, properties: { primary: index === 0 } })),
      },
      diagnosticsProfile: { bootDiagnostics: { enabled: vm.bootDiagnostics } },
      provisioningState: 'Succeeded',
      timeCreated: vm.timeCreated,
      ...(view.instanceView ? { instanceView: view.instanceView } : {}),
    },
    ...(vm.extensions.length > 0
      ? { resources: vm.extensions.map((extension) => extensionJson(vm, extension)) }
      : {}),
  };
}
