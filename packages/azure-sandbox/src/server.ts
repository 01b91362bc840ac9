import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { BootDiagnosticsBlobs } from './api/blobs';
import { apiRoutes } from './api';
import { createDispatcher } from './arm/dispatch';
import { Operations } from './arm/operations';
import { buildWorld, OTHER_SUBSCRIPTION_ID, SANDBOX_SUBSCRIPTION_ID } from './build-world';
import { createCertificate } from './certificate';
import { addFleet, type FleetManifest, type FleetOptions } from './fleet';
import { latencyModel, type LatencyProfile, type OperationDurations } from './latency';
import { Recorder, type RecordedRequest } from './recorder';
import { scenarios as allScenarios, type Scenario } from './scenarios';
import type { World } from './world';

// The sandbox: an Azure Resource Manager emulator on loopback over HTTPS, serving the REST paths, shapes,
// paging and long-running-operation protocol real ARM serves, computed from a world of broken machines.

export interface SandboxOptions {
  /** 'off' (default) answers at once; 'realistic' takes the time Azure takes. */
  latency?: LatencyProfile;
  /** Multiplies every latency, e.g. 0.1 for a ten-times-faster realistic run. */
  scale?: number;
  /** Operations that take exactly this long (ms) whatever the profile, e.g. `{ runCommand: 20_000 }`. */
  operationMs?: OperationDurations;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Items per page of ARM lists before `nextLink` (default 100); small values exercise paging. */
  pageSize?: number;
  /** The machines to create (default: every scenario). */
  scenarios?: readonly Scenario[];
  /** A generated fleet of `size` machines in the sandbox subscription, risks sprinkled by `seed` (fleet.ts). */
  fleet?: FleetOptions;
}

export interface Sandbox {
  /** `https://127.0.0.1:<port>`: pass as the ARM endpoint. */
  endpoint: string;
  /** PEM of the sandbox's self-signed certificate, which is its own CA. */
  caCertificate: string;
  subscriptionId: string;
  otherSubscriptionId: string;
  /** The only bearer token the sandbox accepts. */
  accessToken: string;
  requests: RecordedRequest[];
  /** Requests that try to change the world (PUT, and POST actions such as start or initiate), answered or refused. */
  writes(): RecordedRequest[];
  /** The mutable world every answer is computed from. */
  state: World;
  scenarios: readonly Scenario[];
  /** Which fleet machine carries which risk, when the sandbox was started with a fleet. */
  fleet?: FleetManifest;
  /** The sandbox's DNS: what a host name resolves to there. Rejects with ENOTFOUND like node:dns. */
  resolveHost(host: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const scenarios = options.scenarios ?? allScenarios;
  const certificate = await createCertificate();
  const accessToken = randomBytes(24).toString('base64url');
  const world = buildWorld(scenarios);
  const fleet = options.fleet ? addFleet(world, SANDBOX_SUBSCRIPTION_ID, options.fleet) : undefined;
  const operations = new Operations(() => world.now());
  const blobs = new BootDiagnosticsBlobs(world);
  const recorder = new Recorder();
  let origin = '';
  const dispatch = createDispatcher({
    routes: [...apiRoutes, ...operations.routes(), blobs.route()],
    world,
    operations,
    latency: latencyModel(options.latency ?? 'off', options.scale ?? 1, options.operationMs),
    recorder,
    blobs,
    accessToken,
    pageSize: options.pageSize ?? 100,
    origin: () => origin,
  });
  const server = https.createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
    void dispatch(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint: origin,
    caCertificate: certificate.cert,
    subscriptionId: SANDBOX_SUBSCRIPTION_ID,
    otherSubscriptionId: OTHER_SUBSCRIPTION_ID,
    accessToken,
    requests: recorder.requests,
    writes: () => recorder.writes(),
    state: world,
    scenarios,
    fleet,
    resolveHost: async (host) => {
      const addresses = world.resolve(host);
      if (addresses) return addresses;
      throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
