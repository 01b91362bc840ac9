import { Worker } from 'node:worker_threads';
import type { SignedRequest } from '../stand-ins';
import { startBenchApp } from './app-process';

// `npm run bench:ack`: 50 `/rdp` commands at once against the app running as it does in production
// (`node dist/main.js`, its own process), with the sandbox Azure and the fake Slack in this process,
// timing how long Slack would wait for each acknowledgement (Slack gives up after 3 s).

const COMMANDS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
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
  const bench = await startBenchApp();
  try {
    const vms = bench.scenarios.filter((s) => s.cause !== null).map((s) => s.name);
    const requests = Array.from({ length: COMMANDS }, (_, i) =>
      bench.rdp(text ?? vms[i % vms.length], `U0BENCH${i}`, 'C0BENCH'),
    );
    const timings = await fireFromWorker(bench.url, requests);
    const sorted = timings.sort((a, b) => a - b);
    console.log(`commands: ${COMMANDS} concurrent (${text ?? 'a diagnosis each'})`);
    console.log(`ack-p50-ms: ${percentile(sorted, 50).toFixed(1)}`);
    console.log(`ack-p99-ms: ${percentile(sorted, 99).toFixed(1)}`);
  } finally {
    await bench.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
