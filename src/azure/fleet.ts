import type { MetricsFacts } from '../diagnosis/facts';
import type { AzureClients } from './clients';
import { AzureCallError, describeAzureError, isAbort } from './errors';
import { parseFleetRows, type FleetQuery, type FleetRow } from './fleet-row-schemas';
import {
  QUERY_MARKERS,
  type FleetJoin,
  type FleetQueryScope,
  type FleetRead,
  type MetricsRead,
  type MetricsTarget,
} from './fleet-rows';
import { metricsFactsOf } from './gatherers/metrics';

// The fleet inventory against Azure: three Resource Graph queries for the whole scope, whatever its size
// (machines with their NIC, NSG and public IP joined in; the network around them; JIT policies), paged
// with skip tokens, then Monitor metrics for the few machines that need them. Never one call per VM.
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

function machinesQuery(scope: FleetQueryScope): string {
  return [
    `// ${QUERY_MARKERS.machines}`,
    'Resources',
    "| where type =~ 'microsoft.compute/virtualmachines'",
    ...scopeFilters(scope),
    '| extend nics = properties.networkProfile.networkInterfaces',
    '| mv-expand nic = nics',
    '| where array_length(nics) == 1 or tobool(nic.properties.primary)',
    '| project id, name, resourceGroup, subscriptionId, location, tags,',
    '    osType = tostring(properties.storageProfile.osDisk.osType),',
    '    powerState = tostring(properties.extended.instanceView.powerState.code),',
    '    agentStatus = tostring(properties.extended.instanceView.vmAgent.statuses[0].displayStatus),',
    '    agentMessage = tostring(properties.extended.instanceView.vmAgent.statuses[0].message),',
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
    '| project-away nicId1, publicIpId1, nicNsgId1',
    '| order by id asc',
  ].join('\n');
}

function networkQuery(): string {
  return [
    `// ${QUERY_MARKERS.network}`,
    'Resources',
    "| where type =~ 'microsoft.network/virtualnetworks'",
    '| mv-expand subnet = properties.subnets',
    "| project id = tolower(tostring(subnet.id)), kind = 'subnet', vnetId = tolower(id),",
    '    addressPrefixes = properties.addressSpace.addressPrefixes,',
    '    nsgId = tolower(tostring(subnet.properties.networkSecurityGroup.id))',
    '| union (',
    '    Resources',
    "    | where type =~ 'microsoft.network/networksecuritygroups' and array_length(properties.subnets) > 0",
    "    | project id = tolower(id), kind = 'subnet-nsg', rules = properties.securityRules",
    '  ), (',
    '    Resources',
    "    | where type =~ 'microsoft.network/bastionhosts'",
    "    | project id = tolower(id), kind = 'bastion', name,",
    "        vnetId = tolower(tostring(split(tostring(properties.ipConfigurations[0].properties.subnet.id), '/subnets/')[0]))",
    '  )',
    '| order by id asc',
  ].join('\n');
}

function jitQuery(): string {
  return [
    `// ${QUERY_MARKERS.jit}`,
    'SecurityResources',
    "| where type =~ 'microsoft.security/locations/jitnetworkaccesspolicies'",
    '| mv-expand vm = properties.virtualMachines',
    '| project id = tolower(tostring(vm.id)), ports = vm.ports',
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

/** Every row of a query across the subscriptions, page by page (`$top` 1000, then `$skipToken`). */
async function queryPages<K extends FleetQuery>(
  clients: AzureClients,
  budget: CallBudget,
  subscriptions: readonly string[],
  kind: K,
  query: string,
  onPage: (rows: FleetRow<K>[]) => void | Promise<void>,
): Promise<void> {
  for (const batch of chunks(subscriptions, SUBSCRIPTIONS_PER_REQUEST)) {
    let skipToken: string | undefined;
    do {
      const page = await budget.call('Azure Resource Graph', () =>
        clients.resourceGraph.resources({
          subscriptions: batch,
          query,
          options: { top: PAGE_SIZE, skipToken, resultFormat: 'objectArray' },
        }),
      );
      if (page.resultTruncated === 'true') {
        throw new AzureCallError(
          'Azure Resource Graph truncated the fleet inventory instead of paging it; the query must keep the id column.',
          null,
          'ResultTruncated',
        );
      }
      // The SDK's mapper turns the `data` array into an object keyed by index.
      await onPage(parseFleetRows(kind, Object.values(page.data ?? {})));
      skipToken = page.skipToken;
    } while (skipToken);
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

export interface AzureFleetReader<Machine> {
  /** `scope.subscriptions` must be resolved (never empty). */
  inventory(scope: FleetQueryScope): Promise<FleetRead<Machine>>;
  /** Platform metrics of the machines, by lower-case machine id; the calls add to the inventory's count. */
  metrics(machines: readonly MetricsTarget[], now: Date): Promise<MetricsRead>;
}

/** The fleet reader over the real SDK clients (or the sandbox behind them); `join` makes the machine facts. */
export function azureFleetReader<Machine>(
  clients: AzureClients,
  join: FleetJoin<Machine>,
): AzureFleetReader<Machine> {
  return {
    async inventory(scope) {
      const budget = new CallBudget();
      const subscriptions = scope.subscriptions;
      // All three queries start at once; each page of machines becomes facts as soon as the network and
      // JIT rows are in, so the rows of the whole fleet are never held at the same time.
      const joiner = Promise.all([
        allRows(clients, budget, subscriptions, 'network', networkQuery()),
        allRows(clients, budget, subscriptions, 'jit', jitQuery()),
      ]).then(([network, jit]) => join(network, jit));
      const machines: Machine[] = [];
      await Promise.all([
        joiner,
        queryPages(clients, budget, subscriptions, 'machines', machinesQuery(scope), async (page) => {
          const toMachine = await joiner;
          for (const row of page) machines.push(toMachine(row));
        }),
      ]);
      return { machines, calls: budget.calls, throttledMs: budget.throttledMs };
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
