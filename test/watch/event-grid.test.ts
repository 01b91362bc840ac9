import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEALTHY_VM, sandboxAdmin, scenarios } from '@rdp-doctor/azure-sandbox';
import { createLogger } from '../../src/logger';
import { openStore, type Store } from '../../src/store';
import { eventGridRoute } from '../../src/watch/event-grid-route';
import type { AlertDetail, WatchPoster, WatchService } from '../../src/watch/service';
import { startFleetHarness, type FleetHarness } from '../digest/harness';
import { tempDataDir } from '../store/support';
import { denyRdpRule, nicNsgOf, watchService } from './support';

// Event Grid's webhook: the validation handshake, the shared key, and a resource write delivered ahead of
// the activity log alerting once, not again when the tick reads the same change.

const SECRET = 'event-grid-test-secret-0123456789';

let h: FleetHarness;
let store: Store;
let server: http.Server;
let url: string;
const posted: AlertDetail[] = [];
let service: WatchService;

const poster: WatchPoster = {
  postAlert: async (_watch, detail) => (posted.push(detail), `1700000001.00000${posted.length}`),
  updateAlert: async () => undefined,
};

beforeAll(async () => {
  h = await startFleetHarness({ scenarios: scenarios.filter((s) => s.name === HEALTHY_VM) });
  store = await openStore({ dataDir: tempDataDir() });
  service = watchService(h, { store, poster });
  const route = eventGridRoute({
    secret: SECRET,
    store,
    service: () => service,
    configuredSubscriptions: [h.sandbox.subscriptionId],
    logger: createLogger('silent'),
  });
  server = http.createServer((req, res) => {
    if (!route(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/azure/events`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  await h.sandbox.stop();
});

async function deliver(body: unknown, key = SECRET): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}?key=${encodeURIComponent(key)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test('the subscription validation handshake answers the validation code', async () => {
  const answer = await deliver([
    {
      id: '2d1781af-3a4c-4d7c-bd0c-e34b19da4e66',
      topic: `/subscriptions/${h.sandbox.subscriptionId}`,
      subject: '',
      data: {
        validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6',
        validationUrl: 'https://rp.example/validate',
      },
      eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
      eventTime: '2026-12-04T19:00:00Z',
      metadataVersion: '1',
      dataVersion: '1',
    },
  ]);
  expect(answer).toEqual({
    status: 200,
    body: { validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' },
  });
});

test('a wrong key or a malformed delivery is refused with what was wrong', async () => {
  expect((await deliver([], 'not-the-key')).status).toBe(401);
  expect(await deliver({ eventType: 'x' })).toEqual({
    status: 400,
    body: { error: 'An Event Grid delivery is a JSON array of 1 to 5000 events.' },
  });
  expect((await deliver([{ eventType: 'Microsoft.Resources.ResourceWriteSuccess', data: {} }])).status).toBe(
    400,
  );
});

test('a write delivered by Event Grid alerts at once, and a look that reads the same change from the activity log does not alert again', async () => {
  const scope = { subscriptions: [h.sandbox.subscriptionId], resourceGroups: [], tags: [] };
  await store.createWatch({
    channel: 'C0WATCH03',
    scope,
    sources: ['203.0.113.0/24'],
    createdBy: 'U0ALICE',
    cursor: new Date().toISOString(),
  });
  await service.tick();
  // The watch as a replica that had not seen the delivery yet would read it: the loss is still news to it.
  const [stale] = await store.listWatches();
  const nsgId = nicNsgOf(h.sandbox, HEALTHY_VM);
  await sandboxAdmin(h.sandbox).putSecurityRule({
    caller: 'erin@contoso.com',
    nsgId,
    name: 'Deny-RDP-Now',
    rule: denyRdpRule(105),
  });
  const written = h.sandbox.state.activity[h.sandbox.state.activity.length - 1];
  const answer = await deliver([
    {
      id: written.eventDataId,
      topic: `/subscriptions/${h.sandbox.subscriptionId}`,
      subject: written.resourceId,
      eventType: 'Microsoft.Resources.ResourceWriteSuccess',
      eventTime: new Date(written.time).toISOString(),
      data: {
        correlationId: written.correlationId,
        operationName: written.operationName,
        resourceUri: written.resourceId,
        status: 'Succeeded',
        subscriptionId: h.sandbox.subscriptionId,
        claims: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'erin@contoso.com' },
      },
      dataVersion: '2',
      metadataVersion: '1',
    },
  ]);
  expect(answer).toEqual({ status: 200, body: { accepted: 1 } });
  expect(posted.map((detail) => [detail.what.startsWith('rule Deny-RDP-Now'), detail.change.caller])).toEqual(
    [[true, 'erin@contoso.com']],
  );
  const again = await service.check(stale);
  expect(again.alerts).toBe(0);
  expect(posted).toHaveLength(1);
});
