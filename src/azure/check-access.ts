import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { z } from 'zod';
import type { VmIdentity } from '../diagnosis/facts';
import { primaryNic, resourceGroupOf } from '../diagnosis/net';
import type { AzureClients, SubscriptionClients } from './clients';
import { AzureCallError, callAzure } from './errors';
import { watcherIn } from './gatherers/network-watcher';
import { gatherVm } from './gatherers/vm';
import { REQUIRED_ACTIONS, grants, type Permission, type RoleName, type ScopeKind } from './permissions';

// Which of the actions rdp-doctor needs the configured identity lacks, found before an incident with
// side-effect-free calls only: reads of the VM and its NIC, the Network Watcher list, and Azure's own
// answer to "what may I do in this resource group" (Microsoft.Authorization/permissions, 2022-04-01).

const PERMISSIONS_API_VERSION = '2022-04-01';

const permissionPage = z.object({
  value: z.array(
    z.object({
      actions: z.array(z.string()).nullish(),
      notActions: z.array(z.string()).nullish(),
    }),
  ),
  nextLink: z.string().nullish(),
});

export interface MissingAction {
  action: string;
  role: RoleName;
  /** The resource group it is missing in. */
  resourceGroup: string;
  needFor: string;
}

export interface AccessReport {
  /** The resource groups checked, each with what lives there. */
  checked: { resourceGroup: string; holds: ScopeKind[] }[];
  missing: MissingAction[];
  /** What was not checked, and why. */
  notes: string[];
}

/** What the caller may do in the resource group, one entry per role assignment that reaches it. */
async function permissionsIn(
  clients: AzureClients,
  sub: SubscriptionClients,
  resourceGroup: string,
  signal?: AbortSignal,
): Promise<Permission[]> {
  const base = clients.settings.endpoint.replace(/\/+$/, '');
  let url: string | null =
    `${base}/subscriptions/${encodeURIComponent(sub.subscriptionId)}/resourceGroups/${encodeURIComponent(resourceGroup)}` +
    `/providers/Microsoft.Authorization/permissions?api-version=${PERMISSIONS_API_VERSION}`;
  const permissions: Permission[] = [];
  while (url) {
    const request = createPipelineRequest({ url, method: 'GET', abortSignal: signal });
    // No SDK covers this call; the network client's pipeline (credential, endpoint, TLS, retries) sends it,
    // being a core-client ServiceClient with sendRequest (the compute client of its major has none).
    const response = await sub.network.sendRequest(request);
    if (response.status !== 200) {
      const code = /"code"\s*:\s*"([^"]+)"/.exec(response.bodyAsText ?? '')?.[1] ?? null;
      throw new AzureCallError(
        `Listing the identity's permissions in resource group ${resourceGroup} answered ${response.status}` +
          (code ? ` ${code}` : ''),
        response.status,
        code,
      );
    }
    const page = permissionPage.safeParse(JSON.parse(response.bodyAsText ?? 'null'));
    if (!page.success) {
      throw new AzureCallError(
        `Azure answered the permissions of resource group ${resourceGroup} in a shape rdp-doctor does not know ` +
          `(${page.error.issues[0]?.message ?? 'no value list'})`,
        200,
        'UnexpectedShape',
      );
    }
    for (const entry of page.data.value) {
      permissions.push({ actions: entry.actions ?? [], notActions: entry.notActions ?? [] });
    }
    url = page.data.nextLink ?? null;
  }
  return permissions;
}

/** Resource groups to check, each with the kinds of resource rdp-doctor acts on there. */
class Scopes {
  readonly byGroup = new Map<string, { resourceGroup: string; holds: Set<ScopeKind> }>();

  add(resourceGroup: string | null, kind: ScopeKind): void {
    if (!resourceGroup) return;
    const key = resourceGroup.toLowerCase();
    const entry = this.byGroup.get(key) ?? { resourceGroup, holds: new Set<ScopeKind>() };
    entry.holds.add(kind);
    this.byGroup.set(key, entry);
  }
}

async function machineScopes(
  sub: SubscriptionClients,
  vm: VmIdentity,
  scopes: Scopes,
  notes: string[],
  signal?: AbortSignal,
) {
  const facts = await gatherVm(sub, vm, signal);
  scopes.add(vm.resourceGroup, 'vm');
  const nic = primaryNic(facts);
  if (nic) {
    scopes.add(resourceGroupOf(nic.id), 'nic');
    scopes.add(nic.publicIpId ? resourceGroupOf(nic.publicIpId) : null, 'public-ip');
    const vnetGroup = nic.subnetId ? resourceGroupOf(nic.subnetId) : null;
    scopes.add(vnetGroup, 'vnet');
    // A subnet's NSG usually lives with its virtual network; the NIC's own NSG names its group.
    scopes.add(nic.nsgId ? resourceGroupOf(nic.nsgId) : vnetGroup, 'nsg');
    if (!nic.publicIpId)
      notes.push(`${vm.name} has no public IP, so its public-IP permissions were not checked`);
  }
  const watcher = await watcherIn(sub, facts.location, signal);
  if (watcher) scopes.add(watcher.resourceGroup, 'network-watcher');
  else notes.push(`no Network Watcher in ${facts.location}, so its permissions were not checked`);
}

/**
 * The actions each role needs that the identity lacks where rdp-doctor uses them. With a VM: in the
 * resource groups of the VM, its NIC, NSG, public IP and virtual network, and its region's Network
 * Watcher. Without: in every Network Watcher's resource group of the subscription.
 */
export async function checkAccess(options: {
  clients: AzureClients;
  sub: SubscriptionClients;
  vm: VmIdentity | null;
  signal?: AbortSignal;
}): Promise<AccessReport> {
  const { clients, sub, vm, signal } = options;
  const scopes = new Scopes();
  const notes: string[] = [];
  if (vm) {
    await machineScopes(sub, vm, scopes, notes, signal);
  } else {
    const watchers = await callAzure('Network Watcher', async () => {
      const groups: string[] = [];
      for await (const watcher of sub.network.networkWatchers.listAll({ abortSignal: signal })) {
        groups.push(resourceGroupOf(watcher.id ?? '') ?? '');
      }
      return groups;
    });
    for (const group of watchers) scopes.add(group, 'network-watcher');
    notes.push(
      'name a VM with --vm to check the permissions in the resource groups of a machine and its network',
    );
  }
  const missing: MissingAction[] = [];
  for (const { resourceGroup, holds } of scopes.byGroup.values()) {
    let permissions: Permission[];
    try {
      permissions = await permissionsIn(clients, sub, resourceGroup, signal);
    } catch (error) {
      // With no role at all in the group, Azure refuses even this list: then nothing is granted there.
      if (!(error instanceof AzureCallError) || error.statusCode !== 403) throw error;
      permissions = [];
    }
    for (const required of REQUIRED_ACTIONS) {
      if (!holds.has(required.on) || grants(permissions, required.action)) continue;
      missing.push({
        action: required.action,
        role: required.role,
        resourceGroup,
        needFor: required.needFor,
      });
    }
  }
  return {
    checked: [...scopes.byGroup.values()].map(({ resourceGroup, holds }) => ({
      resourceGroup,
      holds: [...holds],
    })),
    missing,
    notes,
  };
}

/** The report for a person: what is missing where, and the role that grants it. */
export function renderAccess(report: AccessReport, subscriptionId: string): string {
  const groups = report.checked.map((c) => `${c.resourceGroup} (${c.holds.join(', ')})`).join('; ');
  const lines = [`Checked resource groups: ${groups || 'none'}.`];
  if (report.missing.length === 0) {
    lines.push('Nothing is missing: the identity may run every diagnosis and fix there.');
  }
  const byAssignment = new Map<string, MissingAction[]>();
  for (const gap of report.missing) {
    const key = `${gap.role}|${gap.resourceGroup}`;
    byAssignment.set(key, [...(byAssignment.get(key) ?? []), gap]);
  }
  for (const gaps of byAssignment.values()) {
    const { role, resourceGroup } = gaps[0];
    lines.push(`Missing in ${resourceGroup}, granted by role ${role}:`);
    for (const gap of gaps) lines.push(`  - ${gap.action} (${gap.needFor})`);
    lines.push(
      `  assign it: az role assignment create --assignee <principal-id> --role ${role} ` +
        `--scope /subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`,
    );
  }
  for (const note of report.notes) lines.push(`Not checked: ${note}.`);
  return lines.join('\n');
}
