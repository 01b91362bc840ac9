import { ComputeManagementClient, type ComputeManagementClientOptionalParams } from '@azure/arm-compute';
import { MonitorClient } from '@azure/arm-monitor';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { SecurityCenter } from '@azure/arm-security';
import type { TokenCredential } from '@azure/core-auth';
import type { AzureClients, SubscriptionClients } from '../../src/azure/clients';
import type { GatherContext } from '../../src/azure/gatherer';
import type { DiagnosisRequest, VmFacts } from '../../src/diagnosis/facts';

// The real SDK clients with ARM faked at the transport (Probot's way): every test runs the SDK's own
// URL building, serialization, paging, LRO handling and error parsing against the response bodies of
// the Azure REST API specs' examples, and can read back exactly what the SDK sent.

type HttpClient = NonNullable<ComputeManagementClientOptionalParams['httpClient']>;
type PipelineRequest = Parameters<HttpClient['sendRequest']>[0];
type PipelineResponse = Awaited<ReturnType<HttpClient['sendRequest']>>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** Matched against the URL path (no query), case-insensitively. */
  path: string | RegExp;
  /** Query parameters the request must carry, e.g. `{ $filter: /resourceGroupName eq 'rg-network'/ }`. */
  query?: Record<string, RegExp>;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SentRequest {
  method: string;
  url: URL;
  body: unknown;
}

class Headers implements Iterable<[string, string]> {
  private readonly map = new Map<string, string>();
  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.set(name, value);
  }
  get(name: string) {
    return this.map.get(name.toLowerCase());
  }
  has(name: string) {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean) {
    this.map.set(name.toLowerCase(), String(value));
  }
  delete(name: string) {
    this.map.delete(name.toLowerCase());
  }
  toJSON() {
    return Object.fromEntries(this.map);
  }
  [Symbol.iterator]() {
    return this.map.entries();
  }
}

function matches(route: Route, method: string, url: URL): boolean {
  if (route.method !== method) return false;
  const path = url.pathname;
  const pathMatches =
    typeof route.path === 'string' ? route.path.toLowerCase() === path.toLowerCase() : route.path.test(path);
  return (
    pathMatches &&
    Object.entries(route.query ?? {}).every(([name, value]) => value.test(url.searchParams.get(name) ?? ''))
  );
}

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';

const credential: TokenCredential = {
  getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3600_000 }),
};

/** SDK clients whose HTTP goes to `routes`; an unmatched request gets ARM's 404 ResourceNotFound. */
export function replay(routes: Route[], blobs: Record<string, Buffer> = {}) {
  const sent: SentRequest[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      const body = typeof request.body === 'string' ? JSON.parse(request.body) : undefined;
      sent.push({ method: request.method, url, body });
      const route = routes.find((r) => matches(r, request.method, url));
      const status = route ? (route.status ?? 200) : 404;
      const payload = route
        ? route.body
        : { error: { code: 'ResourceNotFound', message: `The resource '${url.pathname}' was not found.` } };
      return {
        request,
        status,
        headers: new Headers({ 'content-type': 'application/json; charset=utf-8', ...route?.headers }),
        bodyAsText: payload === undefined ? '' : JSON.stringify(payload),
      };
    },
  };
  const options = { endpoint: 'https://management.azure.com', httpClient, retryOptions: { maxRetries: 0 } };
  const forSubscription = (subscriptionId: string): SubscriptionClients => ({
    subscriptionId,
    compute: new ComputeManagementClient(credential, subscriptionId, options),
    network: new NetworkManagementClient(credential, subscriptionId, options),
    security: new SecurityCenter(credential, subscriptionId, options),
    monitor: new MonitorClient(credential, subscriptionId, options),
  });
  const clients: AzureClients = {
    settings: { endpoint: options.endpoint, subscriptionIds: [SUBSCRIPTION] },
    credential,
    resourceGraph: new ResourceGraphClient(credential, options),
    forSubscription,
    async fetchBlob(url, maxBytes, _signal, keep = 'head') {
      const blob = blobs[url];
      if (!blob) throw new Error(`GET ${new URL(url).pathname} answered 404`);
      return keep === 'tail'
        ? blob.subarray(Math.max(0, blob.length - maxBytes))
        : blob.subarray(0, maxBytes);
    },
  };
  return { clients, sub: forSubscription(SUBSCRIPTION), sent };
}

export const RG = 'rg-prod';
export const VM_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
export const NIC_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/networkInterfaces/vm-web-01-nic`;
export const NIC_NSG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/vm-web-01-nsg`;
export const SUBNET_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-app`;
export const PIP_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/publicIPAddresses/vm-web-01-pip`;

/** A running Windows VM as VmFacts, the starting point of every gatherer but the VM's own. */
export function vmFacts(change: Partial<VmFacts> = {}): VmFacts {
  return {
    id: VM_ID,
    name: 'vm-web-01',
    resourceGroup: RG,
    subscriptionId: SUBSCRIPTION,
    location: 'westeurope',
    osType: 'Windows',
    powerState: 'running',
    provisioningState: 'Succeeded',
    size: 'Standard_D2s_v5',
    agent: { status: 'ready', version: '2.7.41491.1102', message: null },
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
    ...change,
  };
}

export const NOW = new Date('2026-11-27T12:00:00.000Z');

/** A gather context over `replay` clients. */
export function context(
  fake: ReturnType<typeof replay>,
  request: Partial<DiagnosisRequest> = {},
  vm: VmFacts = vmFacts(),
): GatherContext {
  return {
    clients: fake.clients,
    sub: fake.sub,
    vm,
    request: { symptom: 'timeout', source: null, host: null, ...request },
    now: NOW,
    signal: new AbortController().signal,
  };
}
