import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadAzureSandbox, loadSlackFake, type SignedRequest } from '../stand-ins';

// `npm run bench:ack`: 50 `/rdp` commands at once against the app running as it does in production
// (`node dist/main.js`, its own process), with the sandbox Azure and the fake Slack in this process,
// timing how long Slack would wait for each acknowledgement (Slack gives up after 3 s).

const COMMANDS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
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

// The commands are sent and timed from a worker thread: this thread also runs the sandbox and the fake
// Slack, whose work would otherwise delay the timer and count against the app.
const FIRE = `
const { parentPort, workerData } = require('node:worker_threads');
Promise.all(workerData.requests.map(async (r) => {
  const started = performance.now();
  const response = await fetch(workerData.url, { method: 'POST', body: r.body, headers: r.headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error('a command answered ' + response.status);
  return performance.now() - started;
})).then((timings) => parentPort.postMessage(timings));
`;

function fireFromWorker(url: string, requests: SignedRequest[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(FIRE, { eval: true, workerData: { url, requests } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function main(): Promise<void> {
  const text = process.argv[2];
  const dir = mkdtempSync(join(tmpdir(), 'rdp-doctor-bench-'));
  const { startFakeSlack, signRequest, slashCommandBody } = await loadSlackFake();
  const { startSandbox, scenarios } = await loadAzureSandbox();
  const fake = await startFakeSlack();
  const sandbox = await startSandbox();
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
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/healthz`);
    const url = `http://127.0.0.1:${port}/slack/events`;
    const vms = scenarios.filter((s) => s.cause !== null).map((s) => s.name);
    const requests = Array.from({ length: COMMANDS }, (_, i) => {
      const user = `U0BENCH${i}`;
      return signRequest(
        signingSecret,
        slashCommandBody({
          command: '/rdp',
          text: text ?? vms[i % vms.length],
          userId: user,
          channelId: 'C0BENCH',
          teamId: fake.teamId,
          responseUrl: fake.responseUrl({ channel: 'C0BENCH', user }),
          triggerId: fake.triggerId(),
        }),
      );
    });
    const timings = await fireFromWorker(url, requests);
    const sorted = timings.sort((a, b) => a - b);
    console.log(`commands: ${COMMANDS} concurrent (${text ?? 'a diagnosis each'})`);
    console.log(`ack-p50-ms: ${percentile(sorted, 50).toFixed(1)}`);
    console.log(`ack-p99-ms: ${percentile(sorted, 99).toFixed(1)}`);
  } finally {
    app.kill('SIGTERM');
    await new Promise((resolve) => app.once('exit', resolve));
    await sandbox.stop();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
