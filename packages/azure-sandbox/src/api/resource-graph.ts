import { createHash } from 'node:crypto';
import { API_VERSIONS } from '../arm/api-versions';
import { ArmError, badRequest, objectBody, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { liveRules } from '../net/nsg';
import { instanceViewJson, vmJson } from '../views/compute';
import { nicJson, nsgJson, publicIpJson, securityRuleJson } from '../views/network';
import type { ArmResource, NetworkSecurityGroup, VirtualMachine, World } from '../world';

// Azure Resource Graph (POST /providers/Microsoft.ResourceGraph/resources). It does not interpret KQL. It
// answers two kinds of query:
// - rdp-doctor's fleet queries, recognised by their marker comment, with exactly the
//   columns those queries project, computed from the world; of their text it reads only the scope filters
//   (`resourceGroup in~ (…)`, `tostring(tags['k']) =~ 'v'`) and, below the `rdp-doctor:fleet-touched`
//   comment, the `| where <column> in~ (…) or …` line that narrows the machines to those a change touches;
// - any other `Resources` query, filtered by its `type =~ '…'` / `type in~ (…)` clauses, as whole resources.
// Paging follows the service: `$top` (at most 1000) rows per page, then a `$skipToken` bound to the query;
// results without an `id` column cannot page and come back truncated. The world's throttle flag makes the
// next queries answer 429 with Retry-After, the way Resource Graph refuses a user over quota.

type Row = Record<string, unknown>;

const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;
const QUOTA_WINDOW = '00:00:05';

/** The comments rdp-doctor's fleet queries carry in their KQL text, one per query. */
const FLEET_QUERY_MARKERS = {
  machines: 'rdp-doctor:fleet-machines',
  network: 'rdp-doctor:fleet-network',
} as const;
const TOUCHED_MARKER = 'rdp-doctor:fleet-touched';

// ---------- fleet queries ----------

/** The values of a KQL string literal list: `'a', 'b\'s'`. */
function kqlStrings(text: string): string[] {
  return [...text.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((match) => match[1].replace(/\\(.)/g, '$1'));
}

interface ScopeFilter {
  resourceGroups: string[] | null;
  tags: { key: string; value: string }[] | null;
}

function scopeFilter(query: string): ScopeFilter {
  const groups = /^\| where resourceGroup in~ \((.*)\)$/m.exec(query);
  const tags = /^\| where (tostring\(tags\[.*)$/m.exec(query);
  return {
    resourceGroups: groups ? kqlStrings(groups[1]).map((name) => name.toLowerCase()) : null,
    tags: tags
      ? tags[1].split(/ or (?=tostring\(tags\[)/).map((term) => {
          const [key, value] = kqlStrings(term);
          return { key, value };
        })
      : null,
  };
}

/** The narrowing line's terms, by column (lower case), each a set of lower-case values; null: no narrowing. */
function touchedFilter(query: string): Map<string, Set<string>> | null {
  const line = new RegExp(`// ${TOUCHED_MARKER}\\n\\| where (.*)$`, 'm').exec(query);
  if (!line) return null;
  const terms = new Map<string, Set<string>>();
  for (const term of line[1].matchAll(/(\w+) in~ \(([^)]*)\)/g)) {
    terms.set(term[1].toLowerCase(), new Set(kqlStrings(term[2]).map((value) => value.toLowerCase())));
  }
  return terms;
}

/** Whether a machine's own columns match any term of the narrowing line. */
function touched(world: World, vm: VirtualMachine, terms: Map<string, Set<string>>): boolean {
  const nic = world.nicsOf(vm).find((candidate) => candidate.primary) ?? world.nicsOf(vm)[0];
  const columns: Record<string, string> = {
    id: vm.id,
    resourcegroup: vm.resourceGroup,
    nicid: nic?.id ?? '',
    subnetid: nic?.subnetId ?? '',
    nicnsgid: nic?.nsgId ?? '',
    publicipid: nic?.publicIpId ?? '',
  };
  return [...terms].some(([column, values]) => values.has((columns[column] ?? '').toLowerCase()));
}

function inScope(vm: VirtualMachine, filter: ScopeFilter): boolean {
  if (filter.resourceGroups && !filter.resourceGroups.includes(vm.resourceGroup.toLowerCase())) return false;
  return (
    !filter.tags ||
    filter.tags.some((tag) => (vm.tags ?? {})[tag.key]?.toLowerCase() === tag.value.toLowerCase())
  );
}

const byId = (a: { id: string }, b: { id: string }) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1);

function rulesJson(world: World, nsg: NetworkSecurityGroup | undefined) {
  return nsg ? liveRules(nsg, world.now()).map((rule) => securityRuleJson(nsg.id, rule)) : null;
}

/** One VM joined with its primary NIC, the NIC's NSG rules and its public IP: the fleet-machines columns. */
function machineRow(world: World, vm: VirtualMachine): Row {
  const nic = world.nicsOf(vm).find((candidate) => candidate.primary) ?? world.nicsOf(vm)[0];
  const ip = nic?.publicIpId ? world.publicIps.get(nic.publicIpId) : undefined;
  const nsg = nic?.nsgId ? world.nsgs.get(nic.nsgId) : undefined;
  return {
    id: vm.id,
    name: vm.name,
    resourceGroup: vm.resourceGroup.toLowerCase(),
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    tags: vm.tags ?? {},
    osType: vm.osType,
    powerState: `PowerState/${vm.powerState}`,
    bootDiagnostics: vm.bootDiagnostics,
    nicId: nic?.id.toLowerCase() ?? '',
    privateIp: nic?.privateIp ?? '',
    subnetId: nic?.subnetId ?? '',
    nicNsgId: nsg?.id.toLowerCase() ?? '',
    nicNsgRules: rulesJson(world, nsg),
    publicIpId: ip?.id.toLowerCase() ?? '',
    publicIpName: ip?.name ?? '',
    publicIpAddress: ip?.ipAddress ?? '',
    publicIpAllocation: ip?.allocation ?? '',
    publicIpFqdn: ip?.domainNameLabel ? `${ip.domainNameLabel}.${ip.location}.cloudapp.azure.com` : '',
  };
}

const inSubscriptions = (subscriptions: string[]) => {
  const wanted = new Set(subscriptions);
  return (resource: ArmResource) => wanted.has(resource.subscriptionId.toLowerCase());
};

/**
 * The machines a scope selects from one sorted snapshot of the world's machines, by subscriptions and query:
 * a 100,000-VM fleet is paged 100 times, and filtering it again for every page cost more than the answer.
 * A new snapshot (any machine added or removed) starts afresh; scope filters read only fields that never
 * change in place (group, tags).
 */
const scopedMachines = new WeakMap<readonly VirtualMachine[], Map<string, VirtualMachine[]>>();
const SCOPED_MACHINES_CAP = 16;

function machinesInScope(world: World, subscriptions: string[], query: string): VirtualMachine[] {
  const sorted = world.vms.sortedById();
  const narrowing = touchedFilter(query);
  const filter = scopeFilter(query);
  const scoped = inSubscriptions(subscriptions);
  const select = () =>
    sorted.filter(
      (vm) => scoped(vm) && inScope(vm, filter) && (narrowing === null || touched(world, vm, narrowing)),
    );
  // A narrowed query follows NICs and subnets, which change in place: never kept.
  if (narrowing !== null) return select();
  let bySelection = scopedMachines.get(sorted);
  if (!bySelection) scopedMachines.set(sorted, (bySelection = new Map()));
  const key = `${subscriptions.join(',')}\n${query}`;
  let vms = bySelection.get(key);
  if (!vms) {
    if (bySelection.size >= SCOPED_MACHINES_CAP) bySelection.clear();
    bySelection.set(key, (vms = select()));
  }
  return vms;
}

/** Rows of the fleet-machines query, built only for the requested page: the order needs ids alone. */
function machinePage(world: World, subscriptions: string[], query: string, offset: number, top: number) {
  const vms = machinesInScope(world, subscriptions, query);
  return {
    total: vms.length,
    rows: vms.slice(offset, offset + top).map((vm) => machineRow(world, vm)),
  };
}

function networkRows(world: World, subscriptions: string[]): Row[] {
  const scoped = inSubscriptions(subscriptions);
  const subnetNsgIds = new Set<string>();
  const rows: Row[] = [];
  for (const vnet of [...world.vnets.values()].filter(scoped)) {
    for (const subnet of vnet.subnets) {
      if (subnet.nsgId) subnetNsgIds.add(subnet.nsgId.toLowerCase());
      rows.push({
        id: `${vnet.id}/subnets/${subnet.name}`.toLowerCase(),
        kind: 'subnet',
        vnetId: vnet.id.toLowerCase(),
        addressPrefixes: vnet.addressPrefixes,
        subnetCount: vnet.subnets.length,
        nsgId: subnet.nsgId?.toLowerCase() ?? '',
        routeTableId: subnet.routeTableId?.toLowerCase() ?? '',
      });
    }
  }
  const associated = new Set(
    [...world.vnets.values()].flatMap((vnet) =>
      vnet.subnets.flatMap((subnet) => (subnet.routeTableId ? [subnet.routeTableId.toLowerCase()] : [])),
    ),
  );
  for (const table of [...world.routeTables.values()].filter(scoped)) {
    if (!associated.has(table.id.toLowerCase())) continue;
    rows.push({
      id: table.id.toLowerCase(),
      kind: 'route-table',
      routes: table.routes.map((route) => ({
        name: route.name,
        properties: {
          addressPrefix: route.addressPrefix,
          nextHopType: route.nextHopType,
          ...(route.nextHopIpAddress ? { nextHopIpAddress: route.nextHopIpAddress } : {}),
        },
      })),
    });
  }
  for (const nsgId of subnetNsgIds) {
    const nsg = world.nsgs.get(nsgId);
    if (nsg && scoped(nsg)) rows.push({ id: nsgId, kind: 'subnet-nsg', rules: rulesJson(world, nsg) });
  }
  for (const bastion of [...world.bastionHosts.values()].filter(scoped)) {
    rows.push({
      id: bastion.id.toLowerCase(),
      kind: 'bastion',
      name: bastion.name,
      vnetId: bastion.subnetId.replace(/\/subnets\/[^/]+$/i, '').toLowerCase(),
    });
  }
  return rows.sort((a, b) => byId(a as { id: string }, b as { id: string }));
}

// ---------- any other Resources query ----------

interface Typed {
  type: string;
  resources(world: World): ArmResource[];
  properties(world: World, resource: ArmResource): unknown;
  tags?(resource: ArmResource): Record<string, string>;
}

const TYPES: Typed[] = [
  {
    type: 'microsoft.compute/virtualmachines',
    resources: (world) => [...world.vms.values()],
    properties(world, resource) {
      const vm = resource as VirtualMachine;
      const view = instanceViewJson(vm, world.now());
      const powerState = view.statuses[1];
      const extended = { instanceView: { powerState, ...(view.vmAgent ? { vmAgent: view.vmAgent } : {}) } };
      return { ...vmJson(vm).properties, extended };
    },
    tags: (resource) => (resource as VirtualMachine).tags ?? {},
  },
  {
    type: 'microsoft.network/networkinterfaces',
    resources: (world) => [...world.nics.values()],
    properties: (world, nic) => nicJson(world, nic as Parameters<typeof nicJson>[1]).properties,
  },
  {
    type: 'microsoft.network/networksecuritygroups',
    resources: (world) => [...world.nsgs.values()],
    properties: (world, nsg) => nsgJson(world, nsg as NetworkSecurityGroup).properties,
  },
  {
    type: 'microsoft.network/publicipaddresses',
    resources: (world) => [...world.publicIps.values()],
    properties: (_world, ip) => publicIpJson(ip as Parameters<typeof publicIpJson>[0]).properties,
  },
];

/** The resource types a query's `type =~ 'x'`, `type == 'x'` or `type in~ ('x', 'y')` clauses name. */
function typesIn(query: string): string[] {
  const single = [...query.matchAll(/\btype\s*(?:=~|==)\s*['"]([^'"]+)['"]/gi)].map((m) => m[1]);
  const lists = [...query.matchAll(/\btype\s+in~?\s*\(([^)]*)\)/gi)].flatMap((m) =>
    [...m[1].matchAll(/['"]([^'"]+)['"]/g)].map((item) => item[1]),
  );
  return [...single, ...lists].map((type) => type.toLowerCase());
}

function resourceRows(world: World, subscriptions: string[], query: string): Row[] {
  const types = typesIn(query);
  return TYPES.filter((typed) => types.length === 0 || types.includes(typed.type)).flatMap((typed) =>
    typed
      .resources(world)
      .filter(inSubscriptions(subscriptions))
      .map((resource) => ({
        id: resource.id,
        name: resource.name,
        type: typed.type,
        tenantId: world.tenantId,
        kind: '',
        location: resource.location,
        resourceGroup: resource.resourceGroup.toLowerCase(),
        subscriptionId: resource.subscriptionId,
        managedBy: '',
        sku: null,
        plan: null,
        properties: typed.properties(world, resource),
        tags: typed.tags?.(resource) ?? {},
        identity: null,
        zones: null,
        extendedLocation: null,
      })),
  );
}

// ---------- paging and throttling ----------

/** A skip token names the next row and the query it continues, so it cannot resume another query. */
function skipToken(query: string, offset: number): string {
  return Buffer.from(JSON.stringify({ offset, query: digest(query) })).toString('base64url');
}

function digest(query: string): string {
  return createHash('sha256').update(query).digest('hex').slice(0, 16);
}

function offsetOf(token: unknown, query: string, skip: unknown): number {
  if (typeof token !== 'string') return Number(skip ?? 0) || 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as {
      offset?: unknown;
      query?: unknown;
    };
    if (typeof parsed.offset === 'number' && parsed.query === digest(query)) return parsed.offset;
  } catch {
    // Falls through to the refusal below.
  }
  throw badRequest(
    'InvalidSkipToken',
    'The $skipToken is not valid for this query: send it with the same query and subscriptions that returned it.',
  );
}

function throttle(world: World): void {
  const storm = world.resourceGraphThrottle;
  if (storm.requests <= 0) return;
  storm.requests -= 1;
  const seconds = String(storm.retryAfterSeconds);
  throw new ArmError(
    429,
    'RateLimiting',
    'Client application has been throttled and should not attempt to repeat the request until an amount of ' +
      'time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.',
    {
      'Retry-After': seconds,
      'x-ms-user-quota-remaining': '0',
      'x-ms-user-quota-resets-after': `00:00:${seconds.padStart(2, '0')}`,
    },
  );
}

function query(ctx: RouteContext) {
  throttle(ctx.world);
  const body = objectBody(ctx.body);
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    throw badRequest('BadRequest', 'The request needs a query.');
  }
  const text = body.query;
  const options = body.options === undefined ? {} : objectBody(body.options);
  if (options.resultFormat === 'table') {
    throw badRequest('BadRequest', "The sandbox's Resource Graph answers in resultFormat objectArray only.");
  }
  const subscriptions = Array.isArray(body.subscriptions)
    ? body.subscriptions.map((id) => String(id).toLowerCase())
    : ctx.world.subscriptionIds.map((id) => id.toLowerCase());
  const top = Math.min(MAX_PAGE, Number(options.$top ?? DEFAULT_PAGE) || DEFAULT_PAGE);
  const offset = offsetOf(options.$skipToken, text, options.$skip);

  let total: number;
  let rows: Row[];
  if (text.includes(FLEET_QUERY_MARKERS.machines)) {
    ({ total, rows } = machinePage(ctx.world, subscriptions, text, offset, top));
  } else {
    const all = text.includes(FLEET_QUERY_MARKERS.network)
      ? networkRows(ctx.world, subscriptions)
      : resourceRows(ctx.world, subscriptions, text);
    total = all.length;
    rows = all.slice(offset, offset + top);
  }
  const more = offset + top < total;
  // Paging needs the id column; without it the service cuts the result at the first page.
  const pageable = rows.length === 0 || 'id' in rows[0];
  return {
    ...ok({
      totalRecords: total,
      count: rows.length,
      resultTruncated: more && !pageable ? 'true' : 'false',
      ...(more && pageable ? { $skipToken: skipToken(text, offset + top) } : {}),
      data: rows,
      facets: [],
    }),
    headers: { 'x-ms-user-quota-remaining': '14', 'x-ms-user-quota-resets-after': QUOTA_WINDOW },
  };
}

export const resourceGraphRoutes: Route[] = [
  {
    method: 'POST',
    path: '/providers/Microsoft.ResourceGraph/resources',
    apiVersions: API_VERSIONS.resourceGraph,
    handle: query,
  },
];
