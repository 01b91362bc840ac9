import { distance } from 'fastest-levenshtein';
import type { VmIdentity } from '../diagnosis/facts';
import type { AzureClients } from './clients';
import { AzureCallError, callAzure } from './errors';
import { quoteName, resourceGroupNameProblem, vmNameProblem } from './names';
import { parseResourceId } from './resource-id';
import { identityOf, listVisibleVms } from './visible-vms';

// Turns what a person typed (`vm`, `rg/vm`, or a full resource id) into one machine, or says exactly
// why it cannot: a typo, no such machine, several machines of that name, or a subscription rdp-doctor
// was not given.

export type TargetErrorCode = 'invalid-target' | 'vm-not-found' | 'ambiguous-vm' | 'subscription-not-allowed';

export class TargetError extends Error {
  constructor(
    readonly code: TargetErrorCode,
    message: string,
    /** For `ambiguous-vm`: every machine of that name, so the UI can ask which one. */
    readonly candidates: VmIdentity[] = [],
    /** For `vm-not-found`: the closest names the identity can see, nearest first. */
    readonly suggestions: VmIdentity[] = [],
    /** What only whoever runs rdp-doctor can act on (its settings): for the log and the terminal, not a channel. */
    readonly adminDetail: string | null = null,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

export type ParsedTarget =
  | { kind: 'name'; name: string }
  | { kind: 'group'; resourceGroup: string; name: string }
  | { kind: 'id'; subscriptionId: string; resourceGroup: string; name: string };

const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkVmName(name: string): string {
  const problem = vmNameProblem(name);
  if (problem) throw new TargetError('invalid-target', `${quoteName(name)} is not a VM name: ${problem}`);
  return name;
}

function checkResourceGroup(name: string): string {
  const problem = resourceGroupNameProblem(name);
  if (problem) {
    throw new TargetError('invalid-target', `${quoteName(name)} is not a resource group name: ${problem}`);
  }
  return name;
}

/** Reads `vm`, `rg/vm` or a VM resource id; anything else is an `invalid-target` TargetError. */
export function parseTarget(target: string): ParsedTarget {
  const text = target.trim();
  if (text.startsWith('/')) {
    const dotSegment = text.split('/').find((part) => part === '.' || part === '..');
    if (dotSegment) {
      throw new TargetError(
        'invalid-target',
        `${quoteName(text)} is not a VM resource id: it has a '${dotSegment}' segment, which names no resource`,
      );
    }
    const id = parseResourceId(text);
    if (!id || id.type.toLowerCase() !== 'microsoft.compute/virtualmachines' || id.children.length > 0) {
      throw new TargetError(
        'invalid-target',
        `${quoteName(text)} is not a VM resource id: expected /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<name>`,
      );
    }
    if (!SUBSCRIPTION_ID.test(id.subscriptionId)) {
      throw new TargetError(
        'invalid-target',
        `${quoteName(id.subscriptionId)} is not a subscription id (a GUID)`,
      );
    }
    return {
      kind: 'id',
      subscriptionId: id.subscriptionId.toLowerCase(),
      resourceGroup: checkResourceGroup(id.resourceGroup),
      name: checkVmName(id.name),
    };
  }
  const parts = text.split('/');
  if (parts.length === 1) return { kind: 'name', name: checkVmName(parts[0]) };
  if (parts.length === 2)
    return { kind: 'group', resourceGroup: checkResourceGroup(parts[0]), name: checkVmName(parts[1]) };
  throw new TargetError(
    'invalid-target',
    `${quoteName(text)} is not a VM: give a name, resource-group/name, or a resource id`,
  );
}

function describe(vm: VmIdentity): string {
  return `${vm.resourceGroup}/${vm.name} (subscription ${vm.subscriptionId})`;
}

function isNotFound(err: unknown): boolean {
  return err instanceof AzureCallError && err.statusCode === 404;
}

async function getVm(
  clients: AzureClients,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  signal?: AbortSignal,
): Promise<VmIdentity | null> {
  const { compute } = clients.forSubscription(subscriptionId);
  try {
    const vm = await callAzure('Compute', () =>
      compute.virtualMachines.get(resourceGroup, name, { abortSignal: signal }),
    );
    return identityOf(vm, subscriptionId);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

const MAX_SUGGESTIONS = 3;

/**
 * The machines whose names are closest to a mistyped one, by edit distance ignoring case: at most three,
 * and only near enough to be a typo (a third of the name's length, at least two edits).
 */
export function closestVms(typed: string, visible: readonly VmIdentity[]): VmIdentity[] {
  const wanted = typed.toLowerCase();
  const within = Math.max(2, Math.floor(wanted.length / 3));
  return visible
    .map((vm) => ({ vm, edits: distance(wanted, vm.name.toLowerCase()) }))
    .filter(({ edits }) => edits <= within)
    .sort((a, b) => a.edits - b.edits || a.vm.name.localeCompare(b.vm.name))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ vm }) => vm);
}

function subscriptionsDetail(subscriptionIds: string[]): string {
  return (
    `searched subscriptions: ${subscriptionIds.join(', ') || 'none'}; ` +
    'to diagnose machines elsewhere, add their subscription to AZURE_SUBSCRIPTION_IDS and grant the identity access'
  );
}

function notFound(what: string, subscriptionIds: string[], suggestions: VmIdentity[] = []): TargetError {
  const names = [...new Set(suggestions.map((vm) => vm.name))];
  const meant = names.length > 0 ? ` Did you mean ${names.join(', ')}?` : '';
  return new TargetError(
    'vm-not-found',
    `rdp-doctor cannot see a VM ${what} in its subscriptions.${meant} If the VM exists, ask whoever runs rdp-doctor to add its subscription.`,
    [],
    suggestions,
    subscriptionsDetail(subscriptionIds),
  );
}

function exactlyOne(found: VmIdentity[], what: string, subscriptionIds: string[]): VmIdentity {
  if (found.length === 1) return found[0];
  if (found.length === 0) throw notFound(what, subscriptionIds);
  throw new TargetError(
    'ambiguous-vm',
    `${found.length} VMs are ${what}: ${found.map(describe).join('; ')}. Name one as resource-group/name or by resource id`,
    found,
  );
}

/**
 * Finds the one VM `target` names in `subscriptionIds`. Throws TargetError for what the person must fix,
 * AzureCallError when Azure could not answer.
 */
export async function resolveVm(
  clients: AzureClients,
  target: string,
  subscriptionIds: string[],
  signal?: AbortSignal,
): Promise<VmIdentity> {
  const parsed = parseTarget(target);
  if (parsed.kind === 'id') {
    const allowed = subscriptionIds.find((s) => s.toLowerCase() === parsed.subscriptionId);
    if (!allowed) {
      throw new TargetError(
        'subscription-not-allowed',
        `rdp-doctor is not set up for subscription ${parsed.subscriptionId}; ask whoever runs rdp-doctor to add it`,
        [],
        [],
        subscriptionsDetail(subscriptionIds),
      );
    }
    const vm = await getVm(clients, allowed, parsed.resourceGroup, parsed.name, signal);
    return exactlyOne(vm ? [vm] : [], `at ${target.trim()}`, [allowed]);
  }
  if (parsed.kind === 'group') {
    const found = await Promise.all(
      subscriptionIds.map((s) => getVm(clients, s, parsed.resourceGroup, parsed.name, signal)),
    );
    return exactlyOne(
      found.filter((vm): vm is VmIdentity => vm !== null),
      `named ${parsed.name} in resource group ${parsed.resourceGroup}`,
      subscriptionIds,
    );
  }
  const visible = await listVisibleVms(clients, subscriptionIds, signal);
  const named = visible.filter((vm) => vm.name.toLowerCase() === parsed.name.toLowerCase());
  if (named.length === 0)
    throw notFound(`named ${parsed.name}`, subscriptionIds, closestVms(parsed.name, visible));
  return exactlyOne(named, `named ${parsed.name}`, subscriptionIds);
}
