import https from 'node:https';
import { latencyModel } from '@rdp-doctor/azure-sandbox/latency';
import { OFFICE_SOURCE } from '@rdp-doctor/azure-sandbox/scenarios/healthy';
import { startSandbox, type Sandbox } from '@rdp-doctor/azure-sandbox';
import { privateIpOf, RG, startHarness } from './harness';

// ARM's protocol at the wire: authentication, error shapes, api-version checks, and the latency profile.

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(() => sandbox.stop());

function call(path: string, token: string | null = sandbox.accessToken) {
  return new Promise<{
    status: number;
    headers: Record<string, unknown>;
    body: { error?: { code: string; message: string } };
  }>((resolve, reject) => {
    const request = https.request(
      `${sandbox.endpoint}${path}`,
      { ca: sandbox.caCertificate, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

const vmPath = (vm: string) =>
  `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${vm}`;

test('no token is 401 AuthenticationFailed with a bearer challenge; a wrong one is InvalidAuthenticationToken', async () => {
  const missing = await call(`${vmPath('vm-healthy')}?api-version=2025-04-01`, null);
  expect(missing.status).toBe(401);
  expect(missing.body.error?.code).toBe('AuthenticationFailed');
  expect(String(missing.headers['www-authenticate'])).toMatch(/^Bearer authorization_uri=/);
  const wrong = await call(`${vmPath('vm-healthy')}?api-version=2025-04-01`, 'not-the-token');
  expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'InvalidAuthenticationToken' } } });
});

test('unknown paths and resources answer 404 in ARM error shape', async () => {
  const unknown = await call('/subscriptions/nope/providers/Microsoft.Fake/things?api-version=2020-01-01');
  expect(unknown.status).toBe(404);
  expect(unknown.body).toEqual({ error: { code: 'NotFound', message: expect.any(String) } });
  const subscription = await call(
    `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Compute/virtualMachines?api-version=2025-04-01`,
  );
  expect(subscription).toMatchObject({ status: 404, body: { error: { code: 'SubscriptionNotFound' } } });
  const vm = await call(`${vmPath('no-such-vm')}?api-version=2025-04-01`);
  expect(vm).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
  expect(vm.body.error?.message).toContain(
    "'Microsoft.Compute/virtualMachines/no-such-vm' under resource group 'rg-sandbox'",
  );
  expect(vm.headers['x-ms-request-id']).toEqual(expect.any(String));
});

test('a missing or unsupported api-version is refused as ARM refuses it', async () => {
  expect(await call(vmPath('vm-healthy'))).toMatchObject({
    status: 400,
    body: { error: { code: 'MissingApiVersionParameter' } },
  });
  const unsupported = await call(`${vmPath('vm-healthy')}?api-version=2099-01-01`);
  expect(unsupported).toMatchObject({ status: 400, body: { error: { code: 'InvalidApiVersionParameter' } } });
  expect(unsupported.body.error?.message).toContain('2025-04-01');
});

test('sandbox DNS resolves public IP labels and scenario records, and rejects unknown names', async () => {
  const pip = [...sandbox.state.publicIps.values()].find((ip) => ip.name === 'vm-healthy-pip');
  await expect(sandbox.resolveHost('vm-healthy-sandbox.westeurope.cloudapp.azure.com')).resolves.toEqual([
    pip?.ipAddress,
  ]);
  await expect(sandbox.resolveHost('dns-stale.contoso.com')).resolves.toEqual(['192.0.2.80']);
  await expect(sandbox.resolveHost('nowhere.contoso.com')).rejects.toMatchObject({ code: 'ENOTFOUND' });
});

test('realistic latency is deterministic and an operation lasts until polling says it ended', async () => {
  const scale = 0.2;
  const h = await startHarness({ latency: 'realistic', scale });
  try {
    const model = latencyModel('realistic', scale);
    const localIp = await privateIpOf(h, 'vm-healthy');
    const get = h.sandbox.requests.find((r) => r.method === 'GET' && r.path.endsWith('/vm-healthy-nic'));
    expect(get?.durationMs).toBeGreaterThanOrEqual(model.callMs(`GET ${get?.path}`));
    expect(model.callMs(`GET ${get?.path}`)).toBeGreaterThanOrEqual(150 * scale);

    const verdict = await h.sub.network.networkWatchers.beginVerifyIPFlowAndWait(
      'NetworkWatcherRG',
      'NetworkWatcher_westeurope',
      {
        targetResourceId: vmPath('vm-healthy'),
        direction: 'Inbound',
        protocol: 'TCP',
        localIPAddress: localIp,
        localPort: '3389',
        remoteIPAddress: OFFICE_SOURCE,
        remotePort: '60000',
      },
    );
    expect(verdict.access).toBe('Allow');
    const started = h.sandbox.requests.find((r) => r.path.endsWith('/ipFlowVerify'));
    const nicId = h.sandbox.state.nics.find(
      h.sandbox.subscriptionId,
      RG,
      'Microsoft.Network/networkInterfaces',
      'vm-healthy-nic',
    )?.id;
    const expected = model.operationMs('networkWatcher', `ipFlowVerify:${nicId}`);
    expect(expected).toBeGreaterThanOrEqual(3000 * scale);
    expect(started?.durationMs).toBeGreaterThanOrEqual(expected);
    expect(started?.durationMs).toBeLessThan(expected + 1000);
  } finally {
    await h.sandbox.stop();
  }
});
