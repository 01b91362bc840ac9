import fs from 'node:fs';
import path from 'node:path';
import type { AzureEnvironment } from '../../src/environment';
import { scenarios } from '@rdp-doctor/azure-sandbox/scenarios';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { signRequest } from '@rdp-doctor/slack-fake';
import { tempDataDir } from '../store/support';
import { CHANNEL, SIGNING_SECRET, scenarioAzure } from '../support/slack-harness';
import { spawnApp, type SpawnedApp } from '../support/spawn-app';
import { diagnosed } from './approvals-support';

// Signed requests that Slack would never send: every field of a well-formed block_actions, view_submission,
// message_action, app_home_opened event and slash command (Slack's documented shapes) removed or given the
// wrong type in turn, and whole bodies that are null, arrays, scalars or not JSON. Sent to the app in its
// own process: none may end it, each gets an answer, and afterwards /healthz answers and a real diagnosis
// still completes.

jest.setTimeout(180_000);

const TEAM = { id: 'T0RDPDOCTOR', domain: 'rdp-doctor' };
const USER = { id: 'U0FUZZ', username: 'fuzz', name: 'fuzz', team_id: TEAM.id };

// block_actions: a click on a proposal's Approve button (Slack's block_actions payload reference).
const blockActions = (fake: FakeSlack) => ({
  type: 'block_actions',
  user: USER,
  api_app_id: 'A0RDPDOCTOR',
  token: 'deprecated-verification-token',
  container: { type: 'message', message_ts: '1700000000.000100', channel_id: CHANNEL, is_ephemeral: false },
  trigger_id: '1111.2222.abcd',
  team: TEAM,
  enterprise: null,
  is_enterprise_install: false,
  channel: { id: CHANNEL, name: 'incidents' },
  message: { type: 'message', ts: '1700000000.000100', text: 'proposal', blocks: [] },
  response_url: fake.responseUrl({ channel: CHANNEL, user: USER.id }),
  actions: [
    {
      type: 'button',
      action_id: 'approve-fix',
      block_id: 'proposal',
      value: 'no-such-proposal',
      action_ts: '1700000001.000200',
      text: { type: 'plain_text', text: 'Approve' },
    },
  ],
});

// view_submission: the fix modal submitted (Slack's view_submission payload reference).
const viewSubmission = (fake: FakeSlack) => ({
  type: 'view_submission',
  team: TEAM,
  user: USER,
  api_app_id: 'A0RDPDOCTOR',
  token: 'deprecated-verification-token',
  trigger_id: '1111.2222.efgh',
  view: {
    id: 'V0FUZZ',
    team_id: TEAM.id,
    type: 'modal',
    callback_id: 'fix-params',
    private_metadata: JSON.stringify({
      run: 'no-such-run',
      cause: 'nsg-denies-rdp',
      fix: 'nsg-allow-rdp-from-source',
      channel: CHANNEL,
      thread: '1700000000.000100',
    }),
    blocks: [],
    state: { values: { 'input:source': { value: { type: 'plain_text_input', value: '203.0.113.10' } } } },
    hash: '1700000002.abcdef',
    title: { type: 'plain_text', text: 'Propose a fix' },
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: 'V0FUZZ',
    app_id: 'A0RDPDOCTOR',
    bot_id: 'B0RDPDOCTOR',
  },
  response_urls: [
    {
      block_id: 'input:source',
      action_id: 'value',
      channel_id: CHANNEL,
      response_url: fake.responseUrl({ channel: CHANNEL, user: USER.id }),
    },
  ],
  is_enterprise_install: false,
});

// message_action: "Diagnose RDP" run on a message (Slack's shortcuts payload reference).
const messageAction = (fake: FakeSlack) => ({
  type: 'message_action',
  token: 'deprecated-verification-token',
  action_ts: '1700000003.000300',
  team: TEAM,
  user: USER,
  channel: { id: CHANNEL, name: 'incidents' },
  is_enterprise_install: false,
  enterprise: null,
  callback_id: 'diagnose_rdp',
  trigger_id: '1111.2222.mnop',
  response_url: fake.responseUrl({ channel: CHANNEL, user: USER.id }),
  message_ts: '1700000000.000100',
  message: { type: 'message', text: 'cannot RDP into vm-ghost', user: 'U0DAVE', ts: '1700000000.000100' },
});

// event_callback: app_home_opened in the Events API envelope (Slack's event wrapper reference).
const appHomeOpened = {
  token: 'deprecated-verification-token',
  team_id: TEAM.id,
  api_app_id: 'A0RDPDOCTOR',
  event: {
    type: 'app_home_opened',
    user: USER.id,
    channel: 'D0FUZZ',
    tab: 'home',
    event_ts: '1700000004.000400',
  },
  type: 'event_callback',
  event_id: 'Ev0FUZZ',
  event_time: 1700000004,
  authorizations: [{ enterprise_id: null, team_id: TEAM.id, user_id: 'U0RDPBOT', is_bot: true }],
  is_ext_shared_channel: false,
};

// The slash command's form fields (Slack's slash command request reference).
const slashFields = (fake: FakeSlack): Record<string, string> => ({
  token: 'deprecated-verification-token',
  team_id: TEAM.id,
  team_domain: TEAM.domain,
  channel_id: CHANNEL,
  channel_name: 'incidents',
  user_id: USER.id,
  user_name: USER.name,
  command: '/rdp',
  text: 'help',
  api_app_id: 'A0RDPDOCTOR',
  is_enterprise_install: 'false',
  response_url: fake.responseUrl({ channel: CHANNEL, user: USER.id }),
  trigger_id: '1111.2222.ijkl',
});

const WRONG_VALUES: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  ['a boolean', true],
  ['an array', []],
  ['an object', {}],
  ['an empty string', ''],
];

type Path = (string | number)[];

/** Every path in `value` down to its leaves (arrays through their first element). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.length > 0 ? [...pathsOf(value[0], [...prefix, 0])] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    [...prefix, key],
    ...pathsOf(inner, [...prefix, key]),
  ]);
}

function withAt(base: object, at: Path, change: { remove: true } | { value: unknown }): object {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = at[at.length - 1];
  if ('remove' in change) delete node[last];
  else node[last] = change.value;
  return copy;
}

interface Case {
  name: string;
  body: string;
  contentType?: string;
}

function payloadCases(kind: string, base: object): Case[] {
  return pathsOf(base)
    .flatMap((at) => [
      { name: `${kind} without ${at.join('.')}`, payload: withAt(base, at, { remove: true }) },
      ...WRONG_VALUES.map(([what, value]) => ({
        name: `${kind} with ${at.join('.')} as ${what}`,
        payload: withAt(base, at, { value }),
      })),
    ])
    .map(({ name, payload }) => ({
      name,
      body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    }));
}

/** Like payloadCases, for the Events API, whose envelope is the JSON body itself. */
function eventCases(kind: string, base: object): Case[] {
  return pathsOf(base).flatMap((at) => [
    {
      name: `${kind} without ${at.join('.')}`,
      body: JSON.stringify(withAt(base, at, { remove: true })),
      contentType: 'application/json',
    },
    ...WRONG_VALUES.map(([what, value]) => ({
      name: `${kind} with ${at.join('.')} as ${what}`,
      body: JSON.stringify(withAt(base, at, { value })),
      contentType: 'application/json',
    })),
  ]);
}

function slashCases(fields: Record<string, string>): Case[] {
  return Object.keys(fields).flatMap((field) => {
    const others = Object.entries(fields).filter(([key]) => key !== field);
    return [
      { name: `slash command without ${field}`, body: new URLSearchParams(others).toString() },
      {
        name: `slash command with ${field} twice`,
        body: new URLSearchParams([...Object.entries(fields), [field, 'again']]).toString(),
      },
      {
        name: `slash command with ${field} empty`,
        body: new URLSearchParams([...others, [field, '']]).toString(),
      },
    ];
  });
}

const WHOLE_BODIES: Case[] = [
  ...[
    'null',
    '[]',
    '[{}]',
    '"text"',
    '42',
    'true',
    '{}',
    '{',
    '',
    '{"type":null}',
    '{"type":"shortcut"}',
  ].map((payload) => ({ name: `payload=${payload}`, body: `payload=${encodeURIComponent(payload)}` })),
  { name: 'two payload fields', body: 'payload=%7B%7D&payload=null' },
  { name: 'an empty form', body: '' },
  ...['null', '[]', '42', '"x"', '{}', '{"type":"event_callback"}', 'not json'].map((body) => ({
    name: `JSON body ${body}`,
    body,
    contentType: 'application/json',
  })),
];

function corpus(fake: FakeSlack): Case[] {
  const all = [
    ...WHOLE_BODIES,
    ...payloadCases('block_actions', blockActions(fake)),
    ...payloadCases('view_submission', viewSubmission(fake)),
    ...payloadCases('message_action', messageAction(fake)),
    ...eventCases('app_home_opened', appHomeOpened),
    ...slashCases(slashFields(fake)),
  ];
  // A body signed twice would be refused as a replay, not as malformed.
  const seen = new Set<string>();
  return all.filter((c) => !seen.has(c.body) && seen.add(c.body));
}

let fake: FakeSlack;
let azure: AzureEnvironment;
let dataDir: string;
let app: SpawnedApp;

beforeAll(async () => {
  fake = await startFakeSlack();
  azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === 'nsg-denies-rdp') });
  dataDir = tempDataDir();
  const caFile = path.join(dataDir, 'sandbox-ca.pem');
  fs.writeFileSync(caFile, azure.sandbox!.caCertificate);
  app = await spawnApp({ fake, sandbox: azure.sandbox!, caFile, dataDir });
});

afterAll(async () => {
  await app.stop();
  await fake.stop();
  await azure.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('no malformed signed payload ends the process; /healthz and a real diagnosis still work', async () => {
  const cases = corpus(fake);
  expect(cases.length).toBeGreaterThanOrEqual(200);
  const outcomes = new Map<string, number | string>();
  for (let i = 0; i < cases.length; i += 20) {
    await Promise.all(
      cases.slice(i, i + 20).map(async (c) => {
        const signed = signRequest(SIGNING_SECRET, c.body);
        const headers = { ...signed.headers, ...(c.contentType ? { 'content-type': c.contentType } : {}) };
        const response = await fetch(app.side.url, {
          method: 'POST',
          body: c.body,
          headers,
          signal: AbortSignal.timeout(15_000),
        }).then(
          (r) => r.status,
          (error: Error) => `no answer: ${error.message}`,
        );
        outcomes.set(c.name, response);
      }),
    );
  }
  expect(app.alive()).toBe(true);
  const unanswered = [...outcomes].filter(([, status]) => typeof status !== 'number' || status >= 500);
  expect(unanswered).toEqual([]);
  // The process-level handlers are a last net: no fault escaped the handlers to reach them.
  expect(app.output().filter((line) => line.includes('the app keeps serving'))).toEqual([]);

  const tally = [...outcomes.values()].reduce<Record<string, number>>(
    (counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
    {},
  );
  process.stdout.write(
    `malformed payloads: ${cases.length} sent, answers by status ${JSON.stringify(tally)}\n`,
  );
  expect(outcomes.get('payload=null')).toBe(400);
  expect(outcomes.get('payload=[]')).toBe(400);
  expect(outcomes.get('block_actions with actions as null')).toBe(400);
  expect(outcomes.get('view_submission with view.state.values as an array')).toBe(400);
  expect(outcomes.get('slash command with text twice')).toBe(400);
  expect(outcomes.get('message_action with message as null')).toBe(400);
  expect(outcomes.get('app_home_opened without event.user')).toBe(400);

  expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
  const report = await diagnosed(app.side, 'nsg-denies-rdp', 'from 203.0.113.10', 'U0ALICE');
  expect(report.text + JSON.stringify(report.blocks)).toMatch(/nsg-denies-rdp/);
  expect(app.alive()).toBe(true);
});
