import type { IncomingMessage, ServerResponse } from 'node:http';

// The workspace packages that stand in for Azure and Slack on one machine (packages/azure-sandbox,
// packages/slack-fake, packages/local-workspace). They are not part of the product: it loads them only
// here, by a dynamic import, in local mode, with `--sandbox` and in benchmarks, so its build and its image
// need none of them. Each interface below is what the product uses of one package, in wire terms only.

/** The Azure sandbox: an ARM endpoint on loopback with its own certificate and token. */
export interface SandboxAzure {
  endpoint: string;
  caCertificate: string;
  subscriptionId: string;
  accessToken: string;
  /** Every request the sandbox answered, for the benchmarks' call counts. */
  requests: {
    startedAt: number;
    durationMs: number;
    pollOf?: string;
    method: string;
    path: string;
    status: number;
  }[];
  resolveHost(host: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** The sandbox's admin API: a change made as a colleague would, logged in the activity log under them. */
export interface SandboxAdmin {
  putSecurityRule(change: {
    caller: string;
    nsgId: string;
    name: string;
    rule: { properties: Record<string, unknown> };
  }): Promise<{ status: number; body: unknown }>;
}

export interface SandboxOptions {
  latency?: 'off' | 'realistic';
  scale?: number;
  /** Fixed durations for some operation kinds, e.g. a slow Run Command, whatever the profile. */
  operationMs?: { runCommand?: number };
  /** Machines of a generated fleet, for the digest benchmark; no scenario VMs with it. */
  fleet?: { size: number };
  scenarios?: readonly [];
}

/** A fake Slack Web API on loopback: the app's `apiUrl` and bot token. */
export interface FakeSlackApi {
  url: string;
  botToken: string;
  teamId: string;
  /** A response_url and a trigger_id the fake Slack will honour, as Slack mints them for a command. */
  responseUrl(target: { channel: string; user: string }): string;
  triggerId(): string;
  /** What the app posted, as the benchmarks read it to see a run finish. */
  messages: readonly { channel: string; ts: string; text: string; thread_ts?: string }[];
  stop(): Promise<void>;
}

/** A request as Slack sends it to the app: its body and the signed headers. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** The page that plays the Slack client, mounted on the app's own server. */
export interface LocalWorkspacePage {
  routes(req: IncomingMessage, res: ServerResponse): boolean;
  connect(eventsUrl: string): void;
  channel: string;
  close(): void;
}

interface AzureSandboxPackage {
  startSandbox(options?: SandboxOptions): Promise<SandboxAzure>;
  /** The admin API's one client, for a sandbox this or another process started. */
  sandboxAdmin(target: { endpoint: string; caCertificate: string; accessToken: string }): SandboxAdmin;
  /** The sandbox's machines and the cause each demonstrates (null: none). */
  scenarios: readonly { name: string; cause: string | null }[];
}

interface SlackFakePackage {
  startFakeSlack(): Promise<FakeSlackApi>;
  signRequest(signingSecret: string, body: string): SignedRequest;
  slashCommandBody(command: {
    command: string;
    text: string;
    userId: string;
    channelId: string;
    teamId: string;
    responseUrl: string;
    triggerId: string;
  }): string;
}

interface LocalWorkspacePackage {
  openLocalWorkspace(options: {
    slack: FakeSlackApi;
    signingSecret: string;
    logger: { error(details: object, message: string): void };
    harden?: () => Promise<string>;
  }): LocalWorkspacePage;
}

export class StandInMissingError extends Error {
  readonly code = 'environment';
}

// A specifier held in a variable: TypeScript neither resolves nor bundles it, so the product compiles
// without the packages, and a missing one is reported by name instead of failing the build.
async function load<T>(name: string): Promise<T> {
  const specifier: string = `@rdp-doctor/${name}`;
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    // Only the package itself missing; a module missing inside it is its own failure, reported as is.
    if (code !== 'MODULE_NOT_FOUND' || !message?.includes(`'${specifier}'`)) throw error;
    throw new StandInMissingError(
      `${specifier} is not installed: local mode and --sandbox need the workspace packages (run \`npm ci && npm run build\` in a clone of the repository; the production image has none).`,
    );
  }
}

export const loadAzureSandbox = () => load<AzureSandboxPackage>('azure-sandbox');
export const loadSlackFake = () => load<SlackFakePackage>('slack-fake');
export const loadLocalWorkspace = () => load<LocalWorkspacePackage>('local-workspace');
