import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadAzureSandbox,
  loadSlackFake,
  type FakeSlackApi,
  type SandboxAzure,
  type SandboxOptions,
  type SignedRequest,
} from '../stand-ins';

// The app as it runs in production (`node dist/main.js`, its own process, one replica), with the sandbox
// Azure and the fake Slack in the benchmark's process: what the Slack benchmarks measure against.

export interface BenchApp {
  /** The app's `/slack/events`. */
  url: string;
  fake: FakeSlackApi;
  sandbox: SandboxAzure;
  scenarios: readonly { name: string; cause: string | null }[];
  /** `/rdp <text>` as Slack would send it from `user` in `channel`, signed. */
  rdp(text: string, user: string, channel: string): SignedRequest;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the app did not start');
}

function stopped(app: ChildProcess): Promise<unknown> {
  if (app.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => app.once('exit', resolve));
}

export async function startBenchApp(sandboxOptions: SandboxOptions = {}): Promise<BenchApp> {
  const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-bench-'));
  const { startFakeSlack, signRequest, slashCommandBody } = await loadSlackFake();
  const { startSandbox, scenarios } = await loadAzureSandbox();
  const fake = await startFakeSlack();
  const sandbox = await startSandbox(sandboxOptions);
  const caFile = join(dir, 'sandbox-ca.pem');
  writeFileSync(caFile, sandbox.caCertificate);
  const signingSecret = randomBytes(16).toString('hex');
  const port = await freePort();
  const app = spawn(process.execPath, [join(__dirname, '..', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: fake.url,
      AZURE_RESOURCE_MANAGER_ENDPOINT: sandbox.endpoint,
      AZURE_ACCESS_TOKEN: sandbox.accessToken,
      AZURE_SUBSCRIPTION_IDS: sandbox.subscriptionId,
      NODE_EXTRA_CA_CERTS: caFile,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    app.kill('SIGTERM');
    await stopped(app);
    await sandbox.stop();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/healthz`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    fake,
    sandbox,
    scenarios,
    rdp: (text, user, channel) =>
      signRequest(
        signingSecret,
        slashCommandBody({
          command: '/rdp',
          text,
          userId: user,
          channelId: channel,
          teamId: fake.teamId,
          responseUrl: fake.responseUrl({ channel, user }),
          triggerId: fake.triggerId(),
        }),
      ),
    stop,
  };
}
