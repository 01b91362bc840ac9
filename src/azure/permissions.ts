// The Azure RBAC actions rdp-doctor needs, per custom role (deploy/roles/*.json), and which ARM request
// needs which. Tests hold this table to the REST specs (each operation's documented action), to the role
// files, and to the requests a full diagnosis and every fix really send; `rdp-doctor check-access` holds
// the configured identity to it.

export type RoleName = 'rdp-doctor-diagnose' | 'rdp-doctor-fix';

/** Where an action is checked: the resource group of the resource it acts on. */
export type ScopeKind = 'vm' | 'nic' | 'nsg' | 'public-ip' | 'vnet' | 'network-watcher';

export interface RequiredAction {
  action: string;
  role: RoleName;
  on: ScopeKind;
  /** What fails without it, in words. */
  needFor: string;
}

export const ROLE_FILES: Record<RoleName, string> = {
  'rdp-doctor-diagnose': 'deploy/roles/rdp-doctor-diagnose.json',
  'rdp-doctor-fix': 'deploy/roles/rdp-doctor-fix.json',
};

export const REQUIRED_ACTIONS: readonly RequiredAction[] = [
  // rdp-doctor-diagnose: every diagnosis, the fleet digest and check-access.
  {
    action: 'Microsoft.Compute/virtualMachines/read',
    role: 'rdp-doctor-diagnose',
    on: 'vm',
    needFor: 'reading the VM and its instance view',
  },
  {
    action: 'Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action',
    role: 'rdp-doctor-diagnose',
    on: 'vm',
    needFor: 'the boot screenshot and serial log',
  },
  {
    action: 'Microsoft.Compute/virtualMachines/runCommand/action',
    role: 'rdp-doctor-diagnose',
    on: 'vm',
    needFor: 'the guest probe (and the guest fixes)',
  },
  {
    action: 'Microsoft.Network/networkInterfaces/read',
    role: 'rdp-doctor-diagnose',
    on: 'nic',
    needFor: "reading the VM's network interface",
  },
  {
    action: 'Microsoft.Network/networkInterfaces/effectiveNetworkSecurityGroups/action',
    role: 'rdp-doctor-diagnose',
    on: 'nic',
    needFor: 'the effective NSG rules',
  },
  {
    action: 'Microsoft.Network/networkInterfaces/effectiveRouteTable/action',
    role: 'rdp-doctor-diagnose',
    on: 'nic',
    needFor: 'the effective routes',
  },
  {
    action: 'Microsoft.Network/networkSecurityGroups/read',
    role: 'rdp-doctor-diagnose',
    on: 'nsg',
    needFor: "the fleet digest's NSG rows in Resource Graph",
  },
  {
    action: 'Microsoft.Network/publicIPAddresses/read',
    role: 'rdp-doctor-diagnose',
    on: 'public-ip',
    needFor: 'the public IP and its allocation',
  },
  {
    action: 'Microsoft.Network/virtualNetworks/read',
    role: 'rdp-doctor-diagnose',
    on: 'vnet',
    needFor: "the fleet digest's subnet rows in Resource Graph",
  },
  {
    action: 'Microsoft.Network/virtualNetworks/subnets/read',
    role: 'rdp-doctor-diagnose',
    on: 'vnet',
    needFor: "the subnet's NSG in the activity log",
  },
  {
    action: 'Microsoft.Network/bastionHosts/read',
    role: 'rdp-doctor-diagnose',
    on: 'vnet',
    needFor: "the fleet digest's Bastion rows in Resource Graph",
  },
  {
    action: 'Microsoft.Network/routeTables/read',
    role: 'rdp-doctor-diagnose',
    on: 'vnet',
    needFor: "the routes of the subnets' route tables in Resource Graph (a watch's route changes)",
  },
  {
    action: 'Microsoft.Network/networkWatchers/read',
    role: 'rdp-doctor-diagnose',
    on: 'network-watcher',
    needFor: "finding the region's Network Watcher",
  },
  {
    action: 'Microsoft.Network/networkWatchers/ipFlowVerify/action',
    role: 'rdp-doctor-diagnose',
    on: 'network-watcher',
    needFor: 'IP flow verify',
  },
  {
    action: 'Microsoft.Network/networkWatchers/nextHop/action',
    role: 'rdp-doctor-diagnose',
    on: 'network-watcher',
    needFor: 'next hop of the reply path',
  },
  {
    action: 'Microsoft.Security/locations/jitNetworkAccessPolicies/read',
    role: 'rdp-doctor-diagnose',
    on: 'vm',
    needFor: 'the JIT policy and its requests',
  },
  {
    action: 'Microsoft.Insights/Metrics/Read',
    role: 'rdp-doctor-diagnose',
    on: 'vm',
    needFor: 'platform metrics (CPU, memory, disk)',
  },
  {
    action: 'Microsoft.Insights/eventtypes/values/Read',
    role: 'rdp-doctor-diagnose',
    on: 'vm',
    needFor: 'the activity log (who changed what)',
  },
  {
    action: 'Microsoft.ResourceGraph/resources/read',
    role: 'rdp-doctor-diagnose',
    on: 'vm',
    needFor: 'the fleet digest',
  },
  {
    action: 'Microsoft.Authorization/permissions/read',
    role: 'rdp-doctor-diagnose',
    on: 'vm',
    needFor: 'rdp-doctor check-access',
  },
  // rdp-doctor-fix: what the approved fixes add on top of the diagnose role.
  {
    action: 'Microsoft.Compute/virtualMachines/start/action',
    role: 'rdp-doctor-fix',
    on: 'vm',
    needFor: 'start-vm',
  },
  {
    action: 'Microsoft.Compute/virtualMachines/restart/action',
    role: 'rdp-doctor-fix',
    on: 'vm',
    needFor: 'restart-vm',
  },
  {
    action: 'Microsoft.Compute/virtualMachines/extensions/read',
    role: 'rdp-doctor-fix',
    on: 'vm',
    needFor: 'vmaccess-reset (finding an installed VMAccess)',
  },
  {
    action: 'Microsoft.Compute/virtualMachines/extensions/write',
    role: 'rdp-doctor-fix',
    on: 'vm',
    needFor: 'vmaccess-reset',
  },
  {
    // The SDK reads the rule back when the write's operation finishes (the PUT's final GET).
    action: 'Microsoft.Network/networkSecurityGroups/securityRules/read',
    role: 'rdp-doctor-fix',
    on: 'nsg',
    needFor: 'nsg-allow-rdp-from-source (reading the written rule back)',
  },
  {
    action: 'Microsoft.Network/networkSecurityGroups/securityRules/write',
    role: 'rdp-doctor-fix',
    on: 'nsg',
    needFor: 'nsg-allow-rdp-from-source',
  },
  {
    action: 'Microsoft.Network/publicIPAddresses/write',
    role: 'rdp-doctor-fix',
    on: 'public-ip',
    needFor: 'make-public-ip-static',
  },
  {
    action: 'Microsoft.Security/locations/jitNetworkAccessPolicies/initiate/action',
    role: 'rdp-doctor-fix',
    on: 'vm',
    needFor: 'jit-request-access',
  },
];

const SUB = '/subscriptions/[^/]+';
const RG = `${SUB}/resourceGroups/[^/]+`;
const VM = `${RG}/providers/Microsoft\\.Compute/virtualMachines/[^/]+`;
const NIC = `${RG}/providers/Microsoft\\.Network/networkInterfaces/[^/]+`;
const NSG = `${RG}/providers/Microsoft\\.Network/networkSecurityGroups/[^/]+`;
const WATCHER = `${RG}/providers/Microsoft\\.Network/networkWatchers/[^/]+`;
const JIT_POLICY = `${RG}/providers/Microsoft\\.Security/locations/[^/]+/jitNetworkAccessPolicies/[^/]+`;

interface OperationRoute {
  method: 'GET' | 'POST' | 'PUT';
  path: RegExp;
  action: string;
}

const route = (method: OperationRoute['method'], path: string, action: string): OperationRoute => ({
  method,
  path: new RegExp(`^${path}$`, 'i'),
  action,
});

/** ARM requests by method and path (no query string), with the action ARM authorizes them by. */
export const ARM_OPERATIONS: readonly OperationRoute[] = [
  route('GET', VM, 'Microsoft.Compute/virtualMachines/read'),
  route(
    'GET',
    `${SUB}/providers/Microsoft\\.Compute/virtualMachines`,
    'Microsoft.Compute/virtualMachines/read',
  ),
  route('GET', `${VM}/instanceView`, 'Microsoft.Compute/virtualMachines/instanceView/read'),
  route(
    'POST',
    `${VM}/retrieveBootDiagnosticsData`,
    'Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action',
  ),
  route('POST', `${VM}/runCommand`, 'Microsoft.Compute/virtualMachines/runCommand/action'),
  route('POST', `${VM}/start`, 'Microsoft.Compute/virtualMachines/start/action'),
  route('POST', `${VM}/restart`, 'Microsoft.Compute/virtualMachines/restart/action'),
  route('GET', `${VM}/extensions`, 'Microsoft.Compute/virtualMachines/extensions/read'),
  route('GET', `${VM}/extensions/[^/]+`, 'Microsoft.Compute/virtualMachines/extensions/read'),
  route('PUT', `${VM}/extensions/[^/]+`, 'Microsoft.Compute/virtualMachines/extensions/write'),
  route('GET', NIC, 'Microsoft.Network/networkInterfaces/read'),
  route(
    'POST',
    `${NIC}/effectiveNetworkSecurityGroups`,
    'Microsoft.Network/networkInterfaces/effectiveNetworkSecurityGroups/action',
  ),
  route(
    'POST',
    `${NIC}/effectiveRouteTable`,
    'Microsoft.Network/networkInterfaces/effectiveRouteTable/action',
  ),
  route('GET', NSG, 'Microsoft.Network/networkSecurityGroups/read'),
  route('GET', `${NSG}/securityRules/[^/]+`, 'Microsoft.Network/networkSecurityGroups/securityRules/read'),
  route('PUT', `${NSG}/securityRules/[^/]+`, 'Microsoft.Network/networkSecurityGroups/securityRules/write'),
  route(
    'GET',
    `${RG}/providers/Microsoft\\.Network/publicIPAddresses/[^/]+`,
    'Microsoft.Network/publicIPAddresses/read',
  ),
  route(
    'PUT',
    `${RG}/providers/Microsoft\\.Network/publicIPAddresses/[^/]+`,
    'Microsoft.Network/publicIPAddresses/write',
  ),
  route(
    'GET',
    `${RG}/providers/Microsoft\\.Network/virtualNetworks/[^/]+/subnets/[^/]+`,
    'Microsoft.Network/virtualNetworks/subnets/read',
  ),
  route(
    'GET',
    `${RG}/providers/Microsoft\\.Network/bastionHosts/[^/]+`,
    'Microsoft.Network/bastionHosts/read',
  ),
  route(
    'GET',
    `${SUB}/providers/Microsoft\\.Network/networkWatchers`,
    'Microsoft.Network/networkWatchers/read',
  ),
  route('POST', `${WATCHER}/ipFlowVerify`, 'Microsoft.Network/networkWatchers/ipFlowVerify/action'),
  route('POST', `${WATCHER}/nextHop`, 'Microsoft.Network/networkWatchers/nextHop/action'),
  route(
    'GET',
    `${SUB}(?:/resourceGroups/[^/]+)?/providers/Microsoft\\.Security/jitNetworkAccessPolicies`,
    'Microsoft.Security/locations/jitNetworkAccessPolicies/read',
  ),
  route('GET', JIT_POLICY, 'Microsoft.Security/locations/jitNetworkAccessPolicies/read'),
  route(
    'POST',
    `${JIT_POLICY}/initiate`,
    'Microsoft.Security/locations/jitNetworkAccessPolicies/initiate/action',
  ),
  route('GET', '/.+/providers/Microsoft\\.Insights/metrics', 'Microsoft.Insights/Metrics/Read'),
  route(
    'GET',
    `${SUB}/providers/Microsoft\\.Insights/eventtypes/management/values`,
    'Microsoft.Insights/eventtypes/values/Read',
  ),
  route('POST', '/providers/Microsoft\\.ResourceGraph/resources', 'Microsoft.ResourceGraph/resources/read'),
  route(
    'GET',
    `${RG}/providers/Microsoft\\.Authorization/permissions`,
    'Microsoft.Authorization/permissions/read',
  ),
];

/** The action ARM authorizes a request by, or null for a path this table does not know. */
export function actionFor(method: string, path: string): string | null {
  const upper = method.toUpperCase();
  return ARM_OPERATIONS.find((op) => op.method === upper && op.path.test(path))?.action ?? null;
}

/**
 * Resource Graph returns only the rows of resources the caller may read: a query over a type needs that
 * type's read action too. Types as the query names them (`microsoft.network/networksecuritygroups`).
 */
export function resourceGraphReads(query: string): string[] {
  const types = [...query.matchAll(/\btype\s*(?:=~|==)\s*'([^']+)'/gi)].map((m) => m[1].toLowerCase());
  return [...new Set(types)].map((type) => {
    const known = REQUIRED_ACTIONS.find((required) => required.action.toLowerCase() === `${type}/read`);
    return known?.action ?? `${type}/read`;
  });
}

/** One entry of Microsoft.Authorization/permissions: what one role assignment grants at the scope. */
export interface Permission {
  actions?: string[];
  notActions?: string[];
}

/** Azure's action wildcards: `*` matches any run of characters, `/` included; case does not matter. */
function matches(pattern: string, action: string): boolean {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}

/** Whether some role assignment grants the action: one of its actions matches and none of its notActions. */
export function grants(permissions: readonly Permission[], action: string): boolean {
  return permissions.some(
    (permission) =>
      (permission.actions ?? []).some((pattern) => matches(pattern, action)) &&
      !(permission.notActions ?? []).some((pattern) => matches(pattern, action)),
  );
}
