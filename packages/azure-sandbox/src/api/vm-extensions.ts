import { API_VERSIONS } from '../arm/api-versions';
import { acceptedPut } from '../arm/operations';
import { ArmError, badRequest, objectBody, ok, resourceNotFound } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { clearLogonEvidence, PASSWORD_RESET_CODES } from '../guest/accounts';
import { extensionJson } from '../views/compute';
import type { VirtualMachine, VmExtension } from '../world';
import { agentUnreachable } from './run-command';
import { VM_TYPE, vmFrom } from './virtual-machines';

// VM extensions (PUT/GET …/extensions/{name}). The agent installs an extension, so a PUT needs a running VM
// with a ready agent. VMAccessAgent is emulated for what it does on Windows: it resets the named account's
// password (enabling and unlocking it, which quiets the account's failed-logon evidence) and resets the
// Remote Desktop configuration to its defaults. The password itself is never kept.

const EXTENSION_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${VM_TYPE}/{vmName}/extensions/{vmExtensionName}`;

function findExtension(vm: VirtualMachine, name: string): VmExtension | undefined {
  return vm.extensions.find((extension) => extension.name.toLowerCase() === name.toLowerCase());
}

function resetRemoteAccess(vm: VirtualMachine, userName: string | undefined): void {
  const rdp = vm.guest.rdp;
  if (rdp) {
    vm.guest.rdp = {
      ...rdp,
      termService: { status: 'Running', startType: 'Automatic' },
      fDenyTSConnections: 0,
      portNumber: 3389,
      listening: true,
      firewall: {
        defaultInboundAction: rdp.firewall?.defaultInboundAction ?? 'Block',
        rdpRulesEnabled: true,
        portAllowed: true,
      },
    };
  }
  if (!userName) return;
  clearLogonEvidence(vm.guest, userName, PASSWORD_RESET_CODES);
  const accounts = vm.guest.accounts;
  if (!accounts) return;
  const reset = { name: userName, enabled: true, lockedOut: false, passwordExpired: false, rdpAllowed: true };
  const index = accounts.findIndex((account) => account.name.toLowerCase() === userName.toLowerCase());
  if (index >= 0) accounts[index] = { ...reset, name: accounts[index].name };
  else accounts.push(reset);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function putExtension(ctx: RouteContext) {
  const vm = vmFrom(ctx);
  const properties = objectBody(objectBody(ctx.body).properties);
  const [publisher, type, typeHandlerVersion] = ['publisher', 'type', 'typeHandlerVersion'].map((key) => {
    const value = text(properties[key]);
    if (!value) throw badRequest('InvalidParameter', `Required parameter '${key}' is missing (null).`);
    return value;
  });
  if (vm.powerState !== 'running') {
    throw new ArmError(
      409,
      'OperationNotAllowed',
      'Cannot modify extensions in the VM when the VM is not running.',
    );
  }
  const settings = (typeof properties.settings === 'object' && properties.settings) || {};
  const secrets = (typeof properties.protectedSettings === 'object' && properties.protectedSettings) || {};
  const existing = findExtension(vm, ctx.params.vmExtensionName);
  // Azure runs one extension per handler (publisher.type) and refuses a second under another name.
  const sameHandler = vm.extensions.find(
    (extension) =>
      extension !== existing &&
      extension.publisher.toLowerCase() === publisher.toLowerCase() &&
      extension.type.toLowerCase() === type.toLowerCase(),
  );
  if (sameHandler) {
    throw new ArmError(
      400,
      'BadRequest',
      `Multiple VMExtensions per handler not supported for OS type '${vm.osType}'. VMExtension '${sameHandler.name}' ` +
        `with handler '${sameHandler.publisher}.${sameHandler.type}' already added or specified in input.`,
    );
  }
  const requested: VmExtension = {
    name: existing?.name ?? ctx.params.vmExtensionName,
    publisher,
    type,
    typeHandlerVersion,
    autoUpgradeMinorVersion: properties.autoUpgradeMinorVersion !== false,
    settings: settings as Record<string, unknown>,
    provisioningState: existing ? 'Updating' : 'Creating',
  };
  const started = ctx.operations.begin(ctx, {
    provider: 'Microsoft.Compute',
    name: 'extension',
    target: `${vm.id}/extensions/${requested.name}`,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    durationMs: ctx.latency.operationMs('extension', `${vm.id}/${requested.name}`),
    complete: () => {
      const ready = vm.powerState === 'running' && vm.agent.ready;
      const installed = { ...requested, provisioningState: ready ? 'Succeeded' : 'Failed' };
      vm.extensions = [
        ...vm.extensions.filter((extension) => extension !== findExtension(vm, requested.name)),
        installed,
      ];
      ctx.world.logWrite(`${VM_TYPE}/extensions/write`, `${vm.id}/extensions/${installed.name}`, 'PUT');
      if (!ready) return agentUnreachable(vm);
      if (type === 'VMAccessAgent' && vm.osType === 'Windows') {
        const s = settings as Record<string, unknown>;
        const p = secrets as Record<string, unknown>;
        resetRemoteAccess(vm, text(s.UserName) ?? text(s.username) ?? text(p.username));
      }
      return { status: 'Succeeded' };
    },
  });
  return acceptedPut(existing ? 200 : 201, extensionJson(vm, requested), started);
}

export const vmExtensionRoutes: Route[] = [
  {
    method: 'GET',
    path: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${VM_TYPE}/{vmName}/extensions`,
    apiVersions: API_VERSIONS.compute,
    handle: (ctx) => {
      const vm = vmFrom(ctx);
      return ok({ value: vm.extensions.map((extension) => extensionJson(vm, extension)) });
    },
  },
  {
    method: 'PUT',
    path: EXTENSION_PATH,
    apiVersions: API_VERSIONS.compute,
    write: true,
    handle: putExtension,
  },
  {
    method: 'GET',
    path: EXTENSION_PATH,
    apiVersions: API_VERSIONS.compute,
    handle: (ctx) => {
      const vm = vmFrom(ctx);
      const extension = findExtension(vm, ctx.params.vmExtensionName);
      if (!extension) {
        throw resourceNotFound(
          `${VM_TYPE}/extensions`,
          `${vm.name}/${ctx.params.vmExtensionName}`,
          vm.resourceGroup,
        );
      }
      return ok(extensionJson(vm, extension));
    },
  },
];
