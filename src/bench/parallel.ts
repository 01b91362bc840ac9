import { Command } from 'commander';
import { startBenchApp, type BenchApp } from './app-process';

// `npm run bench:parallel`: a busy morning. 20 different machines diagnosed at once through Slack (signed
// `/rdp` requests to the app in its own process, one replica) against the sandbox with its realistic
// latency, compared with the slowest of the same diagnoses run one at a time. A diagnosis is timed from
// its command to its details reaching the thread, the last thing a run posts.

const MACHINES = 20;
const CHANNEL = 'C0MORNING';
const SOURCE = '203.0.113.10';

/** When the run for `vm` posted its details under its message: the run is over. */
function finished(bench: BenchApp, vm: string): boolean {
  const messages = bench.fake.messages;
  const run = messages.find((m) => m.channel === CHANNEL && !m.thread_ts && m.text.startsWith(`${vm}:`));
  return run !== undefined && messages.some((m) => m.thread_ts === run.ts);
}

async function diagnoseThroughSlack(bench: BenchApp, vm: string, user: string): Promise<number> {
  const started = performance.now();
  const { body, headers } = bench.rdp(`${vm} from ${SOURCE}`, user, CHANNEL);
  const response = await fetch(bench.url, { method: 'POST', body, headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`/rdp ${vm} answered ${response.status}`);
  while (!finished(bench, vm)) await new Promise((resolve) => setTimeout(resolve, 25));
  return performance.now() - started;
}

/**
 * 429 answers that no later attempt of the same request got past: a call that failed for throttling,
 * where waiting the Retry-After and retrying would have answered.
 */
function unretriedThrottles(bench: BenchApp, since: number): number {
  const requests = bench.sandbox.requests.filter((r) => r.startedAt >= since);
  return requests.filter(
    (r) =>
      r.status === 429 &&
      !requests.some(
        (later) =>
          later.startedAt > r.startedAt &&
          later.method === r.method &&
          later.path === r.path &&
          later.status !== 429,
      ),
  ).length;
}

async function main(): Promise<void> {
  const options = new Command('bench:parallel')
    .option('--scale <n>', 'latency scale (1 = Azure-like, 0.1 = ten times faster)', '0.2')
    .parse(process.argv)
    .opts<{ scale: string }>();
  const scale = Number(options.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, not ${options.scale}`);

  // Machines with a cause of their own; the sandbox's fault machines (throttled, failing ARM) are left out.
  const single = await startBenchApp({ latency: 'realistic', scale });
  const vms = single.scenarios
    .filter((s) => s.cause !== null)
    .slice(0, MACHINES)
    .map((s) => s.name);
  const singles: number[] = [];
  try {
    for (const [i, vm] of vms.entries()) singles.push(await diagnoseThroughSlack(single, vm, `U0SINGLE${i}`));
  } finally {
    await single.stop();
  }

  // A fresh app and sandbox, so nothing the single runs left (leases, snapshots, caches) helps.
  const busy = await startBenchApp({ latency: 'realistic', scale });
  let parallelMs: number;
  let throttled: number;
  let perRun: number[];
  try {
    const since = Date.now();
    const started = performance.now();
    perRun = await Promise.all(vms.map((vm, i) => diagnoseThroughSlack(busy, vm, `U0BUSY${i}`)));
    parallelMs = performance.now() - started;
    throttled = unretriedThrottles(busy, since);
  } finally {
    await busy.stop();
  }

  const slowestSingle = Math.max(...singles);
  const slowestVm = vms[singles.indexOf(slowestSingle)];
  console.log(`machines: ${vms.length} (${vms[0]} … ${vms[vms.length - 1]}), scale ${scale}`);
  console.log(`single-slowest-ms: ${Math.round(slowestSingle)} (${slowestVm})`);
  console.log(
    `single-median-ms: ${Math.round([...singles].sort((a, b) => a - b)[Math.floor(singles.length / 2)])}`,
  );
  console.log(`parallel-ms: ${Math.round(parallelMs)}`);
  console.log(`parallel-slowest-run-ms: ${Math.round(Math.max(...perRun))}`);
  console.log(`parallel-ratio: ${(parallelMs / slowestSingle).toFixed(2)}`);
  console.log(`throttled-unretried: ${throttled}`);
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
