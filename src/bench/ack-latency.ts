import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
// Slack, whose work would otherwise delay the timer and count against the app. Each command goes over a
// connection of its own, as Slack's senders open them, through node:http: fetch's own work for 50
// requests at once added about 60 ms to every timing. One untimed request warms the worker up first.
const FIRE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
function post(r) {
  return new Promise((resolve, reject) => {
    const headers = { ...r.headers, 'content-length': Buffer.byteLength(r.body) };
    const req = http.request(workerData.url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}
post(workerData.requests[0]).then(() => Promise.all(workerData.requests.slice(1).map(async (r) => {
  const started = performance.now();
  const status = await post(r);
  if (workerData.expectOk && status !== 200) throw new Error('a command answered ' + status);
  return performance.now() - started;
}))).then((timings) => parentPort.postMessage(timings));
`;

/** Times `requests` (all but the first, which warms up) sent at once from a worker thread. */
function fireFromWorker(url: string, requests: SignedRequest[], expectOk = true): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(FIRE, { eval: true, workerData: { url, requests, expectOk } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** The same burst against a server that answers at once: what the measuring itself takes on this machine. */
async function clientFloor(requests: SignedRequest[]): Promise<number[]> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await fireFromWorker(`http://127.0.0.1:${port}/slack/events`, requests, false);
  } finally {
    server.close();
  }
}

async function main(): Promise<void> {
  const text = process.argv[2];
  const bench = await startBenchApp();
  try {
    const vms = bench.scenarios.filter((s) => s.cause !== null).map((s) => s.name);
    // The warm-up asks for help, so it starts no diagnosis of its own.
    const requests = [
      bench.rdp('help', 'U0BENCHWARM', 'C0BENCH'),
      ...Array.from({ length: COMMANDS }, (_, i) =>
        bench.rdp(text ?? vms[i % vms.length], `U0BENCH${i}`, 'C0BENCH'),
      ),
    ];
    const floor = (await clientFloor(requests)).sort((a, b) => a - b);
    const timings = (await fireFromWorker(bench.url, requests)).sort((a, b) => a - b);
    console.log(`commands: ${COMMANDS} concurrent (${text ?? 'a diagnosis each'})`);
    console.log(`ack-p50-ms: ${percentile(timings, 50).toFixed(1)}`);
    console.log(`ack-p99-ms: ${percentile(timings, 99).toFixed(1)}`);
    // Not part of the target: the same burst answered by an empty server, for reading the numbers above.
    console.log(`client-floor-p99-ms: ${percentile(floor, 99).toFixed(1)}`);
  } finally {
    await bench.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
