import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm start` (node dist/main.js, built by `npm run build`) with no Slack settings: local mode, and how
// long it takes from spawn to the page answering 200.

const ROOT = join(__dirname, '../..');
const MAIN = join(ROOT, 'dist/main.js');
/** Generous for a 2-core machine under a test run; the measured time is printed. */
const STARTUP_BUDGET_MS = 20_000;

let child: ChildProcess | undefined;
let dataDir: string;

beforeAll(() => {
  if (!existsSync(MAIN) || !existsSync(join(ROOT, 'packages/local-workspace/dist/page/index.html'))) {
    throw new Error(`${MAIN} or the local page is missing: run \`npm run build\` first (npm ci does it).`);
  }
  dataDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-start-'));
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function withoutSlack(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('SLACK_')));
}

test('npm start with no Slack settings says LOCAL MODE first, then serves the page', async () => {
  const started = performance.now();
  const running = spawn(process.execPath, [MAIN], {
    cwd: dataDir,
    env: { ...withoutSlack(process.env), PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = running;
  const lines: string[] = [];
  let stderr = '';
  running
    .stdout!.setEncoding('utf8')
    .on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  running.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let url: string | undefined;
  let status = 0;
  while (status !== 200) {
    if (performance.now() - started > STARTUP_BUDGET_MS) {
      throw new Error(
        `no page within ${STARTUP_BUDGET_MS} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
      );
    }
    if (running.exitCode !== null) throw new Error(`npm start exited with ${running.exitCode}:\n${stderr}`);
    url ??= lines.map((line) => /"url":"(http:\/\/localhost:\d+\/)"/.exec(line)?.[1]).find(Boolean);
    if (url)
      status = await fetch(url).then(
        (r) => r.status,
        () => 0,
      );
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`npm start (local mode) served the page ${seconds.toFixed(2)} s after spawn\n`);

  expect((JSON.parse(lines[0]) as { msg: string }).msg).toMatch(/^LOCAL MODE: .*never production/);
  const page = await fetch(url!);
  expect(await page.text()).toContain('LOCAL MODE');

  const exited = new Promise<number | null>((resolve) => running.once('exit', resolve));
  running.kill('SIGTERM');
  expect(await exited).toBe(0);
});
