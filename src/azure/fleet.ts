import type { JitNetworkAccessPolicy } from '@azure/arm-security';
import type { QueryResponse } from '@azure/arm-resourcegraph';
import type { MetricsFacts } from '../diagnosis/facts';
import { resourceName } from '../diagnosis/net';
import type { AzureClients } from './clients';
import { AzureCallError, describeAzureError, isAbort } from './errors';
import { parseFleetRows, type FleetQuery, type FleetRow } from './fleet-row-schemas';
import {
  QUERY_MARKERS,
  type FleetJoin,
  type FleetQueryScope,
  type FleetRead,
  type JitRow,
  type MachineRow,
  type MetricsRead,
  type MetricsTarget,
  type NetworkRow,
  type TouchedResources,
} from './fleet-rows';
import { metricsFactsOf } from './gatherers/metrics';
import { agentOf } from './gatherers/vm';

// The fleet inventory against Azure: two Resource Graph queries for the whole scope, whatever its size
// (machines with their NIC, NSG and public IP joined in; the network around them), paged with skip
// tokens; Defender's JIT policies listed once per subscription; the agents of at most AGENT_READS_CAP
// running machines from their instance views; then Monitor metrics for the few machines that need them.
// Only fields Resource Graph documents are read from it (see docs/azure-verification.md).
// Each query opens with its marker comment (QUERY_MARKERS): Resource Graph ignores comments, and the
// sandbox recognises the queries by it instead of interpreting KQL.

/** Resource Graph's largest page. */
const PAGE_SIZE = 1000;
/** Resource Graph takes at most this many subscriptions per request. */
const SUBSCRIPTIONS_PER_REQUEST = 1000;
/** How long throttling may hold the inventory back, on top of the SDK's own retries, before it gives up. */
const THROTTLE_BUDGET_MS = 10 * 60_000;
/** When a 429 names no wait: Resource Graph's quota window is 5 seconds. */
const DEFAULT_THROTTLE_WAIT_MS = 5_000;
const METRIC_NAMES = [
  'Available Memory Bytes',
  'OS Disk IOPS Consumed Percentage',
  'OS Disk Bandwidth Consumed Percentage',
];
const METRIC_WINDOW_MS = 24 * 3_600_000;
/** Resource Graph's ceiling for `mv-expand … limit` (its default is 128). */
export const MV_EXPAND_LIMIT = 400;
/**
 * Machines whose agent is read per digest. Resource Graph documents no agent status (only the power state),
 * so the agent comes from each running machine's instance view: one ARM GET per machine, bounded.
 */
export const AGENT_READS_CAP = 200;
const AGENT_READS_AT_ONCE = 8;

/** A KQL string literal: backslashes and quotes escaped, so a typed value cannot end the literal. */
function kqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The scope's resource group and tag terms as `where` clauses: one kind widens, kinds narrow. */
function scopeFilters(scope: FleetQueryScope): string[] {
  const filters: string[] = [];
  if (scope.resourceGroups.length > 0) {
    filters.push(`| where resourceGroup in~ (${scope.resourceGroups.map(kqlString).join(', ')})`);
  }
  if (scope.tags.length > 0) {
    const terms = scope.tags.map((tag) => `tostring(tags[${kqlString(tag.key)}]) =~ ${kqlString(tag.value)}`);
    filters.push(`| where ${terms.join(' or ')}`);
  }
  return filters;
}

/** The columns of the machines query a touched resource is compared with, and the ids to compare. */
export type TouchTerms = Record<
  'id' | 'nicId' | 'nicNsgId' | 'subnetId' | 'publicIpId' | 'resourceGroup',
  string[]
>;

/**
 * `| where id in~ (…) or nicNsgId in~ (…) …` under its marker comment (the sandbox finds it by that), or
 * nothing when no term has a value.
 */
function touchedFilter(terms: TouchTerms | null): string[] {
  if (!terms) return [];
  const clauses = Object.entries(terms)
    .filter(([, values]) => values.length > 0)
    .map(([column, values]) => `${column} in~ (${values.map(kqlString).join(', ')})`);
  return [`// ${QUERY_MARKERS.touched}`, `| where ${clauses.join(' or ')}`];
}

function machinesQuery(scope: FleetQueryScope, touched: TouchTerms | null = null): string {
  return [
    `// ${QUERY_MARKERS.machines}`,
    'Resources',
    "| where type =~ 'microsoft.compute/virtualmachines'",
    ...scopeFilters(scope),
    '| extend nics = properties.networkProfile.networkInterfaces',
    `| mv-expand nic = nics limit ${MV_EXPAND_LIMIT}`,
    '| where array_length(nics) == 1 or tobool(nic.properties.primary)',
    '| project id, name, resourceGroup, subscriptionId, location, tags,',
    '    osType = tostring(properties.storageProfile.osDisk.osType),',
    '    powerState = tostring(properties.extended.instanceView.powerState.code),',
    '    bootDiagnostics = tobool(properties.diagnosticsProfile.bootDiagnostics.enabled),',
    '    nicId = tolower(tostring(nic.id))',
    '| join kind=leftouter (',
    '    Resources',
    "    | where type =~ 'microsoft.network/networkinterfaces'",
    '    | project nicId = tolower(id),',
    '        privateIp = tostring(properties.ipConfigurations[0].properties.privateIPAddress),',
    '        subnetId = tostring(properties.ipConfigurations[0].properties.subnet.id),',
    '        publicIpId = tolower(tostring(properties.ipConfigurations[0].properties.publicIPAddress.id)),',
    '        nicNsgId = tolower(tostring(properties.networkSecurityGroup.id))',
    '  ) on nicId',
    '| join kind=leftouter (',
    '    Resources',
    "    | where type =~ 'microsoft.network/publicipaddresses'",
    '    | project publicIpId = tolower(id), publicIpName = name,',
    '        publicIpAddress = tostring(properties.ipAddress),',
    '        publicIpAllocation = tostring(properties.publicIPAllocationMethod),',
    '        publicIpFqdn = tostring(properties.dnsSettings.fqdn)',
    '  ) on publicIpId',
    '| join kind=leftouter (',
    '    Resources',
    "    | where type =~ 'microsoft.network/networksecuritygroups'",
    '    | project nicNsgId = tolower(id), nicNsgRules = properties.securityRules',
    '  ) on nicNsgId',
    ...touchedFilter(touched),
    '| project-away nicId1, publicIpId1, nicNsgId1',
    '| order by id asc',
  ].join('\n');
}

function networkQuery(): string {
  return [
    `// ${QUERY_MARKERS.network}`,
    'Resources',
    "| where type =~ 'microsoft.network/virtualnetworks'",
    `| mv-expand subnet = properties.subnets limit ${MV_EXPAND_LIMIT}`,
    "| project id = tolower(tostring(subnet.id)), kind = 'subnet', vnetId = tolower(id),",
    '    addressPrefixes = properties.addressSpace.addressPrefixes,',
    '    subnetCount = array_length(properties.subnets),',
    '    nsgId = tolower(tostring(subnet.properties.networkSecurityGroup.id)),',
    '    routeTableId = tolower(tostring(subnet.properties.routeTable.id))',
    '| union (',
    '    Resources',
    "    | where type =~ 'microsoft.network/networksecuritygroups' and array_length(properties.subnets) > 0",
    "    | project id = tolower(id), kind = 'subnet-nsg', rules = properties.securityRules",
    '  ), (',
    '    Resources',
    "    | where type =~ 'microsoft.network/routetables' and array_length(properties.subnets) > 0",
    "    | project id = tolower(id), kind = 'route-table', routes = properties.routes",
    '  ), (',
    '    Resources',
    "    | where type =~ 'microsoft.network/bastionhosts'",
    "    | project id = tolower(id), kind = 'bastion', name,",
    // The Developer SKU names its virtual network and has no ipConfigurations; the others name a subnet.
    '        vnetId = tolower(coalesce(tostring(properties.virtualNetwork.id),',
    "            tostring(split(tostring(properties.ipConfigurations[0].properties.subnet.id), '/subnets/')[0])))",
    '  )',
    '| order by id asc',
  ].join('\n');
}

interface RestErrorLike {
  statusCode?: number;
  response?: { headers: { get(name: string): string | undefined } };
}

/** The wait a 429 asks for: Retry-After (seconds), else Resource Graph's quota reset (hh:mm:ss). */
function throttleWaitMs(error: unknown): number | null {
  const rest = error as RestErrorLike;
  if (rest?.statusCode !== 429) return null;
  const retryAfter = rest.response?.headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
  const reset = /^(\d+):(\d{2}):(\d{2})$/.exec(
    rest.response?.headers.get('x-ms-user-quota-resets-after') ?? '',
  );
  if (reset) return ((Number(reset[1]) * 60 + Number(reset[2])) * 60 + Number(reset[3])) * 1000;
  return DEFAULT_THROTTLE_WAIT_MS;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts calls and holds the run back while Azure throttles it, so a throttled digest is late, not lost. */
class CallBudget {
  calls = 0;
  throttledMs = 0;

  async call<T>(service: string, send: () => Promise<T>): Promise<T> {
    for (;;) {
      this.calls += 1;
      try {
        return await send();
      } catch (error) {
        if (isAbort(error)) throw error;
        // The SDK already honoured Retry-After for its own retries; this waits once more per 429 it gave up on.
        const wait = throttleWaitMs(error);
        if (wait === null || this.throttledMs + wait > THROTTLE_BUDGET_MS) {
          const described = describeAzureError(service, error);
          throw wait === null
            ? described
            : new AzureCallError(
                `${described.message}; it kept throttling for ${Math.round(this.throttledMs / 60_000)} min, ` +
                  'so this digest stops here and the next scheduled one tries again',
                described.statusCode,
                described.code,
              );
        }
        this.throttledMs += wait;
        await sleep(wait);
      }
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Every row of a query across the subscriptions, page by page (`$top` 1000, then `$skipToken`). The next
 * page is requested as soon as its token is known, so Resource Graph answers it while this one becomes facts.
 */
async function queryPages<K extends FleetQuery>(
  clients: AzureClients,
  budget: CallBudget,
  subscriptions: readonly string[],
  kind: K,
  query: string,
  onPage: (rows: FleetRow<K>[]) => void | Promise<void>,
): Promise<void> {
  for (const batch of chunks(subscriptions, SUBSCRIPTIONS_PER_REQUEST)) {
    const pageAfter = (skipToken: string | undefined): Promise<QueryResponse> =>
      budget.call('Azure Resource Graph', () =>
        clients.resourceGraph.resources({
          subscriptions: batch,
          query,
          options: { top: PAGE_SIZE, skipToken, resultFormat: 'objectArray' },
        }),
      );
    let next: Promise<QueryResponse> | null = pageAfter(undefined);
    while (next) {
      const page: QueryResponse = await next;
      if (page.resultTruncated === 'true') {
        throw new AzureCallError(
          'Azure Resource Graph truncated the fleet inventory instead of paging it; the query must keep the id column.',
          null,
          'ResultTruncated',
        );
      }
      next = page.skipToken ? pageAfter(page.skipToken) : null;
      try {
        // The SDK's mapper turns the `data` array into an object keyed by index.
        await onPage(parseFleetRows(kind, Object.values(page.data ?? {})));
      } catch (error) {
        // The page already requested is not awaited any more; its failure must not go unhandled.
        next?.catch(() => undefined);
        throw error;
      }
    }
  }
}

async function allRows<K extends FleetQuery>(
  clients: AzureClients,
  budget: CallBudget,
  subscriptions: readonly string[],
  kind: K,
  query: string,
) {
  const rows: FleetRow<K>[] = [];
  await queryPages(clients, budget, subscriptions, kind, query, (page) => {
    rows.push(...page);
  });
  return rows;
}

/**
 * The VMs each JIT policy covers, from Defender for Cloud's REST list per subscription: Resource Graph
 * documents no table holding JIT policies.
 */
async function jitRows(
  clients: AzureClients,
  budget: CallBudget,
  subscriptions: readonly string[],
): Promise<JitRow[]> {
  const rows: JitRow[] = [];
  for (const subscriptionId of subscriptions) {
    const security = clients.forSubscription(subscriptionId).security;
    const policies = await budget.call('Defender for Cloud JIT', async () => {
      const listed: JitNetworkAccessPolicy[] = [];
      for await (const policy of security.jitNetworkAccessPolicies.list()) listed.push(policy);
      return listed;
    });
    for (const policy of policies) {
      // ARM may omit lists the SDK types call required.
      for (const vm of policy.virtualMachines ?? []) {
        rows.push({
          id: vm.id.toLowerCase(),
          ports: (vm.ports ?? []).map((port) => ({ number: port.number })),
        });
      }
    }
  }
  return rows;
}

/** Virtual networks with more subnets than `mv-expand` returns: machines in the rest lose their subnet's NSG. */
function subnetLimitWarnings(network: readonly NetworkRow[]): string[] {
  const cut = new Map<string, number>();
  for (const row of network) {
    if (row.kind === 'subnet' && (row.subnetCount ?? 0) > MV_EXPAND_LIMIT)
      cut.set(row.vnetId, row.subnetCount ?? 0);
  }
  return [...cut].map(
    ([vnetId, count]) =>
      `virtual network ${resourceName(vnetId)} has ${count} subnets and Resource Graph expands at most ` +
      `${MV_EXPAND_LIMIT}: machines in the others are judged without their subnet's NSG`,
  );
}

interface AgentReads {
  /** Queues a machine row; its agent is read from its instance view (`$expand=instanceView`). */
  add(row: MachineRow): void;
  /** Waits for every queued read; the warning names the machines whose view could not be read. */
  finish(): Promise<string[]>;
}

/**
 * Reads the agents of machine rows a few at a time, starting while later pages are still being read. A
 * row whose view cannot be read keeps an unread agent.
 */
function agentReads(clients: AzureClients, budget: CallBudget): AgentReads {
  const queue: MachineRow[] = [];
  const failures: string[] = [];
  let closed = false;
  let wake = () => {};
  let arrived = new Promise<void>((resolve) => (wake = resolve));
  const notify = () => {
    const resolve = wake;
    arrived = new Promise<void>((next) => (wake = next));
    resolve();
  };
  const worker = async () => {
    for (;;) {
      const row = queue.shift();
      if (!row) {
        if (closed) return;
        await arrived;
        continue;
      }
      const compute = clients.forSubscription(row.subscriptionId).compute;
      try {
        const vm = await budget.call('Compute', () =>
          compute.virtualMachines.get(row.resourceGroup, row.name, { expand: 'instanceView' }),
        );
        const agent = agentOf(vm);
        row.agent = { status: agent.status, message: agent.message };
      } catch (error) {
        // One machine's instance view failing leaves its agent unknown; it does not stop the digest.
        if (!(error instanceof AzureCallError)) throw error;
        failures.push(row.name);
      }
    }
  };
  const workers = Promise.all(Array.from({ length: AGENT_READS_AT_ONCE }, worker));
  // Awaited by finish(); until then a failure (an abort) must not count as unhandled.
  workers.catch(() => undefined);
  return {
    add(row) {
      queue.push(row);
      notify();
    },
    async finish() {
      closed = true;
      notify();
      await workers;
      return failures.length > 0 ? [`the agent could not be read for ${failures.join(', ')}`] : [];
    },
  };
}

const isRunning = (row: MachineRow) => row.powerState.toLowerCase() === 'powerstate/running';

export interface AzureFleetReader<Machine> {
  /** `scope.subscriptions` must be resolved (never empty). */
  inventory(scope: FleetQueryScope): Promise<FleetRead<Machine>>;
  /**
   * The machines of the scope that are, or sit behind, one of the touched resources (through their NIC,
   * its NSG, their subnet, the NSG or route table attached to that subnet, their public IP, their group).
   * The network and JIT reads are the inventory's; the machines query carries a filter, so it reads a page
   * or two however large the fleet. No agent is read.
   */
  touched(scope: FleetQueryScope, resources: TouchedResources): Promise<FleetRead<Machine>>;
  /** Platform metrics of the machines, by lower-case machine id; the calls add to the inventory's count. */
  metrics(machines: readonly MetricsTarget[], now: Date): Promise<MetricsRead>;
}

/** The fleet reader over the real SDK clients (or the sandbox behind them); `join` makes the machine facts. */
export function azureFleetReader<Machine>(
  clients: AzureClients,
  join: FleetJoin<Machine>,
  options: { agentReadsCap?: number } = {},
): AzureFleetReader<Machine> {
  const agentReadsCap = options.agentReadsCap ?? AGENT_READS_CAP;
  return {
    async inventory(scope) {
      const budget = new CallBudget();
      const subscriptions = scope.subscriptions;
      // Both queries and the JIT list start at once; each page of machines becomes facts as soon as the
      // network and JIT rows are in, so the rows of the whole fleet are never held at the same time.
      const warnings: string[] = [];
      const joiner = Promise.all([
        allRows(clients, budget, subscriptions, 'network', networkQuery()),
        jitRows(clients, budget, subscriptions),
      ]).then(([network, jit]) => {
        warnings.push(...subnetLimitWarnings(network));
        return join(network, jit);
      });
      // The first running machines up to the cap wait, as rows, for their instance view (read while the
      // pages go on); the rest become facts page by page with an unread agent.
      const machines: Machine[] = [];
      const awaitingAgent: { row: MachineRow; slot: number }[] = [];
      const agents = agentReads(clients, budget);
      let running = 0;
      try {
        await Promise.all([
          joiner,
          queryPages(clients, budget, subscriptions, 'machines', machinesQuery(scope), async (page) => {
            const toMachine = await joiner;
            for (const row of page) {
              if (isRunning(row) && running++ < agentReadsCap) {
                awaitingAgent.push({ row, slot: machines.length });
                agents.add(row);
                machines.length += 1;
              } else machines.push(toMachine(row));
            }
          }),
        ]);
      } catch (error) {
        // The reads already queued end; nobody waits for them after a failed page.
        agents.finish().catch(() => undefined);
        throw error;
      }
      warnings.push(...(await agents.finish()));
      const toMachine = await joiner;
      for (const { row, slot } of awaitingAgent) machines[slot] = toMachine(row);
      if (running > awaitingAgent.length) {
        warnings.push(
          `the agent was read for ${awaitingAgent.length} of ${running} running machines (one instance view each); ` +
            'the others show an unknown agent',
        );
      }
      return { machines, calls: budget.calls, throttledMs: budget.throttledMs, warnings };
    },

    async touched(scope, resources) {
      const budget = new CallBudget();
      const subscriptions = scope.subscriptions;
      const [network, jit] = await Promise.all([
        allRows(clients, budget, subscriptions, 'network', networkQuery()),
        jitRows(clients, budget, subscriptions),
      ]);
      const nsgs = new Set(resources.nsgIds);
      const tables = new Set(resources.routeTableIds);
      const subnets = new Set(resources.subnetIds);
      for (const row of network) {
        if (row.kind !== 'subnet') continue;
        if (nsgs.has(row.nsgId) || (row.routeTableId && tables.has(row.routeTableId))) subnets.add(row.id);
      }
      const terms: TouchTerms = {
        id: [...resources.vmIds],
        nicId: [...resources.nicIds],
        nicNsgId: [...resources.nsgIds],
        subnetId: [...subnets],
        publicIpId: [...resources.publicIpIds],
        resourceGroup: [...resources.resourceGroups],
      };
      const warnings = subnetLimitWarnings(network);
      const machines: Machine[] = [];
      if (Object.values(terms).some((values) => values.length > 0)) {
        const toMachine = join(network, jit);
        await queryPages(clients, budget, subscriptions, 'machines', machinesQuery(scope, terms), (page) => {
          for (const row of page) machines.push(toMachine(row));
        });
      }
      return { machines, calls: budget.calls, throttledMs: budget.throttledMs, warnings };
    },

    async metrics(machines, now) {
      const budget = new CallBudget();
      const metrics = new Map<string, MetricsFacts>();
      const failures: string[] = [];
      const timespan = `${new Date(now.getTime() - METRIC_WINDOW_MS).toISOString()}/${now.toISOString()}`;
      await Promise.all(
        machines.map(async (machine) => {
          const monitor = clients.forSubscription(machine.subscriptionId).monitor;
          try {
            const response = await budget.call('Azure Monitor metrics', () =>
              // The SDK puts the resource id after a `/` of its own.
              monitor.metrics.list(machine.id.replace(/^\/+/, ''), {
                timespan,
                interval: 'PT1H',
                metricnames: METRIC_NAMES.join(','),
                aggregation: 'Average',
              }),
            );
            metrics.set(machine.id.toLowerCase(), { ...metricsFactsOf(response), intervalMinutes: 60 });
          } catch (error) {
            // One machine's metrics failing leaves its trend unjudged; it does not stop the digest.
            if (!(error instanceof AzureCallError)) throw error;
            failures.push(`${machine.name}: ${error.message}`);
          }
        }),
      );
      return { metrics, calls: budget.calls, failures };
    },
  };
}

/** The Resource Graph queries as sent, for the test that holds them to Resource Graph's documented schema. */
export const fleetQueries = { machines: machinesQuery, network: networkQuery };
