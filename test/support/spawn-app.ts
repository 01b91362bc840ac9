import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FakeSlack } from '@rdp-doctor/slack-fake';
import { SIGNING_SECRET, slackSide, type SlackSide } from './slack-harness';

// The app as a process of its own (app-process.ts), configured from the environment as in production,
// against a fake Slack and a sandbox that live in the test process. Every byte it writes to stdout and
// stderr is kept, and the process can be asked whether it is still alive.

const REGISTER_TS = path.join(__dirname, 'register-ts.js');
const APP_PROCESS = path.join(__dirname, 'app-process.ts');

export interface SpawnedApp {
  side: SlackSide;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Everything the process wrote, stdout then stderr, one entry per line. */
  output(): string[];
  alive(): boolean;
  /** SIGTERM, then SIGKILL if it lingers; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL (kill -9): no handler runs. Resolves once the process is gone. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  fake: FakeSlack;
  sandbox: { endpoint: string; accessToken: string; subscriptionId: string };
  caFile: string;
  dataDir: string;
  env?: Record<string, string>;
}

export function spawnApp(options: SpawnOptions): Promise<SpawnedApp> {
  const child: ChildProcess = spawn(process.execPath, ['-r', REGISTER_TS, APP_PROCESS], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'info',
      SLACK_API_URL: options.fake.url,
      SLACK_BOT_TOKEN: options.fake.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      AZURE_RESOURCE_MANAGER_ENDPOINT: options.sandbox.endpoint,
      AZURE_ACCESS_TOKEN: options.sandbox.accessToken,
      AZURE_SUBSCRIPTION_IDS: options.sandbox.subscriptionId,
      NODE_EXTRA_CA_CERTS: options.caFile,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const collect = (into: string[]) => {
    let pending = '';
    return (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      into.push(...lines);
    };
  };
  child.stderr!.on('data', collect(stderr));
  return new Promise((resolve, reject) => {
    const onStdout = collect(stdout);
    child.stdout!.on('data', (chunk: Buffer) => {
      const before = stdout.length;
      onStdout(chunk);
      for (const line of stdout.slice(before)) {
        if (!line.includes('"app-process ready"')) continue;
        const port = (JSON.parse(line) as { port: number }).port;
        const base = `http://127.0.0.1:${port}`;
        resolve({
          side: slackSide(`${base}/slack/events`, options.fake),
          base,
          output: () => [...stdout, ...stderr],
          alive: () => !exited,
          stop: async () => {
            if (exited) return;
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await gone;
            clearTimeout(timer);
          },
          kill: async () => {
            if (exited) return;
            child.kill('SIGKILL');
            await gone;
          },
        });
      }
    });
    void gone.then(() =>
      reject(new Error(`the app process exited before it was ready: ${stderr.join('\n')}`)),
    );
  });
}
