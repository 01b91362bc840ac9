import { Command } from 'commander';
import { openSandboxAzure } from '../environment';
import { diagnose } from '../pipeline/diagnose';
import type { SandboxAzure } from '../stand-ins';

// `npm run bench`: one diagnosis of a sandbox VM under the realistic latency profile. The sandbox
// records every ARM call and how long its caller waited for it (for long-running operations, until the
// operation finished), so the numbers compare the pipeline's wall time with the slowest single call
// (the critical path) and with running the guide's checks one after another (the sum).

interface Measured {
  vm: string;
  wallMs: number;
  /** When the network verdict was first shown: provisional from the NSG rules as written, or settled. */
  shownMs: number;
  settledMs: number;
  provisional: string;
  criticalPathMs: number;
  slowestCall: string;
  sumMs: number;
  calls: number;
  runCommands: number;
  verdict: string;
}

function callsOf(sandbox: SandboxAzure, since: number) {
  // Status polls and result fetches belong to the operation they follow, not calls of their own.
  return sandbox.requests.filter((r) => r.startedAt >= since && r.pollOf === undefined);
}

async function measure(vm: string, source: string | null, scale: number): Promise<Measured> {
  const azure = await openSandboxAzure({ latency: 'realistic', scale });
  const sandbox = azure.sandbox!;
  try {
    const started = Date.now();
    let settledMs = 0;
    let shownMs = 0;
    const shown = () => (shownMs ||= Date.now() - started);
    const report = await diagnose({
      clients: azure.clients,
      target: vm,
      request: { symptom: 'timeout', source, host: null },
      resolveHost: azure.resolveHost,
      onProgress: (event) => {
        if (event.type === 'layer' && event.provisional && event.verdict.access === 'Deny') shown();
        if (event.type === 'settled') {
          settledMs = Date.now() - started;
          if (event.verdict.layer === 'network') shown();
        }
      },
    });
    const wallMs = Date.now() - started;
    const calls = callsOf(sandbox, started);
    const slowest = calls.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    return {
      vm,
      wallMs,
      shownMs,
      settledMs,
      provisional: report.provisional
        ? `${report.provisional.access} at ${report.provisional.elapsedMs} ms, ${report.provisional.note ?? 'not reconciled'}`
        : 'none',
      criticalPathMs: slowest.durationMs,
      slowestCall: `${slowest.method} ${slowest.path.split('/').slice(-2).join('/')}`,
      sumMs: calls.reduce((sum, c) => sum + c.durationMs, 0),
      calls: calls.length,
      runCommands: calls.filter((c) => c.method === 'POST' && /\/runCommand$/i.test(c.path)).length,
      verdict: `${report.verdict.layer} ${report.verdict.causes.join(',')}`.trim(),
    };
  } finally {
    await azure.close();
  }
}

async function main(): Promise<void> {
  const options = new Command('bench')
    .option('--scale <n>', 'latency scale (1 = Azure-like, 0.1 = ten times faster)', '0.1')
    .parse(process.argv)
    .opts<{ scale: string }>();
  const scale = Number(options.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, not ${options.scale}`);

  const healthy = await measure('vm-healthy', '203.0.113.10', scale);
  const network = await measure('nsg-denies-rdp', '203.0.113.10', scale);
  for (const m of [healthy, network]) {
    console.log(`${m.vm}: verdict ${m.verdict}`);
    console.log(`  wall time:           ${m.wallMs} ms`);
    console.log(`  critical path:       ${m.criticalPathMs} ms (${m.slowestCall})`);
    console.log(`  sum of ${m.calls} calls:     ${m.sumMs} ms (the guide's checks one after another)`);
    console.log(
      `  verdict settled at:  ${m.settledMs} ms (${((m.settledMs / m.wallMs) * 100).toFixed(1)} % of wall time)`,
    );
    console.log(`  provisional network: ${m.provisional}`);
  }
  console.log(`scale: ${scale}`);
  console.log(`critical-path-ratio: ${(healthy.wallMs / healthy.criticalPathMs).toFixed(2)}`);
  console.log(`run-commands: ${healthy.runCommands}`);
  console.log(`settled-ms: ${network.shownMs}`);
  console.log(`settled-ratio: ${(network.shownMs / network.wallMs).toFixed(3)}`);
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
