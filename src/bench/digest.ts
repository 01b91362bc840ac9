import { fork } from 'node:child_process';
import { Command } from 'commander';
import { createAzureClients } from '../azure/clients';
import { azureFleetReader } from '../azure/fleet';
import { fleetJoiner } from '../digest/inventory';
import { DigestService } from '../digest/service';
import { loadAzureSandbox } from '../stand-ins';
import { digestMessages } from '../slack/blocks/digest';

// `npm run bench:digest`: one channel digest over sandbox fleets of 1,000, 10,000 and 100,000 VMs, to show
// how it grows. The sandbox runs in this process under the realistic latency profile and counts every call
// it answers; the digest (inventory, metrics, rules, rendering) runs in a child process of its own, so
// its peak resident memory is the digest's and not the emulated Azure's.

interface Target {
  endpoint: string;
  accessToken: string;
  caCertificate: string;
  subscriptionId: string;
}

interface Measured {
  wallMs: number;
  peakRssMb: number;
  machines: number;
  atRisk: number;
  messages: number;
}

/** The child: builds and renders one digest against the sandbox it is given, and reports. */
async function digestOnce(target: Target): Promise<Measured> {
  (globalThis as { gc?: () => void }).gc?.();
  const clients = createAzureClients({
    endpoint: target.endpoint,
    subscriptionIds: [target.subscriptionId],
    accessToken: target.accessToken,
    caCertificate: target.caCertificate,
  });
  const service = new DigestService({
    reader: azureFleetReader(clients, fleetJoiner),
    store: { listSnapshotsSince: async () => [], listProposalsSince: async () => [] },
    configuredSubscriptions: [target.subscriptionId],
  });
  const started = Date.now();
  const { report } = await service.build({
    id: '00000000-0000-4000-8000-00000000b001',
    channel: 'C0BENCH01',
    schedule: '0 9 * * *',
    timezone: 'UTC',
    scope: {},
    createdBy: 'U0BENCH',
    createdAt: new Date().toISOString(),
    lastReport: null,
  });
  const { thread } = digestMessages(report);
  return {
    wallMs: Date.now() - started,
    // maxRSS is in kilobytes: the most this process ever held, start-up included.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    machines: report.machines,
    atRisk: report.atRisk,
    messages: 1 + thread.length,
  };
}

function inChild(target: Target): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child'], { execArgv: ['--expose-gc'] });
    child.once('message', (measured) => resolve(measured as Measured));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the digest process exited with ${code}`));
    });
    child.send(target);
  });
}

async function measure(size: number, scale: number): Promise<void> {
  const { startSandbox } = await loadAzureSandbox();
  const sandbox = await startSandbox({ scenarios: [], fleet: { size }, latency: 'realistic', scale });
  try {
    const before = sandbox.requests.length;
    const measured = await inChild({
      endpoint: sandbox.endpoint,
      accessToken: sandbox.accessToken,
      caCertificate: sandbox.caCertificate,
      subscriptionId: sandbox.subscriptionId,
    });
    const calls = sandbox.requests
      .slice(before)
      .filter((r) => /resourcegraph|insights\/metrics/i.test(r.path));
    console.log(`fleet-vms: ${size}`);
    console.log(`inventory-calls: ${calls.length}`);
    console.log(`digest-wall-ms: ${measured.wallMs}`);
    console.log(`digest-peak-rss-mb: ${measured.peakRssMb}`);
    console.log(`at-risk: ${measured.atRisk}`);
    console.log(`slack-messages: ${measured.messages}`);
  } finally {
    await sandbox.stop();
  }
}

async function main(): Promise<void> {
  const options = new Command('bench:digest')
    .option('--scale <n>', 'latency scale (1 = Azure-like, 0.1 = ten times faster)', '1')
    .option('--sizes <list>', 'fleet sizes to measure, comma-separated', '1000,10000,100000')
    .option('--child', 'internal: run one digest for the parent and report')
    .parse(process.argv)
    .opts<{ scale: string; sizes: string; child?: boolean }>();
  if (options.child) {
    process.once('message', (target) => {
      digestOnce(target as Target).then(
        (measured) => process.send?.(measured, () => process.exit(0)),
        (error: unknown) => {
          console.error(`bench digest: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    });
    return;
  }
  const scale = Number(options.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, not ${options.scale}`);
  const sizes = options.sizes.split(',').map(Number);
  if (!sizes.every((size) => Number.isInteger(size) && size > 0)) {
    throw new Error(`--sizes must list whole numbers of VMs, like 1000,10000, not ${options.sizes}`);
  }
  for (const size of sizes) await measure(size, scale);
}

main().catch((error: unknown) => {
  console.error(`bench:digest: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
