import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { createAzureClients } from '../azure/clients';
import { loadAzureSandbox } from '../stand-ins';
import { openStore } from '../store';
import { azureWatchSources } from '../watch/azure';
import { machineOfPair, reachablePairs } from '../watch/reachability';
import { WatchService } from '../watch/service';

// `npm run bench:watch`: one watch over a sandbox fleet of 10,000 VMs, one breaking change (a deny rule on
// a different machine's NSG, made through the sandbox's admin API) before each tick. The sandbox runs in
// this process; the watch runs in a child of its own so its peak resident memory is the watch's.

/** Calls a tick may make: a base, and two per change it reads (an IP flow verify and its poll). */
const BASE_CALLS = 10;
const CALLS_PER_CHANGE = 2;

interface Target {
  endpoint: string;
  accessToken: string;
  caCertificate: string;
  subscriptionId: string;
  changes: number;
}

interface Measured {
  baselineCalls: number;
  detectTicks: number[];
  callsPerTick: number[];
  /** Per tick: the calls the goal allows it for the changes it read. */
  allowedPerTick: number[];
  flowChecksPerTick: number[];
  tickMs: number[];
  peakRssMb: number;
}

const denyRdp = {
  properties: {
    priority: 101,
    direction: 'Inbound',
    access: 'Deny',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '3389',
  },
};

async function watchOnce(target: Target): Promise<Measured> {
  const clients = createAzureClients({
    endpoint: target.endpoint,
    subscriptionIds: [target.subscriptionId],
    accessToken: target.accessToken,
    caCertificate: target.caCertificate,
  });
  const admin = (await loadAzureSandbox()).sandboxAdmin(target);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdp-doctor-bench-watch-'));
  const store = await openStore({ dataDir });
  let alerts = 0;
  const sources = azureWatchSources(clients);
  const reader = sources.reader;
  const service = new WatchService({
    ...sources,
    store,
    poster: { postAlert: async () => `${++alerts}.000000`, updateAlert: async () => undefined },
    configuredSubscriptions: [target.subscriptionId],
  });
  const scope = { subscriptions: [target.subscriptionId], resourceGroups: [], tags: [] };
  const inventory = await reader.inventory(scope);
  const from = (await service.defaultSources(scope)).slice(0, 1);
  // The NIC NSGs of machines the source reaches: each change breaks a new one.
  const reached = new Set(reachablePairs(inventory.machines, from).map(machineOfPair));
  const victims = inventory.machines
    .filter((machine) => reached.has(machine.id.toLowerCase()))
    .flatMap((machine) => machine.nsgs.filter((group) => group.scope === 'nic').map((group) => group.nsgId));
  if (victims.length < target.changes) {
    throw new Error(
      `the fleet has ${victims.length} reachable machines with a NIC NSG; ${target.changes} are needed`,
    );
  }
  await store.createWatch({
    channel: 'C0BENCH02',
    scope,
    sources: from,
    createdBy: 'U0BENCH',
    cursor: new Date().toISOString(),
  });
  const baseline = await service.tick();
  const measured: Measured = {
    baselineCalls: baseline.calls,
    detectTicks: [],
    callsPerTick: [],
    allowedPerTick: [],
    flowChecksPerTick: [],
    tickMs: [],
    peakRssMb: 0,
  };
  for (let change = 0; change < target.changes; change++) {
    const before = alerts;
    const { status } = await admin.putSecurityRule({
      caller: 'bench@contoso.com',
      nsgId: victims[Math.floor((change * victims.length) / target.changes)],
      name: `Deny-RDP-Bench-${change}`,
      rule: denyRdp,
    });
    if (status !== 201) throw new Error(`the sandbox refused the breaking change with ${status}`);
    let ticks = 0;
    while (alerts === before && ticks < 3) {
      const started = Date.now();
      const result = await service.tick();
      measured.tickMs.push(Date.now() - started);
      measured.callsPerTick.push(result.calls);
      measured.allowedPerTick.push(BASE_CALLS + CALLS_PER_CHANGE * result.changes);
      measured.flowChecksPerTick.push(result.flowChecks);
      ticks += 1;
    }
    // JSON (the way the result reaches the parent) has no Infinity: a change never seen counts as 99 ticks.
    measured.detectTicks.push(alerts > before ? ticks : 99);
  }
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  measured.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return measured;
}

function inChild(target: Target): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child']);
    child.once('message', (measured) => resolve(measured as Measured));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the watch process exited with ${code}`));
    });
    child.send(target);
  });
}

async function main(): Promise<void> {
  const options = new Command('bench:watch')
    .option('--size <n>', 'fleet size', '10000')
    .option('--changes <n>', 'breaking changes, one per tick', '5')
    .option('--child', 'internal: run the watch for the parent and report')
    .parse(process.argv)
    .opts<{ size: string; changes: string; child?: boolean }>();
  if (options.child) {
    process.once('message', (target) => {
      watchOnce(target as Target).then(
        (measured) => process.send?.(measured, () => process.exit(0)),
        (error: unknown) => {
          console.error(`bench watch: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    });
    return;
  }
  const size = Number(options.size);
  const changes = Number(options.changes);
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`--size must be a whole number, not ${options.size}`);
  if (!Number.isInteger(changes) || changes < 1)
    throw new Error(`--changes must be a whole number, not ${options.changes}`);
  const { startSandbox } = await loadAzureSandbox();
  const sandbox = await startSandbox({ scenarios: [], fleet: { size } });
  try {
    const measured = await inChild({
      endpoint: sandbox.endpoint,
      accessToken: sandbox.accessToken,
      caCertificate: sandbox.caCertificate,
      subscriptionId: sandbox.subscriptionId,
      changes,
    });
    console.log(`fleet-vms: ${size}`);
    const over = measured.callsPerTick.filter((calls, i) => calls > measured.allowedPerTick[i]).length;
    console.log(`watch-detect-ticks: ${Math.max(...measured.detectTicks)} (goal ≤ 2)`);
    console.log(
      `watch-calls-per-tick: ${Math.max(...measured.callsPerTick)} (goal ≤ ${BASE_CALLS} plus ${CALLS_PER_CHANGE} per change; ` +
        `${over === 0 ? 'every tick within it' : `${over} of ${measured.callsPerTick.length} ticks over it`})`,
    );
    console.log(`watch-flow-checks-per-tick: ${Math.max(...measured.flowChecksPerTick)}`);
    console.log(
      `watch-baseline-calls: ${measured.baselineCalls} (the first look inventories the whole scope)`,
    );
    console.log(`watch-tick-ms: ${Math.max(...measured.tickMs)}`);
    console.log(`watch-peak-rss-mb: ${measured.peakRssMb}`);
  } finally {
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:watch: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
