// ARM resource ids: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{type}/{name}]`.
// ARM treats the keywords and names case-insensitively, and returns ids in whatever case they were created.

export interface ResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** `Microsoft.Network/networkInterfaces` */
  type: string;
  name: string;
  /** Child segments after the top-level resource: [['subnets', 'default']] for a subnet id. */
  children: [string, string][];
}

export function parseResourceId(id: string): ResourceId | null {
  const parts = id
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .split('/');
  if (parts.length < 8 || parts.length % 2 !== 0) return null;
  if (parts[0].toLowerCase() !== 'subscriptions' || parts[2].toLowerCase() !== 'resourcegroups') return null;
  if (parts[4].toLowerCase() !== 'providers') return null;
  // An empty, `.` or `..` segment is no name: URL resolution would drop or collapse it.
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return null;
  const children: [string, string][] = [];
  for (let i = 8; i < parts.length; i += 2) children.push([parts[i], parts[i + 1]]);
  return {
    subscriptionId: parts[1],
    resourceGroup: parts[3],
    type: `${parts[5]}/${parts[6]}`,
    name: parts[7],
    children,
  };
}

/** Like parseResourceId, for ids ARM itself handed us: a malformed one is a fault to report, not to guess around. */
export function requireResourceId(id: string | undefined, what: string): ResourceId {
  const parsed = id ? parseResourceId(id) : null;
  if (!parsed) throw new Error(`ARM returned ${what} with an unreadable resource id '${id ?? ''}'`);
  return parsed;
}

/** Whether two ARM ids name the same resource. */
export function sameResourceId(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}

/** Whether `id` is `parent` or one of its child resources (an NSG's security rules, a VM's extensions). */
export function isWithin(id: string, parent: string): boolean {
  const child = id.replace(/\/+$/, '').toLowerCase();
  const root = parent.replace(/\/+$/, '').toLowerCase();
  return child === root || child.startsWith(`${root}/`);
}

/** `West Europe` and `westeurope` are the same region. */
export function sameLocation(a: string, b: string): boolean {
  return a.replace(/\s+/g, '').toLowerCase() === b.replace(/\s+/g, '').toLowerCase();
}
