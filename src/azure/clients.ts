import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { SecurityCenter } from '@azure/arm-security';
import { MonitorClient } from '@azure/arm-monitor';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import https from 'node:https';
import tls from 'node:tls';
import { armOperation, metrics } from '../metrics';

export const PUBLIC_CLOUD_ENDPOINT = 'https://management.azure.com';

export interface AzureSettings {
  /** ARM base URL: public cloud, a sovereign cloud, or the sandbox emulator. */
  endpoint: string;
  subscriptionIds: string[];
  /** A static bearer token (emulator, or a one-off `az account get-access-token`); else DefaultAzureCredential. */
  accessToken?: string;
  /** Extra CA to trust, PEM: the emulator's self-signed certificate when it runs in this process. */
  caCertificate?: string;
  /** Retry budget for throttling and transient errors; tests lower it. */
  maxRetries?: number;
}

/** Per-subscription SDK clients, made once from config and passed down; gatherers never build clients. */
export interface SubscriptionClients {
  subscriptionId: string;
  compute: ComputeManagementClient;
  network: NetworkManagementClient;
  security: SecurityCenter;
  monitor: MonitorClient;
}

export interface AzureClients {
  settings: AzureSettings;
  credential: TokenCredential;
  resourceGraph: ResourceGraphClient;
  forSubscription(subscriptionId: string): SubscriptionClients;
  /**
   * GET a URL outside ARM (boot diagnostics blobs via SAS URIs) with the same TLS trust as the clients.
   * Keeps the first `maxBytes`, or with `keep: 'tail'` the last ones (a serial log's end is what matters).
   */
  fetchBlob(url: string, maxBytes: number, signal?: AbortSignal, keep?: 'head' | 'tail'): Promise<Buffer>;
}

class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}
  async getToken(): Promise<AccessToken> {
    // A static token carries no expiry we can read; an hour is what ARM issues.
    return { token: this.token, expiresOnTimestamp: Date.now() + 3600_000 };
  }
}

export function makeCredential(settings: AzureSettings): TokenCredential {
  return settings.accessToken
    ? new StaticTokenCredential(settings.accessToken)
    : new DefaultAzureCredential();
}

/**
 * Counts throttling and errors per ARM operation. Placed after the retry policy, so each attempt a retry
 * absorbs is counted too: throttling shows on the dashboard before it fails a diagnosis.
 */
const armMetricsPolicy: PipelinePolicy = {
  name: 'rdpDoctorArmMetrics',
  async sendRequest(request, next) {
    const operation = armOperation(request.method, request.url);
    try {
      const response = await next(request);
      if (response.status === 429) metrics.armThrottled.inc({ operation });
      else if (response.status >= 400) metrics.armErrors.inc({ operation, status: String(response.status) });
      return response;
    } catch (error) {
      metrics.armErrors.inc({ operation, status: 'network' });
      throw error;
    }
  },
};

function withArmMetrics<
  T extends { pipeline: { addPolicy(policy: PipelinePolicy, options?: object): void } },
>(client: T): T {
  client.pipeline.addPolicy(armMetricsPolicy, { afterPhase: 'Retry' });
  return client;
}

/** The variables the SDK reads a proxy from; with one set, its own proxy agent must carry the calls. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

/**
 * One keep-alive agent for every SDK client, with one TLS context made up front. Left alone, Node makes a
 * TLS context for every new connection, and 50 diagnoses starting together open hundreds: that work sat
 * in front of the next command's acknowledgement. Under a proxy the SDK's proxy agent is used instead (a
 * custom agent would bypass the proxy).
 */
function sharedAgent(settings: AzureSettings, env: NodeJS.ProcessEnv): https.Agent | undefined {
  if (PROXY_VARIABLES.some((name) => env[name])) return undefined;
  return new https.Agent({
    keepAlive: true,
    secureContext: tls.createSecureContext(settings.caCertificate ? { ca: settings.caCertificate } : {}),
  });
}

export function createAzureClients(
  settings: AzureSettings,
  credential = makeCredential(settings),
  env: NodeJS.ProcessEnv = process.env,
): AzureClients {
  const endpoint = settings.endpoint.replace(/\/+$/, '');
  const agent = sharedAgent(settings, env);
  const options = {
    endpoint,
    retryOptions: { maxRetries: settings.maxRetries ?? 3 },
    ...(agent ? { agent } : settings.caCertificate ? { tlsOptions: { ca: settings.caCertificate } } : {}),
  };
  const cache = new Map<string, SubscriptionClients>();
  const clients: AzureClients = {
    settings,
    credential,
    resourceGraph: withArmMetrics(new ResourceGraphClient(credential, options)),
    forSubscription(subscriptionId) {
      let clients = cache.get(subscriptionId);
      if (!clients) {
        clients = {
          subscriptionId,
          compute: withArmMetrics(new ComputeManagementClient(credential, subscriptionId, options)),
          network: withArmMetrics(new NetworkManagementClient(credential, subscriptionId, options)),
          security: withArmMetrics(new SecurityCenter(credential, subscriptionId, options)),
          monitor: withArmMetrics(new MonitorClient(credential, subscriptionId, options)),
        };
        cache.set(subscriptionId, clients);
      }
      return clients;
    },
    fetchBlob: (url, maxBytes, signal, keep = 'head') =>
      fetchBlob(url, maxBytes, settings.caCertificate, signal, keep),
  };
  // Made now rather than by the first diagnosis: each SDK client takes milliseconds to build, and the
  // first burst of commands would wait for them.
  for (const subscriptionId of settings.subscriptionIds) clients.forSubscription(subscriptionId);
  return clients;
}

async function fetchBlob(
  url: string,
  maxBytes: number,
  ca: string | undefined,
  signal: AbortSignal | undefined,
  keep: 'head' | 'tail',
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: ca ? [ca, ...tls.rootCertificates] : undefined, signal }, (res) => {
      if ((res.statusCode ?? 0) >= 400) {
        res.resume();
        reject(new Error(`GET ${new URL(url).pathname} answered ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (keep === 'head') {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
        while (chunks.length > 1 && size - chunks[0].length >= maxBytes) size -= chunks.shift()!.length;
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve(keep === 'tail' ? body.subarray(Math.max(0, body.length - maxBytes)) : body);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
