import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Local mode is for a laptop: it binds loopback only. With NODE_ENV=production a missing Slack secret stops
// the process with one line naming it, and local mode never starts.

// The built entry point, as `npm start` runs it (npm ci builds it); a cold start takes a while on a busy machine.
const MAIN = join(__dirname, '../dist/main.js');
jest.setTimeout(90_000);

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-modes-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('SLACK_') && key !== 'NODE_ENV'),
  );
  return { ...env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extra };
}

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { cwd: dataDir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test.each([
  [{}, /^Missing secret: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET must be set when NODE_ENV=production/],
  [{ SLACK_BOT_TOKEN: 'xoxb-1-2-abc' }, /^Missing secret: SLACK_SIGNING_SECRET must be set/],
  [{ SLACK_SIGNING_SECRET: 'abc123' }, /^Missing secret: SLACK_BOT_TOKEN must be set/],
])(
  'with NODE_ENV=production and %j it exits 1 with one line naming the missing secret',
  async (slack, line) => {
    const result = await run(baseEnv({ NODE_ENV: 'production', ...slack }));
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
    expect(result.stdout).not.toContain('LOCAL MODE');
  },
);

test('local mode listens on 127.0.0.1 only', async () => {
  const child = spawn(process.execPath, [MAIN], {
    cwd: dataDir,
    env: baseEnv({ HOST: '0.0.0.0' }),
  });
  try {
    const listening = await new Promise<{ host: string; port: number }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.includes('"Slack app listening"'));
        if (line) resolve(JSON.parse(line) as { host: string; port: number });
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    expect(listening.host).toBe('127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${listening.port}/healthz`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
  }
});
